// Deleting a deployment (delete-plan.ts): which clusters a delete asks, what each answer
// counts as, and whether the record goes or stays with what is left.
import { expect } from "chai";
import {
  deleteTargets,
  deleteVerdict,
  unitId,
  type ClusterDeleteAnswer,
  type ClusterMapping,
  type DeleteAnswer,
  type DeleteTarget,
  type DeleteVerdict,
  type OClassDeployment,
} from "../../src/index.ts";
import { mapping, withTargets } from "../dispatch-fixtures.ts";
import { deployment } from "../fixtures.ts";

function targetsOf(given: {
  deployment?: OClassDeployment | undefined;
  mappings?: ClusterMapping[];
  configured?: string[];
  onlyCluster?: string;
}): string {
  const d = deleteTargets({
    key: "shop-cart",
    deployment: "deployment" in given ? given.deployment : deployment(),
    mappings: given.mappings ?? [],
    configured: given.configured ?? ["a", "b", "c"],
    onlyCluster: given.onlyCluster,
  });
  if (!d.ok)
    return d.refusal.kind === "invalid" ? `invalid: ${d.refusal.errors[0]?.message}` : d.refusal.kind;
  return d.value.map((t) => `${t.cluster}=${t.unit_id}${t.state ? ` ${t.state}` : ""}`).join(", ");
}

describe("models: which clusters a delete must reach", function () {
  const a = unitId("shop-cart", "a");
  const b = unitId("shop-cart", "b");
  const rows: { name: string; given: Parameters<typeof targetsOf>[0]; want: string }[] = [
    { name: "a missing deployment is 404", given: { deployment: undefined }, want: "not-found" },
    {
      name: "a cluster that is not configured is 400",
      given: { onlyCluster: "x" },
      want: 'invalid: unknown cluster "x"',
    },
    {
      name: "every mapping, whatever its state",
      given: { mappings: [mapping("a", "DEPLOYED"), mapping("b", "FAILED")] },
      want: "a=u-a DEPLOYED, b=u-b FAILED",
    },
    {
      name: "a target cluster without a mapping (a dispatch cut short) by its unit id",
      given: { mappings: [mapping("a", "UNKNOWN")] },
      want: `a=u-a UNKNOWN, b=${b}`,
    },
    { name: "no mappings at all: every target cluster", given: {}, want: `a=${a}, b=${b}` },
    {
      name: "a target cluster no longer configured and without a mapping is not asked",
      given: { deployment: deployment(withTargets("a", "gone")), configured: ["a"] },
      want: `a=${a}`,
    },
    {
      name: "a mapping on a cluster no longer targeted is still asked",
      given: { deployment: deployment(withTargets("a")), mappings: [mapping("c", "DEPLOYED")] },
      want: `c=u-c DEPLOYED, a=${a}`,
    },
    {
      name: "only the named cluster",
      given: { mappings: [mapping("a", "DEPLOYED"), mapping("b", "DEPLOYED")], onlyCluster: "b" },
      want: "b=u-b DEPLOYED",
    },
    { name: "a named cluster the deployment never went to: nothing", given: { onlyCluster: "c" }, want: "" },
  ];
  for (const row of rows) {
    it(row.name, function () {
      expect(targetsOf(row.given)).to.equal(row.want);
    });
  }
});

const answer = (cluster: string, a: DeleteAnswer): ClusterDeleteAnswer => ({
  cluster,
  answer: a,
  ...(a === "deleted" ? {} : { error: `${cluster}: ${a}` }),
});
const target = (cluster: string, state?: ClusterMapping["state"]): DeleteTarget => ({
  cluster,
  unit_id: `u-${cluster}`,
  ...(state ? { state } : {}),
});

