// Table-driven tests of the reconciler's pure parts: workload health, the status derived
// from it, the "does this child need a write" decision (the replica hand-over rule: replica-handover.test.ts).
import { expect } from "chai";
import {
  appliedHashAnnotation,
  contains,
  ownership,
  withAppliedHash,
  type LiveObject,
} from "../../src/reconciler/compare.ts";
import { childAction } from "../../src/reconciler/drift.ts";
import { deploymentHealth, knativeHealth, type HealthState } from "../../src/children/workload-health.ts";
import { nextStatus, sameStatus, type Component, type Observation } from "../../src/reconciler/status.ts";

// Option builders for a live Deployment.
type Opt = (d: LiveObject) => void;
function deployment(...opts: Opt[]): LiveObject {
  const d: LiveObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d", generation: 1 },
    spec: { replicas: 2 },
    status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
  };
  for (const opt of opts) opt(d);
  return d;
}
const withGeneration =
  (g: number): Opt =>
  (d) =>
    void (d.metadata = { ...d.metadata, generation: g });
const withStatus =
  (s: Record<string, unknown>): Opt =>
  (d) =>
    void (d.status = { ...d.status, ...s });
const withCondition =
  (type: string, status: string, reason: string): Opt =>
  (d) =>
    void (d.status = {
      ...d.status,
      conditions: [{ type, status, reason, message: `${reason} happened` }],
    });

describe("reconciler: workload health", function () {
  const rows: { name: string; given: LiveObject | undefined; want: HealthState; reason: string }[] = [
    { name: "not created yet", given: undefined, want: "progressing", reason: "Creating" },
    {
      name: "all replicas updated and available",
      given: deployment(),
      want: "available",
      reason: "Available",
    },
    {
      name: "new generation not observed",
      given: deployment(withGeneration(2)),
      want: "progressing",
      reason: "RolloutStarted",
    },
    {
      name: "rolling: one old pod left",
      given: deployment(withStatus({ replicas: 3 })),
      want: "progressing",
      reason: "RollingOut",
    },
    {
      name: "not enough available",
      given: deployment(withStatus({ availableReplicas: 1 })),
      want: "progressing",
      reason: "RollingOut",
    },
    {
      name: "progress deadline exceeded",
      given: deployment(
        withStatus({ availableReplicas: 0 }),
        withCondition("Progressing", "False", "ProgressDeadlineExceeded"),
      ),
      want: "degraded",
      reason: "ProgressDeadlineExceeded",
    },
    {
      name: "replica failure (quota)",
      given: deployment(
        withStatus({ availableReplicas: 0 }),
        withCondition("ReplicaFailure", "True", "FailedCreate"),
      ),
      want: "degraded",
      reason: "FailedCreate",
    },
  ];
  for (const row of rows) {
    it(`Deployment: ${row.name}`, function () {
      const health = deploymentHealth(row.given, "d");
      expect([health.state, health.reason]).to.deep.equal([row.want, row.reason]);
      expect(health.message).to.not.equal("");
    });
  }

  it("Knative: RevisionFailed is degraded with Knative's reason and what to do", function () {
    const ksvc: LiveObject = {
      metadata: { generation: 1 },
      status: {
        observedGeneration: 1,
        conditions: [{ type: "Ready", status: "False", reason: "RevisionFailed", message: "image pull" }],
      },
    };
    const health = knativeHealth(ksvc, "k");
    expect(health).to.include({ state: "degraded", reason: "RevisionFailed" });
    expect(health.message).to.match(/describe revisions/);
  });
});

const now = new Date("2026-11-30T00:00:00Z");
const later = new Date("2026-11-30T01:00:00Z");
const selection = { name: "dev", score: 100, runner_up: { name: "edge", score: 40 }, reason: "profile dev" };
const component = (name: string, state: HealthState, reason: string, fn = true): Component => ({
  name,
  function: fn,
  health: { state, reason, message: `${name} ${reason}` },
  ...(fn ? { url: `http://r-${name}.ns.svc.cluster.local:8080` } : {}),
});
const observed = (...components: Component[]): Observation => ({
  kind: "observed",
  components,
  refs: [{ apiVersion: "apps/v1", kind: "Deployment", name: "r-a-1", uid: "u1" }],
  selection,
  notes: [],
});

