// What the ledger promises per id (expectations.ts): acknowledged operations fix the
// state, refused ones change nothing, unknown ones add their result to what is possible.
import { expect } from "chai";
import { allows, expectations } from "../../expectations.ts";
import type { LedgerEntry, Outcome } from "../../ledger.ts";

let seq = 0;
function entry(id: string, action: "put" | "delete", outcome: Outcome, variant?: string): LedgerEntry {
  return {
    seq: seq++,
    id,
    path: "ingress",
    kind: action === "put" ? "update" : "delete",
    action,
    ...(variant === undefined ? {} : { variant }),
    sentMs: 0,
    doneMs: 1,
    outcome,
    code: outcome === "ack" ? "OK" : "UNAVAILABLE",
    phase: "baseline",
  };
}

describe("chaos ledger expectations", function () {
  const rows: { name: string; given: LedgerEntry[]; want: unknown[] }[] = [
    { name: "an acknowledged put", given: [entry("a", "put", "ack", "v1")], want: [{ variant: "v1" }] },
    { name: "a refused put", given: [entry("a", "put", "refused", "v1")], want: ["absent"] },
    {
      name: "an unknown put after an ack",
      given: [entry("a", "put", "ack", "v1"), entry("a", "put", "unknown", "v2")],
      want: [{ variant: "v1" }, { variant: "v2" }],
    },
    {
      name: "an ack after an unknown settles it",
      given: [entry("a", "put", "unknown", "v1"), entry("a", "delete", "ack")],
      want: ["absent"],
    },
    {
      name: "an unknown delete",
      given: [entry("a", "put", "ack", "v1"), entry("a", "delete", "unknown")],
      want: [{ variant: "v1" }, "absent"],
    },
    {
      name: "a flip A -> B -> A acknowledged",
      given: [entry("a", "put", "ack", "v1"), entry("a", "put", "ack", "v2"), entry("a", "put", "ack", "v1")],
      want: [{ variant: "v1" }],
    },
  ];
  for (const row of rows)
    it(row.name, function () {
      expect(expectations(row.given).get("a")?.possible).to.deep.equal(row.want);
    });

  it("orders by seq whatever the order of the entries, and names the last ack", function () {
    const put = entry("a", "put", "ack", "v1");
    const del = entry("a", "delete", "ack");
    const e = expectations([del, put]).get("a");
    expect(e?.possible).to.deep.equal(["absent"]);
    expect(e?.lastAck).to.equal(del.seq);
  });

  it("allows exactly the possible states", function () {
    const e = expectations([entry("a", "put", "ack", "v1"), entry("a", "put", "unknown", "v2")]).get("a");
    if (!e) throw new Error("no expectation");
    expect(allows(e, { variant: "v2" })).to.equal(true);
    expect(allows(e, { variant: "v3" })).to.equal(false);
    expect(allows(e, "absent")).to.equal(false);
  });
});