describe("models: what a delete's answers count as", function () {
  const rows: {
    name: string;
    targets: DeleteTarget[];
    answers: ClusterDeleteAnswer[];
    /** The stored mappings (default: one per target that has a state). */
    stored?: ClusterMapping[];
    onlyCluster?: string;
    want: Omit<DeleteVerdict, "remaining"> & { remaining: string[] };
  }[] = [
    {
      name: "every cluster deleted it: the record goes",
      targets: [target("b", "DEPLOYED"), target("a", "DEPLOYED")],
      answers: [answer("b", "deleted"), answer("a", "deleted")],
      want: { deleted: ["a", "b"], unasked: [], failed: [], deleteRecord: true, remaining: [] },
    },
    {
      name: "NOT_FOUND counts as deleted",
      targets: [target("a", "DEPLOYED")],
      answers: [answer("a", "not-found")],
      want: { deleted: ["a"], unasked: [], failed: [], deleteRecord: true, remaining: [] },
    },
    {
      name: "a confirmed cluster that gives no answer keeps the record with its mapping",
      targets: [target("a", "DEPLOYED"), target("b", "DEPLOYED")],
      answers: [answer("a", "deleted"), answer("b", "no-answer")],
      want: {
        deleted: ["a"],
        unasked: [],
        failed: ["b"],
        deleteRecord: false,
        remaining: ["b"],
        lastError: "b: no-answer",
      },
    },
    {
      name: "an UNKNOWN cluster (it may have the unit) must answer too",
      targets: [target("a", "UNKNOWN")],
      answers: [answer("a", "no-answer")],
      want: {
        deleted: [],
        unasked: [],
        failed: ["a"],
        deleteRecord: false,
        remaining: ["a"],
        lastError: "a: no-answer",
      },
    },
    {
      name: "a FAILED or unmapped cluster that cannot be asked is counted deleted (best effort)",
      targets: [target("a", "FAILED"), target("b")],
      answers: [answer("a", "no-answer"), answer("b", "no-answer")],
      want: { deleted: ["a", "b"], unasked: ["a", "b"], failed: [], deleteRecord: true, remaining: [] },
    },
    {
      name: "a FAILED cluster that answers with a refusal is a failure",
      targets: [target("a", "FAILED")],
      answers: [answer("a", "refused")],
      want: {
        deleted: [],
        unasked: [],
        failed: ["a"],
        deleteRecord: false,
        remaining: ["a"],
        lastError: "a: refused",
      },
    },
    {
      name: "failures in target order, joined as last_error",
      targets: [target("b", "DEPLOYED"), target("a", "DEPLOYED")],
      answers: [answer("a", "refused"), answer("b", "no-answer")],
      want: {
        deleted: [],
        unasked: [],
        failed: ["b", "a"],
        deleteRecord: false,
        remaining: ["b", "a"],
        lastError: "b: no-answer; a: refused",
      },
    },
    {
      name: "a failure on an unmapped cluster leaves no mapping: the record goes",
      targets: [target("a", "DEPLOYED"), target("b")],
      answers: [answer("a", "deleted"), answer("b", "refused")],
      want: {
        deleted: ["a"],
        unasked: [],
        failed: ["b"],
        deleteRecord: true,
        remaining: [],
        lastError: "b: refused",
      },
    },
    {
      name: "a delete of one cluster that failed keeps the record, though that cluster had no mapping",
      targets: [target("b")],
      answers: [answer("b", "refused")],
      stored: [],
      onlyCluster: "b",
      want: {
        deleted: [],
        unasked: [],
        failed: ["b"],
        deleteRecord: false,
        remaining: [],
        lastError: "b: refused",
      },
    },
    {
      name: "a delete of one cluster keeps the others' mappings",
      targets: [target("a", "DEPLOYED")],
      answers: [answer("a", "deleted")],
      stored: [mapping("a", "DEPLOYED"), mapping("b", "DEPLOYED")],
      onlyCluster: "a",
      want: { deleted: ["a"], unasked: [], failed: [], deleteRecord: false, remaining: ["b"] },
    },
    {
      name: "a delete of the last cluster removes the record",
      targets: [target("a", "DEPLOYED")],
      answers: [answer("a", "deleted")],
      onlyCluster: "a",
      want: { deleted: ["a"], unasked: [], failed: [], deleteRecord: true, remaining: [] },
    },
  ];
  for (const row of rows) {
    it(row.name, function () {
      const stored = row.stored ?? row.targets.flatMap((t) => (t.state ? [mapping(t.cluster, t.state)] : []));
      const v = deleteVerdict(row.targets, row.answers, stored, row.onlyCluster);
      expect({ ...v, remaining: v.remaining.map((m) => m.cluster) }).to.deep.equal(row.want);
    });
  }
});
