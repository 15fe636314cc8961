// Which updates the watcher turns into jobs: a record's own status write must not
// (it would loop the reconciler), a spec/label/annotation/deletion change must; a
// child's status change must, a bookkeeping-only write must not.
import { expect } from "chai";
import { childAddMatters, childChange, recordChangeMatters } from "../../src/watcher/index.ts";
import { ownedChildKinds } from "../../src/watcher/kinds.ts";
import type { LiveObject } from "../../src/children/live-object.ts";

const record = (over: { spec?: unknown; status?: unknown; metadata?: Record<string, unknown> } = {}) => ({
  metadata: {
    name: "r",
    resourceVersion: "1",
    generation: 1,
    managedFields: [{ manager: "a" }],
    ...over.metadata,
  },
  spec: over.spec ?? { deployment_id: "d", functions: [{ key: "f" }] },
  status: over.status ?? { phase: "Pending" },
});

describe("watcher: which record updates enqueue", function () {
  const base = record();
  const rows = [
    {
      name: "status only",
      next: record({ status: { phase: "Running" }, metadata: { resourceVersion: "2" } }),
      want: false,
    },
    {
      name: "managedFields and resourceVersion only",
      next: record({ metadata: { resourceVersion: "3", managedFields: [{ manager: "b" }] } }),
      want: false,
    },
    {
      name: "spec changed",
      next: record({ spec: { deployment_id: "d", functions: [{ key: "g" }] }, metadata: { generation: 2 } }),
      want: true,
    },
    { name: "label added", next: record({ metadata: { labels: { a: "b" } } }), want: true },
    {
      name: "correlation annotation changed",
      next: record({ metadata: { annotations: { "oaas.io/correlation-id": "x" } } }),
      want: true,
    },
    {
      name: "deletion requested",
      next: record({ metadata: { deletionTimestamp: "2026-01-01T00:00:00Z" } }),
      want: true,
    },
    { name: "finalizer removed", next: record({ metadata: { finalizers: [] } }), want: true },
    {
      // The reconciler adds it at the start of a run that goes on to apply the children.
      name: "only the CRM finalizer added",
      next: record({ metadata: { finalizers: ["oaas.io/cleanup"], resourceVersion: "2" } }),
      want: false,
    },
    {
      name: "the CRM finalizer added beside another's",
      next: record({ metadata: { finalizers: ["example.com/keep", "oaas.io/cleanup"] } }),
      want: true,
    },
    {
      name: "another finalizer added",
      next: record({ metadata: { finalizers: ["example.com/keep"] } }),
      want: true,
    },
    {
      name: "the CRM finalizer added together with a label",
      next: record({ metadata: { finalizers: ["oaas.io/cleanup"], labels: { a: "b" } } }),
      want: true,
    },
    {
      name: "same spec, keys reordered",
      next: { ...base, spec: { functions: [{ key: "f" }], deployment_id: "d" } },
      want: false,
    },
  ];
  for (const row of rows) {
    it(`${row.name} -> ${row.want ? "enqueue" : "no job"}`, function () {
      expect(recordChangeMatters(base, row.next)).to.equal(row.want);
    });
  }
});

describe("watcher: the CRM finalizer beside others", function () {
  it("added after an existing finalizer -> no job; removed again -> enqueue", function () {
    const kept = record({ metadata: { finalizers: ["example.com/keep"] } });
    const both = record({ metadata: { finalizers: ["example.com/keep", "oaas.io/cleanup"] } });
    expect(recordChangeMatters(kept, both)).to.be.false;
    expect(recordChangeMatters(both, kept)).to.be.true;
  });
});

