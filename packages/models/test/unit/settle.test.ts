// Settling a deployment from its clusters (settle.ts): what FAILED and UNKNOWN mappings
// become, whether a verdict changes anything, and the guarded write that stores it.
import { expect } from "chai";
import {
  failedAfterRead,
  mayResend,
  resentMapping,
  resentObservation,
  settleChanges,
  settledWrite,
  summaryName,
  type ClusterMapping,
  type ClusterObservation,
  type DeploymentCondition,
  type Resend,
  type SettleJudgement,
} from "../../src/index.ts";
import { mapping, t1, withCondition, withGeneration, withLastError } from "../dispatch-fixtures.ts";
import { deployment } from "../fixtures.ts";

const running: ClusterObservation = { kind: "summary", summary: "RUNNING", message: "RUNNING: all ready" };

describe("models: settle decisions", function () {
  it("the summary name a status message starts with", function () {
    const rows: [string | undefined, string][] = [
      ["RUNNING: 2/2 ready", "RUNNING"],
      ["SUMMARY_UNKNOWN", "SUMMARY_UNKNOWN"],
      ["ERROR (Failed): bad port", "ERROR"],
      ["running", "SUMMARY_UNKNOWN"],
      ["", "SUMMARY_UNKNOWN"],
      [undefined, "SUMMARY_UNKNOWN"],
    ];
    for (const [message, want] of rows) expect(summaryName(message), String(message)).to.equal(want);
  });

  it("settle sends units again except while a dispatch runs (PENDING) or after a delete", function () {
    const all: DeploymentCondition[] = ["PENDING", "DEPLOYING", "RUNNING", "DOWN", "DELETED", "UNKNOWN"];
    expect(all.filter(mayResend)).to.deep.equal(["DEPLOYING", "RUNNING", "DOWN", "UNKNOWN"]);
  });

  describe("a FAILED mapping after its cluster was asked", function () {
    const failed = mapping("a", "FAILED", { message: "refused: bad port" });
    const rows: {
      name: string;
      read: ClusterObservation;
      resendable: boolean;
      want: { observation: ClusterObservation; mapping?: ClusterMapping };
    }[] = [
      {
        name: "the cluster runs it: DEPLOYED (never say 'not deployed' of a running workload)",
        read: running,
        resendable: true,
        want: {
          observation: running,
          mapping: { cluster: "a", unit_id: "u-a", state: "DEPLOYED", updated_at: t1 },
        },
      },
      {
        name: "the cluster runs it while a dispatch runs: unchanged, NOT_DEPLOYED",
        read: running,
        resendable: false,
        want: { observation: { kind: "NOT_DEPLOYED", message: "refused: bad port" } },
      },
      {
        name: "the cluster has no record: NOT_DEPLOYED with the refusal",
        read: { kind: "NOT_FOUND" },
        resendable: true,
        want: { observation: { kind: "NOT_DEPLOYED", message: "refused: bad port" } },
      },
      {
        name: "no answer: NOT_DEPLOYED all the same",
        read: { kind: "UNREACHABLE", error: "reset" },
        resendable: true,
        want: { observation: { kind: "NOT_DEPLOYED", message: "refused: bad port" } },
      },
    ];
    for (const row of rows) {
      it(row.name, function () {
        expect(failedAfterRead(failed, row.read, row.resendable, t1)).to.deep.equal(row.want);
      });
    }

    it("a FAILED mapping without a message is NOT_DEPLOYED without one", function () {
      expect(failedAfterRead(mapping("a", "FAILED"), { kind: "NOT_FOUND" }, true, t1)).to.deep.equal({
        observation: { kind: "NOT_DEPLOYED" },
      });
    });
  });

  describe("an UNKNOWN unit sent again", function () {
    const before = mapping("a", "UNKNOWN", { message: "outcome unknown: reset" });
    const rows: { name: string; resend: Resend; want: ClusterMapping; observation?: ClusterObservation }[] = [
      {
        name: "accepted: DEPLOYED, the message dropped",
        resend: { kind: "answered", answer: "accepted" },
        want: { cluster: "a", unit_id: "u-a", state: "DEPLOYED", updated_at: t1 },
      },
      {
        name: "refused: FAILED with the CRM's reason",
        resend: { kind: "answered", answer: "refused", error: "INVALID_ARGUMENT: bad" },
        want: { ...before, state: "FAILED", message: "INVALID_ARGUMENT: bad", updated_at: t1 },
        observation: { kind: "NOT_DEPLOYED", message: "INVALID_ARGUMENT: bad" },
      },
      {
        name: "still no answer: UNKNOWN with the new reason, updated_at kept (nothing learned)",
        resend: { kind: "answered", answer: "unknown", error: "UNAVAILABLE" },
        want: {
          ...before,
          message: "outcome unknown (the PM sends it again until the cluster answers): UNAVAILABLE",
        },
        observation: {
          kind: "UNREACHABLE",
          error: "outcome unknown (the PM sends it again until the cluster answers): UNAVAILABLE",
        },
      },
      {
        name: "the cluster is no longer a target: FAILED naming it",
        resend: { kind: "not-target" },
        want: {
          ...before,
          state: "FAILED",
          message: 'cluster "a" is no longer a target or not configured',
          updated_at: t1,
        },
        observation: { kind: "NOT_DEPLOYED", message: 'cluster "a" is no longer a target or not configured' },
      },
      {
        name: "a redeploy superseded it: unchanged",
        resend: { kind: "superseded" },
        want: before,
        observation: { kind: "UNREACHABLE", error: "outcome unknown: reset" },
      },
    ];
    for (const row of rows) {
      it(row.name, function () {
        const got = resentMapping(before, row.resend, t1);
        expect(got).to.deep.equal(row.want);
        if (row.observation) expect(resentObservation(got)).to.deep.equal(row.observation);
      });
    }

    it("an UNKNOWN mapping without a message observes 'no answer'", function () {
      expect(resentObservation(mapping("a", "UNKNOWN"))).to.deep.equal({
        kind: "UNREACHABLE",
        error: "no answer",
      });
    });
  });

  describe("whether a verdict changes what is stored", function () {
    const judged = (over: Partial<SettleJudgement>): SettleJudgement => ({
      deployment: deployment(withCondition("DEPLOYING"), withGeneration(2)),
      mappings: [],
      moved: [],
      verdict: { condition: "DEPLOYING" },
      ...over,
    });
    const rows: { name: string; judgement: SettleJudgement; want: boolean }[] = [
      { name: "same condition, nothing moved", judgement: judged({}), want: false },
      { name: "the condition moved", judgement: judged({ verdict: { condition: "RUNNING" } }), want: true },
      { name: "a mapping moved", judgement: judged({ moved: [mapping("a", "DEPLOYED")] }), want: true },
      {
        name: "DOWN again with another reason",
        judgement: judged({
          deployment: deployment(withCondition("DOWN"), withLastError("a: old")),
          verdict: { condition: "DOWN", lastError: "a: new" },
        }),
        want: true,
      },
      {
        name: "DOWN again with the same reason",
        judgement: judged({
          deployment: deployment(withCondition("DOWN"), withLastError("a: same")),
          verdict: { condition: "DOWN", lastError: "a: same" },
        }),
        want: false,
      },
    ];
    for (const row of rows) {
      it(row.name, function () {
        expect(settleChanges(row.judgement)).to.equal(row.want);
      });
    }
  });

  describe("the guarded write", function () {
    const judgedFrom = deployment(withCondition("UNKNOWN"), withGeneration(2), withLastError("old"));
    const read = [mapping("a", "UNKNOWN"), mapping("b", "FAILED")];
    const judgement: SettleJudgement = {
      deployment: judgedFrom,
      mappings: read,
      moved: [mapping("a", "DEPLOYED", { updated_at: t1 }), mapping("b", "DEPLOYED", { updated_at: t1 })],
      verdict: { condition: "RUNNING" },
    };

    it("over what it judged: the verdict, last_error dropped, every moved mapping", function () {
      const got = settledWrite(judgement, judgedFrom, read, t1);
      expect(got?.deployment).to.include({ condition: "RUNNING", generation: 2, updated_at: t1 });
      expect(got?.deployment).not.to.have.property("last_error");
      expect(got?.mappings.map((m) => `${m.cluster} ${m.state}`)).to.deep.equal(["a DEPLOYED", "b DEPLOYED"]);
    });

    it("DOWN stores the verdict's reason", function () {
      const down = { ...judgement, verdict: { condition: "DOWN" as const, lastError: "b: gone" } };
      expect(settledWrite(down, judgedFrom, read, t1)?.deployment).to.include({ last_error: "b: gone" });
    });

    it("a mapping that moved meanwhile (another state or updated_at) is left as it is now", function () {
      const now = [
        mapping("a", "FAILED", { message: "refused" }),
        mapping("b", "FAILED", { updated_at: t1 }),
      ];
      const got = settledWrite(judgement, judgedFrom, now, t1);
      expect(got?.mappings).to.deep.equal(now);
    });

    it("a mapping stored meanwhile for another cluster is kept", function () {
      const now = [...read, mapping("c", "DEPLOYED")];
      expect(settledWrite(judgement, judgedFrom, now, t1)?.mappings.map((m) => m.cluster)).to.deep.equal([
        "a",
        "b",
        "c",
      ]);
    });

    const untouched: { name: string; now: ReturnType<typeof deployment> }[] = [
      {
        name: "a redeploy meanwhile (another generation)",
        now: deployment(withCondition("UNKNOWN"), withGeneration(3)),
      },
      {
        name: "another condition meanwhile (a dispatch began)",
        now: deployment(withCondition("PENDING"), withGeneration(2)),
      },
    ];
    for (const row of untouched) {
      it(`${row.name} wins: nothing written`, function () {
        expect(settledWrite(judgement, row.now, read, t1)).to.equal(undefined);
      });
    }
  });
});
