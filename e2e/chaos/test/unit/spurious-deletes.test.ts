// I4 from the audit log (spurious-deletes.ts): deletes while a record is wanted are
// violations; deletes after a delete was sent, or before any acknowledged put, are not.
import { expect } from "chai";
import type { LedgerEntry } from "../../ledger.ts";
import { parseDeletes, spuriousDeletes, type DeleteEvent } from "../../spurious-deletes.ts";

const runStart = Date.parse("2026-12-07T10:00:00Z");
const at = (ms: number) => new Date(runStart + ms).toISOString();
const audit = (verb: string, resource: string, name: string, ms: number, code = 200, ns = "chaos-x") =>
  JSON.stringify({
    verb,
    stage: "ResponseComplete",
    stageTimestamp: at(ms),
    user: { username: "admin" },
    objectRef: { resource, namespace: ns, name },
    responseStatus: { code },
  });

let seq = 0;
const op = (
  action: "put" | "delete",
  sentMs: number,
  doneMs: number,
  outcome: LedgerEntry["outcome"] = "ack",
): LedgerEntry => ({
  seq: seq++,
  id: "x",
  path: "ingress",
  kind: action === "put" ? "create" : "delete",
  action,
  sentMs,
  doneMs,
  outcome,
  code: "OK",
  phase: "baseline",
});
const del = (ms: number): DeleteEvent => ({ atMs: ms, resource: "deployments", name: "x-fn", user: "admin" });
const owner = (name: string) => (name === "x-fn" ? "x" : undefined);

describe("chaos I4: spurious deletes from the audit log", function () {
  it("parses successful child deletes in the namespace only", function () {
    const text = [
      audit("delete", "deployments", "x-fn", 1000),
      audit("delete", "deployments", "x-fn", 1100, 404),
      audit("delete", "pods", "p", 1200),
      audit("delete", "services", "y-fn", 1300, 200, "other"),
      audit("get", "services", "x-fn", 1400),
      "{cut",
    ].join("\n");
    expect(parseDeletes(text, "chaos-x", runStart)).to.deep.equal([
      { atMs: 1000, resource: "deployments", name: "x-fn", user: "admin" },
    ]);
  });

  it("a delete while wanted is I4; after a delete was sent, or before any ack, it is not", function () {
    const entries = [op("put", 0, 100), op("delete", 5000, 5100), op("put", 8000, 9000)];
    expect(spuriousDeletes([del(50)], entries, owner)).to.deep.equal([]);
    expect(spuriousDeletes([del(5050)], entries, owner)).to.deep.equal([]);
    expect(spuriousDeletes([del(2000)], entries, owner).map((v) => v.invariant)).to.deep.equal(["I4"]);
    expect(spuriousDeletes([del(9500)], entries, owner).map((v) => v.invariant)).to.deep.equal(["I4"]);
  });

  it("an unknown delete excuses later deletes; a refused one does not", function () {
    expect(
      spuriousDeletes([del(3000)], [op("put", 0, 100), op("delete", 2000, 2100, "unknown")], owner),
    ).to.deep.equal([]);
    expect(
      spuriousDeletes([del(3000)], [op("put", 0, 100), op("delete", 2000, 2100, "refused")], owner),
    ).to.have.length(1);
  });
});