describe("watcher: which child updates enqueue", function () {
  const deployments = ownedChildKinds.find((k) => k.kind === "Deployment")?.health;
  const knative = ownedChildKinds.find((k) => k.kind === "KnativeService")?.health;
  const services = ownedChildKinds.find((k) => k.kind === "Service")?.health;
  const child = (
    status: unknown,
    metadata: Record<string, unknown> = {},
    spec: Record<string, unknown> = { replicas: 1 },
  ): LiveObject =>
    ({
      metadata: { name: "c", generation: 1, resourceVersion: "1", managedFields: [], ...metadata },
      spec,
      status,
    }) as LiveObject;
  const progressing = (reason: string, lastUpdateTime: string) => ({
    type: "Progressing",
    status: "True",
    reason,
    lastUpdateTime,
  });
  // A Deployment of one replica rolling out, as the controller-manager writes it.
  const created = { observedGeneration: 1, conditions: [progressing("NewReplicaSetCreated", "t1")] };
  const scaled = { ...created, replicas: 1, updatedReplicas: 1, unavailableReplicas: 1 };
  const ready = { ...scaled, readyReplicas: 1, availableReplicas: 1, unavailableReplicas: undefined };
  const done = { ...ready, conditions: [progressing("NewReplicaSetAvailable", "t2")] };
  const rows: {
    name: string;
    before: unknown;
    after: unknown;
    health?: (o: LiveObject) => unknown;
    want: boolean;
  }[] = [
    {
      name: "Deployment: rollout picked up (observedGeneration)",
      before: {},
      after: created,
      health: deployments,
      want: true,
    },
    {
      name: "Deployment: replicas created (counts in the message)",
      before: created,
      after: scaled,
      health: deployments,
      want: true,
    },
    { name: "Deployment: replicas available", before: scaled, after: ready, health: deployments, want: true },
    {
      name: "Deployment: only the Progressing reason and lastUpdateTime",
      before: ready,
      after: done,
      health: deployments,
      want: false,
    },
    {
      name: "Deployment: only readyReplicas (not read)",
      before: scaled,
      after: { ...scaled, readyReplicas: 1 },
      health: deployments,
      want: false,
    },
    {
      name: "Deployment: ProgressDeadlineExceeded",
      before: scaled,
      after: {
        ...scaled,
        conditions: [{ type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded" }],
      },
      health: deployments,
      want: true,
    },
    {
      name: "Deployment: ReplicaFailure",
      before: scaled,
      after: { ...scaled, conditions: [{ type: "ReplicaFailure", status: "True", reason: "FailedCreate" }] },
      health: deployments,
      want: true,
    },
    {
      name: "Knative Service: Ready Unknown -> True",
      before: { observedGeneration: 1, conditions: [{ type: "Ready", status: "Unknown" }] },
      after: { observedGeneration: 1, conditions: [{ type: "Ready", status: "True" }] },
      health: knative,
      want: true,
    },
    {
      name: "Knative Service: only the URL and traffic",
      before: { observedGeneration: 1, url: "a", conditions: [{ type: "Ready", status: "True" }] },
      after: {
        observedGeneration: 1,
        url: "b",
        traffic: [{ percent: 100 }],
        conditions: [{ type: "Ready", status: "True" }],
      },
      health: knative,
      want: false,
    },
    {
      name: "Service: any status change (its status is not read)",
      before: {},
      after: { loadBalancer: { ingress: [] } },
      health: services,
      want: false,
    },
  ];
  for (const row of rows)
    it(`${row.name}: ${row.want ? "a health change (enqueues after the settle delay)" : "does not enqueue"}`, function () {
      expect(childChange(child(row.before), child(row.after), row.health)).to.equal(
        row.want ? "health" : "none",
      );
    });
  it("only Deployments and Knative Services have a status the reconciler reads", function () {
    expect(ownedChildKinds.filter((k) => k.health).map((k) => k.kind)).to.deep.equal([
      "Deployment",
      "KnativeService",
    ]);
  });
  it("a bookkeeping-only write does not", function () {
    expect(
      childChange(child({}), child({}, { resourceVersion: "2", managedFields: [{ m: 1 }] }), deployments),
    ).to.equal("none");
  });
  it("a hand edit is an edit (enqueued at once) whatever the status: a label, the spec (drift)", function () {
    expect(childChange(child(done), child(done, { labels: { x: "y" } }), deployments)).to.equal("edited");
    expect(childChange(child(done), child(done, {}, { replicas: 2 }), deployments)).to.equal("edited");
    expect(childChange(child({}), child({}, {}, { ports: [1] }), services)).to.equal("edited");
  });
  it("the deployment controller's revision annotation is not an edit; another annotation is", function () {
    const revision = (n: string) => ({ annotations: { "deployment.kubernetes.io/revision": n } });
    expect(childChange(child(done), child(done, revision("1")), deployments)).to.equal("none");
    expect(childChange(child(done, revision("1")), child(done, revision("2")), deployments)).to.equal("none");
    expect(childChange(child(created), child(done, revision("1")), deployments)).to.equal("health");
    expect(
      childChange(
        child(done, revision("1")),
        child(done, { annotations: { "deployment.kubernetes.io/revision": "1", team: "x" } }),
        deployments,
      ),
    ).to.equal("edited");
  });
  it("an edit that also changes the health is an edit, not a health change", function () {
    expect(childChange(child({}), child({ ...done }, { labels: { x: "y" } }), deployments)).to.equal(
      "edited",
    );
  });
  it("a new generation is an edit (the spec changed with it)", function () {
    expect(childChange(child(done), child(done, { generation: 2 }, { replicas: 3 }), deployments)).to.equal(
      "edited",
    );
  });
});

describe("watcher: which new children enqueue", function () {
  const added = (managedFields?: unknown) => ({
    metadata: { name: "c", ...(managedFields ? { managedFields } : {}) },
  });
  const ours = { manager: "oaas-crm-reconciler", operation: "Apply" };
  const rows: { name: string; managedFields?: unknown; want: boolean }[] = [
    { name: "created by the reconciler's apply", managedFields: [ours], want: false },
    {
      name: "created by the reconciler, status already written by the controller",
      managedFields: [
        ours,
        { manager: "kube-controller-manager", operation: "Update", subresource: "status" },
      ],
      want: false,
    },
    { name: "made by hand (kubectl)", managedFields: [{ manager: "kubectl-client-side-apply" }], want: true },
    {
      name: "the reconciler's and another manager's fields",
      managedFields: [ours, { manager: "kubectl-edit", operation: "Update" }],
      want: true,
    },
    { name: "no managedFields (not shown by the server)", want: true },
    { name: "only status entries", managedFields: [{ manager: "x", subresource: "status" }], want: true },
  ];
  for (const row of rows)
    it(`${row.name}: ${row.want ? "enqueues" : "no job"}`, function () {
      expect(childAddMatters(added(row.managedFields))).to.equal(row.want);
    });
});
