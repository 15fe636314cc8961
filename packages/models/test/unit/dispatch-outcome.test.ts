// What the clusters' answers to a dispatch mean (dispatch-outcome.ts): rows of answers
// (accepted / refused / unknown), confirmed clusters and rollbacks, and the condition,
// mappings, client answer and failure they lead to.
import { expect } from "chai";
import {
  dispatchedDeployment,
  dispatchVerdict,
  rollbackTargets,
  type ClusterDeployAnswer,
  type DispatchVerdict,
} from "../../src/index.ts";
import {
  accepted,
  refused,
  t1,
  unknown,
  withCondition,
  withGeneration,
  withLastError,
} from "../dispatch-fixtures.ts";
import { deployment } from "../fixtures.ts";

const unknownPrefix = "outcome unknown (the PM sends it again until the cluster answers): ";

describe("models: what to roll back", function () {
  const rows: { name: string; answers: ClusterDeployAnswer[]; onPartial: boolean; want: string[] }[] = [
    { name: "all accepted", answers: [accepted("a"), accepted("b")], onPartial: true, want: [] },
    { name: "all refused", answers: [refused("a"), refused("b")], onPartial: true, want: [] },
    {
      name: "a partial failure under the rollback policy: those that accepted",
      answers: [accepted("a"), refused("b"), accepted("c")],
      onPartial: true,
      want: ["a", "c"],
    },
    {
      name: "a partial failure without the policy",
      answers: [accepted("a"), refused("b")],
      onPartial: false,
      want: [],
    },
    {
      name: "an unknown outcome is neither a refusal nor rolled back",
      answers: [accepted("a"), unknown("b")],
      onPartial: true,
      want: [],
    },
    {
      name: "refused beside unknown and accepted: only the accepted one",
      answers: [unknown("a"), refused("b"), accepted("c")],
      onPartial: true,
      want: ["c"],
    },
  ];
  for (const row of rows) {
    it(row.name, function () {
      const got = rollbackTargets(row.answers, { rollbackOnPartial: row.onPartial }).map((a) => a.cluster);
      expect(got).to.deep.equal(row.want);
    });
  }
});

/** A verdict in one line per field, so a row's want reads like the answer. */
function summary(v: DispatchVerdict) {
  return {
    condition: v.condition,
    lastError: v.lastError,
    mappings: v.mappings.map((m) => `${m.cluster} ${m.state}${m.message ? `: ${m.message}` : ""}`),
    units: v.units.map((u) => `${u.cluster} ${u.state}${u.message ? `: ${u.message}` : ""}`),
    failed: v.failedClusters,
    unknown: v.unknownClusters,
    failure: v.failure ? `${v.failure.cluster}: ${v.failure.message}` : undefined,
  };
}

