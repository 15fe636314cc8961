// The watcher role against a real API server (KWOK cluster) with the DeploymentRecord CRD
// installed. The queue producer is a recording stand-in (see support/watcher.ts): the
// BullMQ producer is built in parallel by another engineer; the watcher's side of the
// contract is the enqueue(job, {priority}) calls asserted here.
import { reconcilerFieldManager } from "@oaas/crd";
import { createLogger } from "@oaas/telemetry";
import { deleteObject, getObject, KubeClient } from "@oaas/kube";
import { createTestNamespace, testCluster, useTestNamespace, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { startRecordCache } from "../../src/deployments/record-cache.ts";
import { startWatcher, type Watcher, type WatcherOptions } from "../../src/watcher/index.ts";
import { installCrd } from "../support/ingress.ts";
import { releaseAll, waitForRecordsServed } from "../support/records.ts";
import {
  deployments,
  patchRecordStatus,
  putChildDeployment,
  putRecord,
  recordingEnqueue,
} from "../support/watcher.ts";

const logger = createLogger({ service: "crm-watcher-test", level: process.env["LOG_LEVEL"] ?? "error" });

describe("watcher role against a real API server", function () {
  this.timeout(90_000);
  const ns = useTestNamespace("watcher");
  let kube: KubeClient;
  const watchers: Watcher[] = [];

  before(async function () {
    const { kc } = await testCluster();
    await installCrd(kc);
    kube = await KubeClient.create(kc);
    await waitForRecordsServed(kube, ns.name);
  });
  after(async function () {
    await kube.close();
  });
  afterEach(async function () {
    await Promise.all(watchers.splice(0).map((w) => w.stop()));
  });

  function watcher(options: Partial<WatcherOptions> & Pick<WatcherOptions, "enqueue">): Watcher {
    const w = startWatcher({
      kube,
      namespaces: [ns.name],
      logger,
      identity: "test",
      leaderElection: false,
      ...options,
    });
    watchers.push(w);
    return w;
  }

  const synced = (w: Watcher) =>
    waitFor(() => w.ready().ok, { description: "the watcher to be ready", timeoutMs: 30_000 });

  it("enqueues existing records at startup (background) and new ones as record-added (live) with their correlation id", async function () {
    await putRecord(kube, ns.name, "pre-existing");
    const q = recordingEnqueue();
    const w = watcher({ enqueue: q.enqueue });
    await synced(w);
    expect(w.ready().reason).to.match(/leading/);
    const startup = q.of("pre-existing", "startup");
    expect(startup).to.have.length(1);
    expect(startup[0]?.priority).to.equal("background");

    const created = await putRecord(kube, ns.name, "fresh", { correlationId: "corr-123" });
    const added = await waitFor(() => q.of("fresh", "record-added")[0], { description: "record-added" });
    expect(added.priority).to.equal("live");
    expect(added.job).to.deep.equal({
      namespace: ns.name,
      name: "fresh",
      uid: created.metadata.uid,
      reason: "record-added",
      correlationId: "corr-123",
    });
    expect(w.records.get(ns.name, "fresh")?.metadata.uid).to.equal(created.metadata.uid);
  });

  it("serving two namespaces: one informer set each; records of both enqueued, children of the second traced to their record, nothing from a third", async function () {
    const second = await createTestNamespace("watcher-second");
    const third = await createTestNamespace("watcher-third");
    try {
      await putRecord(kube, ns.name, "first-ns");
      const inSecond = await putRecord(kube, second.name, "second-ns");
      const q = recordingEnqueue();
      const w = watcher({ enqueue: q.enqueue, namespaces: [ns.name, second.name] });
      await synced(w);
      expect(q.of("first-ns", "startup")).to.have.length(1);
      expect(q.of("second-ns", "startup")[0]?.job.namespace).to.equal(second.name);
      expect(w.records.get(second.name, "second-ns")?.metadata.uid).to.equal(inSecond.metadata.uid);
      await putRecord(kube, third.name, "third-ns");
      await putChildDeployment(kube, inSecond, "second-ns-fn", { edited: "by-hand" });
      const job = await waitFor(() => q.of("second-ns", "child-changed")[0], {
        description: "child-changed in the second namespace",
      });
      expect(job.job).to.include({ namespace: second.name, uid: inSecond.metadata.uid });
      const added = await putRecord(kube, second.name, "second-late");
      await waitFor(() => q.of("second-late", "record-added")[0], {
        description: "record-added in the second",
      });
      expect(w.records.get(second.name, "second-late")?.metadata.uid).to.equal(added.metadata.uid);
      expect(q.of("third-ns"), "a namespace not watched").to.deep.equal([]);
      expect(w.records.list().map((r) => r.metadata.namespace)).to.not.include(third.name);
    } finally {
      await Promise.all(watchers.splice(0).map((x) => x.stop()));
      for (const n of [second, third]) {
        await releaseAll(kube, n.name);
        await n.cleanup();
      }
    }
  });

  it("does not enqueue a status-only update, but does enqueue a spec change", async function () {
    const record = await putRecord(kube, ns.name, "status-only");
    const q = recordingEnqueue();
    const w = watcher({ enqueue: q.enqueue });
    await synced(w);
    await patchRecordStatus(kube, record, "written by the reconciler");
    await waitFor(
      () => w.records.get(ns.name, "status-only")?.status?.message === "written by the reconciler",
      {
        description: "the status write to reach the cache",
      },
    );
    // Events arrive in order on one watch: the status event has been handled by now.
    await putRecord(kube, ns.name, "status-only", { image: "ghcr.io/oaas/watcher-test:2" });
    await waitFor(() => q.of("status-only", "record-updated").length > 0, { description: "record-updated" });
    expect(q.of("status-only", "record-updated")).to.have.length(1);
    expect(q.of("status-only").map((j) => j.job.reason)).to.deep.equal(["startup", "record-updated"]);
  });

  it("a child the reconciler created is no job; one made by another manager is, at once", async function () {
    const ours = await putRecord(kube, ns.name, "made-by-crm");
    const theirs = await putRecord(kube, ns.name, "made-by-hand");
    const q = recordingEnqueue();
    const w = watcher({ enqueue: q.enqueue, childSettleMs: 60_000 });
    await synced(w);
    await putChildDeployment(kube, ours, "made-by-crm-fn", {}, reconcilerFieldManager);
    await putChildDeployment(kube, theirs, "made-by-hand-fn");
    await waitFor(() => q.of("made-by-hand", "child-changed")[0], {
      description: "the hand-made child's job",
    });
    // One watch delivers both adds in order: the reconciler's child was seen first.
    expect(q.of("made-by-crm")).to.deep.equal(q.of("made-by-crm", "startup"));
  });

  it("health changes of one record's children are one job, enqueued after the settle delay", async function () {
    const record = await putRecord(kube, ns.name, "settled", { correlationId: "corr-settled" });
    const q = recordingEnqueue();
    const settleMs = 2000;
    const w = watcher({ enqueue: q.enqueue, childSettleMs: settleMs });
    await synced(w);
    const t0 = Date.now();
    // Created as the reconciler creates them (no job for the adds); the deployment
    // controller then picks each rollout up: a health change per Deployment.
    await Promise.all(
      ["a", "b", "c"].map((fn) =>
        putChildDeployment(kube, record, `settled-${fn}`, {}, reconcilerFieldManager),
      ),
    );
    const first = await waitFor(() => q.of("settled", "child-changed")[0], {
      description: "the job of the children's health changes",
      timeoutMs: 30_000,
    });
    expect(q.of("settled", "child-changed")).to.have.length(1);
    expect(Date.now() - t0).to.be.at.least(settleMs);
    expect(first.priority).to.equal("health");
    expect(first.job).to.include({
      name: "settled",
      uid: record.metadata.uid,
      correlationId: "corr-settled",
    });
  });

  it("a deleted child is enqueued at once, not after the settle delay", async function () {
    const record = await putRecord(kube, ns.name, "gone-child");
    await putChildDeployment(kube, record, "gone-child-fn");
    const q = recordingEnqueue();
    const w = watcher({ enqueue: q.enqueue, childSettleMs: 60_000 });
    await synced(w);
    await deleteObject(kube, deployments, ns.name, "gone-child-fn");
    const job = await waitFor(() => q.of("gone-child", "child-deleted")[0], {
      description: "child-deleted",
      timeoutMs: 20_000,
    });
    expect(job.job.uid).to.equal(record.metadata.uid);
  });

  it("maps an edit of a labelled child Deployment to its owning record", async function () {
    const record = await putRecord(kube, ns.name, "owner", { correlationId: "corr-owner" });
    await putChildDeployment(kube, record, "owner-fn");
    // Let the deployment controller finish its own status writes first: those are child
    // changes too (and rightly enqueue), but this test wants to see the hand edit.
    await waitFor(
      async () => {
        const d = await getObject<{
          metadata: { generation?: number };
          status?: { observedGeneration?: number };
        }>(kube, deployments, ns.name, "owner-fn");
        return d?.status?.observedGeneration === d?.metadata.generation;
      },
      { description: "the deployment controller to observe the child" },
    );
    const q = recordingEnqueue();
    // A hand edit is never held for the settle delay: a minute here, and it must still come at once.
    const w = watcher({ enqueue: q.enqueue, childSettleMs: 60_000 });
    await synced(w);
    expect(q.of("owner", "child-changed")).to.have.length(0); // the initial list of children enqueues nothing
    await putChildDeployment(kube, record, "owner-fn", { edited: "by-hand" });
    const job = await waitFor(() => q.of("owner", "child-changed")[0], { description: "child-changed" });
    expect(job.priority).to.equal("live");
    expect(job.job).to.include({
      namespace: ns.name,
      name: "owner",
      uid: record.metadata.uid,
      correlationId: "corr-owner",
    });
    expect(Object.keys(w.activityAgesMs())).to.include.members([
      "deploymentrecords.oaas.io",
      "deployments.apps",
      "services",
      "horizontalpodautoscalers.autoscaling",
    ]);
    // No Knative / Prometheus Operator CRDs on this cluster: those kinds are not watched.
    expect(Object.keys(w.activityAgesMs())).to.not.include("services.serving.knative.dev");
  });

  it("re-enqueues every record at background priority on each resync", async function () {
    await putRecord(kube, ns.name, "resync-a");
    await putRecord(kube, ns.name, "resync-b");
    const q = recordingEnqueue();
    const w = watcher({ enqueue: q.enqueue, resyncIntervalMs: 1000 });
    await synced(w);
    await waitFor(() => q.of("resync-a", "resync").length >= 2 && q.of("resync-b", "resync").length >= 2, {
      description: "two resyncs",
      timeoutMs: 10_000,
    });
    expect(q.jobs.filter((j) => j.job.reason === "resync").every((j) => j.priority === "background")).to.be
      .true;
  });

  it("leaves out of the resync records a worker ran within the interval; a failing lastRuns resyncs all", async function () {
    await putRecord(kube, ns.name, "resync-busy");
    await putRecord(kube, ns.name, "resync-idle");
    const asked: string[][] = [];
    const q = recordingEnqueue();
    const w = watcher({
      enqueue: q.enqueue,
      resyncIntervalMs: 1000,
      // "busy" has a run that started just now at every sweep; "idle" never ran.
      lastRuns: (records) => {
        asked.push(records.map((r) => `${r.namespace}/${r.name}`));
        return Promise.resolve(records.map((r) => (r.name === "resync-busy" ? Date.now() : undefined)));
      },
    });
    await synced(w);
    await waitFor(() => q.of("resync-idle", "resync").length >= 3, {
      description: "three resyncs of the idle record",
      timeoutMs: 15_000,
    });
    expect(q.of("resync-busy", "resync"), "the busy record is never resynced").to.have.length(0);
    expect(asked.at(-1)).to.include.members([`${ns.name}/resync-busy`, `${ns.name}/resync-idle`]);
    await w.stop();

    const failing = recordingEnqueue();
    const w2 = watcher({
      enqueue: failing.enqueue,
      resyncIntervalMs: 1000,
      lastRuns: () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379")),
    });
    await synced(w2);
    await waitFor(
      () =>
        failing.of("resync-busy", "resync").length >= 2 && failing.of("resync-idle", "resync").length >= 2,
      { description: "two resyncs of both records with Redis down", timeoutMs: 15_000 },
    );
    expect(w2.ready().ok).to.be.true;
  });

  it("retries a failed enqueue (Redis down) and never crashes", async function () {
    const q = recordingEnqueue(2);
    const w = watcher({ enqueue: q.enqueue, enqueueRetry: { initialMs: 100 } });
    await synced(w);
    await putRecord(kube, ns.name, "retried");
    await waitFor(() => q.of("retried", "record-added")[0], { description: "delivery after two failures" });
    expect(w.enqueueFailures()).to.be.at.least(2);
  });

  it("with leader election, only the leader enqueues and the standby is ready", async function () {
    const leaseName = `watcher-${Math.random().toString(36).slice(2, 8)}`;
    const le = { leaseName, leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 };
    const qa = recordingEnqueue();
    const qb = recordingEnqueue();
    const a = watcher({ enqueue: qa.enqueue, identity: "a", leaderElection: le });
    const b = watcher({ enqueue: qb.enqueue, identity: "b", leaderElection: le });
    const leader = await waitFor(() => (a.isLeader() ? a : b.isLeader() ? b : undefined), {
      description: "a leader",
    });
    const standby = leader === a ? b : a;
    const [lq, sq] = leader === a ? [qa, qb] : [qb, qa];
    await synced(leader);
    expect(standby.isLeader()).to.be.false;
    expect(standby.ready()).to.deep.include({ ok: true });
    expect(standby.ready().reason).to.match(/standby/);
    await putRecord(kube, ns.name, "elected");
    await waitFor(() => lq.of("elected", "record-added")[0], { description: "the leader to enqueue" });
    expect(sq.jobs).to.have.length(0);

    // Hand-over: the leader stops (SIGTERM path: release) and the standby takes over and lists.
    await leader.stop();
    await waitFor(() => standby.isLeader() && standby.ready().ok, {
      description: "the standby to lead",
      timeoutMs: 10_000,
    });
    expect(sq.of("elected", "startup")).to.have.length(1);
  });

  it("record cache (no leader election): serves records from memory and reports its staleness", async function () {
    const cache = startRecordCache({ kube, namespaces: [ns.name], logger });
    try {
      await waitFor(() => cache.hasSynced(), { description: "the cache to sync" });
      const record = await putRecord(kube, ns.name, "cached");
      await waitFor(() => cache.get(ns.name, "cached"), { description: "the record in the cache" });
      expect(cache.get(ns.name, "cached")?.metadata.uid).to.equal(record.metadata.uid);
      expect(cache.list(ns.name).map((r) => r.metadata.name)).to.include("cached");
      expect(cache.stalenessMs()).to.be.below(5000);
    } finally {
      await cache.stop();
    }
  });
});
