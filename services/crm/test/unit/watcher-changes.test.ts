// Which updates the watcher turns into jobs: a record's own status write must not
// (it would loop the reconciler), a spec/label/annotation/deletion change must; a
// child's status change must, a bookkeeping-only write must not.
import { expect } from "chai";
import { childChangeMatters, recordChangeMatters } from "../../src/watcher/index.ts";

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
  const child = (status: unknown, metadata: Record<string, unknown> = {}) => ({
    metadata: { name: "c", resourceVersion: "1", managedFields: [], ...metadata },
    spec: { replicas: 1 },
    status,
  });
  it("a status change (readiness) enqueues", function () {
    expect(childChangeMatters(child({ readyReplicas: 0 }), child({ readyReplicas: 1 }))).to.be.true;
  });
  it("a bookkeeping-only write does not", function () {
    expect(childChangeMatters(child({}), child({}, { resourceVersion: "2", managedFields: [{ m: 1 }] }))).to
      .be.false;
  });
  it("a hand-edited label enqueues (drift)", function () {
    expect(childChangeMatters(child({}), child({}, { labels: { x: "y" } }))).to.be.true;
  });
});