describe("models: the condition and mappings after a dispatch", function () {
  const rows: {
    name: string;
    answers: ClusterDeployAnswer[];
    confirmed?: string[];
    rolledBack?: string[];
    want: ReturnType<typeof summary>;
  }[] = [
    {
      name: "every cluster took it: DEPLOYING",
      answers: [accepted("a"), accepted("b")],
      want: {
        condition: "DEPLOYING",
        lastError: undefined,
        mappings: ["a DEPLOYED", "b DEPLOYED"],
        units: ["a DEPLOYED", "b DEPLOYED"],
        failed: [],
        unknown: [],
        failure: undefined,
      },
    },
    {
      name: "every cluster refused: DOWN, FAILED mappings, the first refusal answered",
      answers: [refused("a"), refused("b")],
      want: {
        condition: "DOWN",
        lastError: "a said no; b said no",
        mappings: ["a FAILED: a said no", "b FAILED: b said no"],
        units: ["a FAILED: a said no", "b FAILED: b said no"],
        failed: ["a", "b"],
        unknown: [],
        failure: 'a: deployment "shop-cart" failed: a said no; b said no',
      },
    },
    {
      name: "a partial failure kept (no rollback): DEPLOYING with the refusal as last_error",
      answers: [accepted("a"), refused("b")],
      want: {
        condition: "DEPLOYING",
        lastError: "b said no",
        mappings: ["a DEPLOYED", "b FAILED: b said no"],
        units: ["a DEPLOYED", "b FAILED: b said no"],
        failed: ["b"],
        unknown: [],
        failure: undefined,
      },
    },
    {
      name: "a partial failure rolled back: DOWN, no mapping where it was rolled back",
      answers: [accepted("a"), refused("b")],
      rolledBack: ["a"],
      want: {
        condition: "DOWN",
        lastError: "b said no",
        mappings: ["b FAILED: b said no"],
        units: ["b FAILED: b said no"],
        failed: ["b"],
        unknown: [],
        failure: 'b: deployment "shop-cart" failed: b said no (rolled back on a)',
      },
    },
    {
      name: "a rollback that failed on one cluster keeps its mapping: still DOWN",
      answers: [accepted("a"), accepted("c"), refused("b")],
      rolledBack: ["c"],
      want: {
        condition: "DOWN",
        lastError: "b said no",
        mappings: ["a DEPLOYED", "b FAILED: b said no"],
        units: ["a DEPLOYED", "b FAILED: b said no"],
        failed: ["b"],
        unknown: [],
        failure: 'b: deployment "shop-cart" failed: b said no (rolled back on c)',
      },
    },
    {
      name: "an unknown outcome: UNKNOWN, never DOWN",
      answers: [accepted("a"), unknown("b")],
      want: {
        condition: "UNKNOWN",
        lastError: undefined,
        mappings: ["a DEPLOYED", `b UNKNOWN: ${unknownPrefix}b reset`],
        units: ["a DEPLOYED", "b UNKNOWN: b reset"],
        failed: [],
        unknown: ["b"],
        failure: undefined,
      },
    },
    {
      name: "refused beside unknown: UNKNOWN with the refusal as last_error (it may run on the other)",
      answers: [refused("a"), unknown("b")],
      want: {
        condition: "UNKNOWN",
        lastError: "a said no",
        mappings: ["a FAILED: a said no", `b UNKNOWN: ${unknownPrefix}b reset`],
        units: ["a FAILED: a said no", "b UNKNOWN: b reset"],
        failed: ["a"],
        unknown: ["b"],
        failure: undefined,
      },
    },
    {
      name: "a redeploy refused where the previous one was confirmed: DEPLOYED, it runs the previous spec",
      answers: [refused("a"), accepted("b")],
      confirmed: ["a", "b"],
      want: {
        condition: "DEPLOYING",
        lastError: "a said no",
        mappings: ["a DEPLOYED: redeploy failed, the previous spec keeps running: a said no", "b DEPLOYED"],
        units: ["a FAILED: a said no", "b DEPLOYED"],
        failed: ["a"],
        unknown: [],
        failure: undefined,
      },
    },
    {
      name: "a redeploy refused everywhere: DOWN, though confirmed clusters keep DEPLOYED mappings",
      answers: [refused("a")],
      confirmed: ["a"],
      want: {
        condition: "DOWN",
        lastError: "a said no",
        mappings: ["a DEPLOYED: redeploy failed, the previous spec keeps running: a said no"],
        units: ["a FAILED: a said no"],
        failed: ["a"],
        unknown: [],
        failure: 'a: deployment "shop-cart" failed: a said no',
      },
    },
    {
      name: "an unknown outcome on a confirmed cluster is UNKNOWN all the same",
      answers: [unknown("a")],
      confirmed: ["a"],
      want: {
        condition: "UNKNOWN",
        lastError: undefined,
        mappings: [`a UNKNOWN: ${unknownPrefix}a reset`],
        units: ["a UNKNOWN: a reset"],
        failed: [],
        unknown: ["a"],
        failure: undefined,
      },
    },
  ];
  for (const row of rows) {
    it(row.name, function () {
      const verdict = dispatchVerdict({
        key: "shop-cart",
        answers: row.answers,
        confirmed: row.confirmed ?? [],
        rolledBack: row.rolledBack ?? [],
        stamp: t1,
      });
      expect(summary(verdict)).to.deep.equal(row.want);
      expect(verdict.mappings.every((m) => m.updated_at === t1 && m.unit_id === `u-${m.cluster}`)).to.equal(
        true,
      );
    });
  }

  it("the stored deployment takes the verdict's condition and last_error, the old one dropped", function () {
    const current = deployment(withCondition("PENDING"), withGeneration(2), withLastError("old"));
    const ok = dispatchVerdict({
      key: "k",
      answers: [accepted("a")],
      confirmed: [],
      rolledBack: [],
      stamp: t1,
    });
    const stored = dispatchedDeployment(current, ok, t1);
    expect(stored).to.include({ condition: "DEPLOYING", generation: 2, updated_at: t1 });
    expect(stored).not.to.have.property("last_error");
    const down = dispatchVerdict({
      key: "k",
      answers: [refused("a")],
      confirmed: [],
      rolledBack: [],
      stamp: t1,
    });
    expect(dispatchedDeployment(current, down, t1)).to.include({
      condition: "DOWN",
      last_error: "a said no",
    });
  });
});