describe("reconciler: status from observations", function () {
  const rows: {
    name: string;
    given: Observation;
    want: { phase: string; available: string; progressing: string; degraded: string; reason: string };
  }[] = [
    {
      name: "every workload available",
      given: observed(
        component("a", "available", "Available"),
        component("odgm", "available", "Available", false),
      ),
      want: {
        phase: "Available",
        available: "True",
        progressing: "False",
        degraded: "False",
        reason: "AllComponentsAvailable",
      },
    },
    {
      name: "ODGM still rolling out: not available",
      given: observed(
        component("a", "available", "Available"),
        component("odgm", "progressing", "RollingOut", false),
      ),
      want: {
        phase: "Progressing",
        available: "False",
        progressing: "True",
        degraded: "False",
        reason: "RollingOut",
      },
    },
    {
      name: "one function stuck: Degraded with the child's reason",
      given: observed(
        component("a", "available", "Available"),
        component("b", "degraded", "ProgressDeadlineExceeded"),
      ),
      want: {
        phase: "Degraded",
        available: "False",
        progressing: "False",
        degraded: "True",
        reason: "ProgressDeadlineExceeded",
      },
    },
    {
      name: "render failure: Failed with the reason",
      given: {
        kind: "failed",
        reason: "InvalidSpec",
        message: "spec.functions[0].provision_config.cpu_request: bad",
      },
      want: {
        phase: "Failed",
        available: "False",
        progressing: "False",
        degraded: "True",
        reason: "InvalidSpec",
      },
    },
  ];
  for (const row of rows) {
    it(row.name, function () {
      const status = nextStatus(undefined, row.given, 3, now);
      const of = (type: string) => status.conditions?.find((c) => c.type === type);
      expect({
        phase: status.phase,
        available: of("Available")?.status,
        progressing: of("Progressing")?.status,
        degraded: of("Degraded")?.status,
        reason: status.reason,
      }).to.deep.equal(row.want);
      for (const c of status.conditions ?? []) {
        expect(c.observedGeneration).to.equal(3);
        expect(c.message, c.type).to.not.equal("");
      }
    });
  }

  it("lists functions (not ODGM) with ready, reason and URL, and the template choice", function () {
    const status = nextStatus(
      undefined,
      observed(component("a", "available", "Available"), component("odgm", "available", "Available", false)),
      1,
      now,
    );
    expect(status.functions).to.deep.equal([
      {
        function_key: "a",
        ready: true,
        reason: "Available",
        message: "a Available",
        url: "http://r-a.ns.svc.cluster.local:8080",
      },
    ]);
    expect(status.template_selection).to.deep.equal(selection);
    expect(status.resource_refs?.[0]?.uid).to.equal("u1");
  });

  it("a failure keeps Available, refs and functions of the children left running", function () {
    const before = nextStatus(undefined, observed(component("a", "available", "Available")), 1, now);
    const after = nextStatus(before, { kind: "failed", reason: "TemplateNotFound", message: "x" }, 2, later);
    expect(after.conditions?.find((c) => c.type === "Available")).to.include({
      status: "True",
      observedGeneration: 2,
    });
    expect(after.resource_refs).to.deep.equal(before.resource_refs);
    expect(after.functions).to.deep.equal(before.functions);
    expect(after.phase).to.equal("Failed");
  });

  it("the same observation later is the same status (no write)", function () {
    const first = nextStatus(undefined, observed(component("a", "available", "Available")), 1, now);
    const again = nextStatus(first, observed(component("a", "available", "Available")), 1, later);
    expect(sameStatus(first, again)).to.equal(true);
    const changed = nextStatus(first, observed(component("a", "progressing", "RollingOut")), 1, later);
    expect(sameStatus(first, changed)).to.equal(false);
  });
});

