// Table tests of the reconcile plan's ownership rules (services/crm/src/reconciler/plan.ts,
// compare.ts ownership, replicas.ts): an orphan that is plainly ours is adopted; a desired
// name held by anyone else stops the run before any write (NameConflict); a replica count
// render leaves to an HPA or the NFR enforcer is handed over once and never written or
// counted as drift afterwards. No cluster: the plan takes no client.
import { minScaleAnnotation } from "@oaas/templates";
import {
  context,
  converged,
  deployment,
  record,
  recordUid,
  service,
  withEnforcement,
  withFeature,
  withFunction,
  withFunctionContainer,
  withGeneration,
  withImage,
  withKnative,
  withOwner,
  withOwnerLabel,
  withoutOwner,
  withPodTemplate,
  withScale,
  withSpec,
  withTemplate,
  writtenBy,
} from "./reconcile-fixtures.ts";
import { a, D, edit, H, one, planRows, S, type Row } from "./reconcile-plan-table.ts";

const hpa = context(withFeature("hpa"));
/** The NFR enforcer's field manager (any manager but ours behaves the same). */
const enforcer = "oaas-crm-enforcer";

const rows: Row[] = [
  // Ownership: orphans that are plainly ours are adopted; any other holder stops the run.
  {
    name: "orphan adoption: the owner reference patched away (our label, our manager): put back, no conflict",
    given: { record: one(), live: converged(one(), context(), ...edit(D(a), withoutOwner)) },
    want: { "repair:apply": [D(a)], found: [`${D(a)}: metadata.ownerReferences[${recordUid}]`] },
  },
  {
    name: "name conflict: a hand-made Deployment holds the name: NameConflict naming its writer, nothing written",
    given: {
      record: one(),
      live: [
        deployment(a, writtenBy("kubectl-client-side-apply")),
        ...converged(one()).filter((l) => l.kind !== "Deployment"),
      ],
    },
    want: { failure: "NameConflict", says: [D(a), "kubectl-client-side-apply", "left untouched"] },
  },
  {
    name: "name conflict: another record's child",
    given: { record: one(), live: [deployment(a, withOwner("DeploymentRecord", "other", "other-uid"))] },
    want: { failure: "NameConflict", says: ["DeploymentRecord other (uid other-uid)"] },
  },
  {
    name: "name conflict: an earlier incarnation of this record (same name, another uid)",
    given: {
      record: one(),
      live: converged(one(), context(), ...edit(D(a), withOwner("DeploymentRecord", "shop", "old-uid"))),
    },
    want: { failure: "NameConflict", says: ["DeploymentRecord shop (uid old-uid)"] },
  },
  {
    name: "name conflict: our owner label but written by another manager, no reference",
    given: { record: one(), live: [service(a, withOwnerLabel("shop"), writtenBy("kubectl-create"))] },
    want: { failure: "NameConflict", says: [S(a), "label oaas.io/owner=shop"] },
  },

  // Replicas belong to whoever render leaves them to (reconciler/replicas.ts).
  {
    name: "hand-over to an HPA: min = max = 3 -> max 10: the replica count is handed over before the apply",
    given: {
      record: record(withFunction("a", withScale(3, 10)), withGeneration(2)),
      context: hpa,
      live: converged(record(withFunction("a", withScale(3, 3))), hpa),
    },
    want: { update: [D(a)], create: [H(a)], handOver: [D(a)] },
  },
  {
    name: "hand-over to the enforcer: enforce mode on, the Deployment stops setting replicas",
    given: {
      record: record(withFunction("a", withScale(2, 2)), withEnforcement(), withGeneration(2)),
      live: converged(record(withFunction("a", withScale(2, 2)))),
    },
    want: { update: [D(a)], handOver: [D(a)] },
  },
  {
    name: "enforce mode without the replicas dimension: replicas stay ours, nothing changes",
    given: {
      record: record(withFunction("a", withScale(2, 2)), withEnforcement(["cpu"])),
      live: converged(record(withFunction("a", withScale(2, 2)))),
    },
    want: {},
  },
  {
    name: "enforce mode: the enforcer's replica count is never drift",
    given: {
      record: record(withFunction("a"), withEnforcement()),
      live: converged(
        record(withFunction("a"), withEnforcement()),
        context(),
        ...edit(
          D(a),
          withSpec((s) => (s["replicas"] = 5)),
          writtenBy(enforcer, { "f:spec": { "f:replicas": {} } }),
        ),
      ),
    },
    want: {},
  },
  {
    name: "enforce mode: a new image while the enforcer owns replicas: applied without a hand-over",
    given: {
      record: record(withFunction("a", withImage("ghcr.io/oaas/a:2")), withEnforcement(), withGeneration(2)),
      live: converged(
        record(withFunction("a"), withEnforcement()),
        context(),
        ...edit(
          D(a),
          withSpec((s) => (s["replicas"] = 5)),
          writtenBy(enforcer, { "f:spec": { "f:replicas": {} } }),
        ),
      ),
    },
    want: { update: [D(a)] },
  },
  {
    name: "enforce mode: CPU and memory requests the enforcer sets where the spec names none are never drift",
    given: {
      record: record(withFunction("a"), withEnforcement()),
      live: converged(
        record(withFunction("a"), withEnforcement()),
        context(),
        ...edit(
          D(a),
          withFunctionContainer((c) =>
            Object.assign(c, { resources: { requests: { cpu: "250m", memory: "128Mi" } } }),
          ),
          writtenBy(enforcer),
        ),
      ),
    },
    want: {},
  },
  {
    name: "enforce mode with an HPA: the enforcer's minReplicas is never drift",
    given: {
      record: record(withFunction("a", withScale(1, 5)), withEnforcement()),
      context: hpa,
      live: converged(
        record(withFunction("a", withScale(1, 5)), withEnforcement()),
        hpa,
        ...edit(
          H(a),
          withSpec((s) => (s["minReplicas"] = 4)),
          writtenBy(enforcer),
        ),
      ),
    },
    want: {},
  },
  {
    name: "enforce mode on Knative: the enforcer's min-scale annotation is never drift",
    given: {
      record: record(withTemplate("knative"), withFunction("a", withScale(1, 5)), withEnforcement()),
      context: context(withKnative),
      live: converged(
        record(withTemplate("knative"), withFunction("a", withScale(1, 5)), withEnforcement()),
        context(withKnative),
        ...edit(
          `KnativeService/${a}`,
          withPodTemplate(
            (t) => (t.metadata.annotations = { ...t.metadata.annotations, [minScaleAnnotation]: "3" }),
          ),
        ),
      ),
    },
    want: {},
  },
];

describe("reconcile plan: who owns a child and its replicas", function () {
  planRows(rows);
});
