// An interrupted dispatch (interrupted.ts): which PENDING deployments the sweep takes
// as cut short, and what the write over what is stored then makes of them.
import { expect } from "chai";
import { interruptedMessage, interruptedWrite, isInterrupted, unitId } from "../../src/index.ts";
import { mapping, t0, t1, withCondition, withTargets, withUpdatedAt } from "../dispatch-fixtures.ts";
import { deployment } from "../fixtures.ts";

describe("models: an interrupted dispatch", function () {
  const bound = 60_000;
  const at = Date.parse(t0);
  const rows: { name: string; d: ReturnType<typeof deployment>; nowMs: number; want: boolean }[] = [
    {
      name: "PENDING within the bound: a live dispatch",
      d: deployment(withUpdatedAt(t0)),
      nowMs: at + bound - 1,
      want: false,
    },
    {
      name: "PENDING for exactly the bound",
      d: deployment(withUpdatedAt(t0)),
      nowMs: at + bound,
      want: true,
    },
    { name: "PENDING past the bound", d: deployment(withUpdatedAt(t0)), nowMs: at + 10 * bound, want: true },
    { name: "PENDING without updated_at", d: deployment(withUpdatedAt(undefined)), nowMs: at, want: true },
    {
      name: "not PENDING, however old",
      d: deployment(withCondition("DEPLOYING"), withUpdatedAt(t0)),
      nowMs: at + 10 * bound,
      want: false,
    },
  ];
  for (const row of rows) {
    it(row.name, function () {
      expect(isInterrupted(row.d, row.nowMs, bound)).to.equal(row.want);
    });
  }

  const seen = deployment(withTargets("a", "b", "c"), withUpdatedAt(t0));

  it("becomes UNKNOWN; confirmed mappings kept, FAILED and missing ones UNKNOWN, others dropped", function () {
    const stored = [
      mapping("a", "DEPLOYED"),
      mapping("b", "FAILED", { message: "refused" }),
      mapping("x", "DEPLOYED"),
    ];
    const got = interruptedWrite(seen, seen, stored, t1);
    expect(got?.deployment).to.include({ condition: "UNKNOWN", updated_at: t1 });
    expect(got?.mappings).to.deep.equal([
      mapping("a", "DEPLOYED"),
      {
        cluster: "b",
        unit_id: unitId("shop-cart", "b"),
        state: "UNKNOWN",
        message: interruptedMessage,
        updated_at: t1,
      },
      {
        cluster: "c",
        unit_id: unitId("shop-cart", "c"),
        state: "UNKNOWN",
        message: interruptedMessage,
        updated_at: t1,
      },
    ]);
  });

  it("an UNKNOWN mapping is kept as it is", function () {
    const stored = [mapping("a", "UNKNOWN", { message: "reset" })];
    const got = interruptedWrite(seen, seen, stored, t1);
    expect(got?.mappings[0]).to.deep.equal(stored[0]);
  });

  const untouched: { name: string; now: ReturnType<typeof deployment> }[] = [
    {
      name: "a dispatch finished meanwhile",
      now: deployment(withTargets("a"), withCondition("DEPLOYING"), withUpdatedAt(t0)),
    },
    {
      name: "a new dispatch began meanwhile (another updated_at)",
      now: deployment(withTargets("a"), withUpdatedAt(t1)),
    },
  ];
  for (const row of untouched) {
    it(`${row.name}: nothing written`, function () {
      expect(interruptedWrite(seen, row.now, [], t1)).to.equal(undefined);
    });
  }
});
