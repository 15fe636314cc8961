// The chaos figures (figures.ts) and the front doors' outcome classification (clients.ts).
import { Code } from "@connectrpc/connect";
import { expect } from "chai";
import { ingressOutcome, pmOutcome } from "../../clients.ts";
import { clientFigures, parseDuration, reconcileFigures, slopePerHour, spread } from "../../figures.ts";
import type { LedgerEntry } from "../../ledger.ts";
import type { PlannedOp } from "../../workload.ts";

const op = (action: "put" | "delete"): PlannedOp => ({
  seq: 0,
  atMs: 0,
  id: "x",
  path: "ingress",
  kind: action === "put" ? "update" : "delete",
  action,
});

describe("chaos figures", function () {
  it("spread: nearest-rank p50, p95 and max", function () {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(spread(values)).to.deep.equal({ n: 100, p50_ms: 50, p95_ms: 95, max_ms: 100 });
    expect(spread([7])).to.deep.equal({ n: 1, p50_ms: 7, p95_ms: 7, max_ms: 7 });
    expect(spread([]).n).to.equal(0);
  });

  it("client figures count outcomes and the answers that are never right", function () {
    const e = (outcome: LedgerEntry["outcome"], code: string): LedgerEntry => ({
      seq: 0,
      id: "x",
      path: "pm",
      kind: "create",
      action: "put",
      sentMs: 0,
      doneMs: 1,
      outcome,
      code,
      phase: "fault",
    });
    const f = clientFigures([
      e("ack", "201"),
      e("refused", "503"),
      e("unknown", "500"),
      e("unknown", "timeout"),
    ]);
    expect(f).to.deep.equal({ calls: 4, ack: 1, refused: 1, unknown: 2, error_rate: 0.75, bad_answers: 2 });
  });

  it("reconciles per record and the ratio to the baseline", function () {
    expect(reconcileFigures(30, 10, 1.5)).to.deep.equal({
      reconciles: 30,
      records: 10,
      per_record: 3,
      over_baseline: 2,
    });
    expect(reconcileFigures(30, 10).over_baseline).to.equal(null);
  });
});

describe("chaos front doors: outcomes", function () {
  const pmRows: [string, number, string][] = [
    ["POST", 201, "ack"],
    ["PUT", 200, "ack"],
    ["POST", 202, "unknown"],
    ["POST", 503, "refused"],
    ["POST", 400, "refused"],
    ["POST", 502, "unknown"],
    ["POST", 500, "unknown"],
    ["DELETE", 200, "ack"],
    ["DELETE", 404, "ack"],
    ["PUT", 404, "refused"],
  ];
  for (const [method, status, want] of pmRows)
    it(`PM ${method} ${status} is ${want}`, function () {
      expect(pmOutcome(method, status)).to.equal(want);
    });
  const ingressRows: [PlannedOp, Code, string][] = [
    [op("delete"), Code.NotFound, "ack"],
    [op("put"), Code.NotFound, "unknown"],
    [op("put"), Code.InvalidArgument, "refused"],
    [op("put"), Code.FailedPrecondition, "refused"],
    [op("put"), Code.Unavailable, "unknown"],
    [op("put"), Code.DeadlineExceeded, "unknown"],
    [op("put"), Code.Internal, "unknown"],
  ];
  for (const [o, code, want] of ingressRows)
    it(`ingress ${o.action} ${Code[code]} is ${want}`, function () {
      expect(ingressOutcome(o, code)).to.equal(want);
    });
});

describe("chaos soak helpers", function () {
  it("slopePerHour fits a line", function () {
    expect(
      slopePerHour([
        { t: 0, y: 100 },
        { t: 1_800_000, y: 110 },
        { t: 3_600_000, y: 120 },
      ]),
    ).to.equal(20);
    expect(slopePerHour([{ t: 0, y: 1 }])).to.equal(0);
  });
  it("parseDuration reads h, m, s, ms and bare seconds, and refuses the rest", function () {
    expect([
      parseDuration("4h"),
      parseDuration("30m"),
      parseDuration("90s"),
      parseDuration("1500ms"),
      parseDuration("5"),
    ]).to.deep.equal([14_400_000, 1_800_000, 90_000, 1500, 5000]);
    expect(() => parseDuration("soon")).to.throw(/not a duration/);
  });
});