describe("reconciler: child decisions", function () {
  const desired = withAppliedHash({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d", namespace: "ns", labels: { a: "1" } },
    spec: {
      selector: { matchLabels: { a: "1" } },
      template: {
        metadata: { labels: { a: "1" } },
        spec: { containers: [{ name: "fn", image: "img:1", resources: { requests: { cpu: "0.5" } } }] },
      },
    },
  });
  const hash = desired.metadata?.annotations?.[appliedHashAnnotation] ?? "";
  const live = (edit: (l: LiveObject) => void = () => undefined): LiveObject => {
    const l = structuredClone(desired) as LiveObject;
    // What the API server adds: defaults, status, other annotations, normalised quantities.
    l.metadata = { ...l.metadata, uid: "x", annotations: { [appliedHashAnnotation]: hash, other: "y" } };
    const template = (l.spec?.["template"] ?? {}) as { spec: { containers: Record<string, unknown>[] } };
    const container = template.spec.containers[0] ?? {};
    container["imagePullPolicy"] = "IfNotPresent";
    container["resources"] = { requests: { cpu: "500m" } };
    l.status = { replicas: 1 };
    edit(l);
    return l;
  };
  const rows: { name: string; given: LiveObject | undefined; want: string }[] = [
    { name: "missing", given: undefined, want: "create" },
    { name: "converged (defaults and normalised quantities)", given: live(), want: "none" },
    {
      name: "older desired state",
      given: live((l) => (l.metadata = { ...l.metadata, annotations: { [appliedHashAnnotation]: "old" } })),
      want: "update",
    },
    {
      name: "image edited by hand",
      given: live((l) => {
        const t = l.spec?.["template"] as { spec: { containers: { image: string }[] } };
        if (t.spec.containers[0]) t.spec.containers[0].image = "evil:1";
      }),
      want: "repair",
    },
    {
      name: "label edited by hand",
      given: live((l) => (l.metadata = { ...l.metadata, labels: { a: "2" } })),
      want: "repair",
    },
  ];
  for (const row of rows) {
    it(`${row.name} -> ${row.want}`, function () {
      expect(childAction(desired, row.given)).to.equal(row.want);
    });
  }

  it("contains: empty lists and maps match absent ones", function () {
    expect(contains(undefined, [])).to.equal(true);
    expect(contains({}, { a: {} })).to.equal(true);
    expect(contains({ a: [1, 2] }, { a: [1] })).to.equal(false);
  });

  it("ownership: only an owner reference with the record's uid is ours; others are named", function () {
    expect(ownership({ metadata: { ownerReferences: [{ uid: "u" }] } }, "u")).to.deep.equal({ owned: true });
    const foreign = ownership(
      {
        metadata: {
          ownerReferences: [{ kind: "DeploymentRecord", name: "other", uid: "v", controller: true }],
        },
      },
      "u",
    );
    expect(foreign).to.deep.equal({ owned: false, owner: "DeploymentRecord other (uid v)" });
    const byHand = ownership({ metadata: { managedFields: [{ manager: "kubectl-create" }] } }, "u");
    expect(byHand.owned).to.equal(false);
    expect(JSON.stringify(byHand)).to.contain("kubectl-create");
  });

  // Found by a newcomer: a child whose ownerReferences were patched away was a NameConflict
  // (record Failed) and survived the record's delete.
  it("ownership: an orphan with this record's owner label, written by the reconciler, is adopted; no other", function () {
    const orphan = (labels: Record<string, string>, manager: string, refs: { uid: string }[] = []) => ({
      metadata: { labels, managedFields: [{ manager }], ownerReferences: refs },
    });
    const rows: [string, ReturnType<typeof orphan>, boolean][] = [
      [
        "our label, our manager, no reference",
        orphan({ "oaas.io/owner": "rec" }, "oaas-crm-reconciler"),
        true,
      ],
      ["our label, another manager", orphan({ "oaas.io/owner": "rec" }, "kubectl-create"), false],
      ["another record's label", orphan({ "oaas.io/owner": "other" }, "oaas-crm-reconciler"), false],
      [
        "a reference to another uid",
        orphan({ "oaas.io/owner": "rec" }, "oaas-crm-reconciler", [{ uid: "v" }]),
        false,
      ],
      ["no label", orphan({}, "oaas-crm-reconciler"), false],
    ];
    for (const [name, live, owned] of rows) expect(ownership(live, "u", "rec").owned, name).to.equal(owned);
    // Without the record's label value nothing is adopted (the rule needs both).
    expect(ownership(orphan({ "oaas.io/owner": "rec" }, "oaas-crm-reconciler"), "u").owned).to.equal(false);
  });
});
