// Status goes first: on a real API server (KWOK cluster, the deployment
// controller running) and a real Redis, the real watcher enqueues through the real BullMQ
// producer while a worker works through a backlog of first applies; a child of an
// already-applied record turning available must be processed next, ahead of the backlog.
// The handler only records the order of runs (the reconciler is not what is under test:
// the order is decided by the queue's lanes); ordering is asserted, not timing.
import { reconcilerFieldManager } from "@oaas/crd";
import { getObject, KubeClient } from "@oaas/kube";
import {
  createRecordQueue,
  done,
  queueNames,
  startRecordWorker,
  type JobPriority,
  type RecordJob,
} from "@oaas/queue";
import { createLogger } from "@oaas/telemetry";
import { testCluster, useTestNamespace, useTestRedis, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { startWatcher, type Watcher } from "../../src/watcher/index.ts";
import { installCrd } from "../support/ingress.ts";
import { waitForRecordsServed } from "../support/records.ts";
import { deployments, putChildDeployment, putRecord } from "../support/watcher.ts";

const logger = createLogger({ service: "crm-priority-test", level: process.env["LOG_LEVEL"] ?? "error" });

describe("priority lanes: a child's health change goes ahead of a backlog of first applies", function () {
  this.timeout(120_000);
  const ns = useTestNamespace("lanes");
  const redis = useTestRedis();
  let kube: KubeClient;
  const stops: (() => Promise<unknown>)[] = [];

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
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  it("runs the health job of an applied record before the waiting first applies", async function () {
    const backlog = 30;
    const connection = redis().connect();
    const queue = createRecordQueue({ connection, prefix: redis().prefix, name: queueNames.reconcile });
    stops.push(() => queue.close());
    const enqueued: { job: RecordJob; priority: JobPriority }[] = [];
    const applied = await putRecord(kube, ns.name, "applied");
    const watcher: Watcher = startWatcher({
      kube,
      namespaces: [ns.name],
      logger,
      identity: "lanes-test",
      leaderElection: false,
      childSettleMs: 0,
      enqueue: (job, options) => queue.enqueue(job, options),
      metrics: { enqueued: (job, priority, result) => result === "ok" && enqueued.push({ job, priority }) },
    });
    stops.push(() => watcher.stop());
    await waitFor(() => watcher.ready().ok, { description: "the watcher to be ready", timeoutMs: 30_000 });
    await waitFor(() => enqueued.some((e) => e.job.name === "applied"), { description: "the startup job" });

    // One worker, one run at a time. Its first run (a live job ahead of the applied
    // record's background startup job) blocks until the backlog is queued and the health
    // event has been enqueued, so every job below waits while the lanes decide.
    await queue.enqueue(
      { namespace: ns.name, name: "blocker", uid: "none", reason: "manual" },
      { priority: "live" },
    );
    const order: string[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const worker = startRecordWorker({
      connection,
      prefix: redis().prefix,
      queue: queueNames.reconcile,
      concurrency: 1,
      rateLimit: false,
      workerId: "lanes-test",
      handler: async (job) => {
        order.push(`${job.name}:${job.reason}`);
        if (order.length === 1) await released;
        return done;
      },
    });
    // A failed test never leaves the first run blocked.
    stops.push(() => {
      release();
      return worker.close();
    });
    await waitFor(() => order.length === 1, { description: "the first run to start" });
    expect(order[0]).to.equal("blocker:manual");

    for (let i = 0; i < backlog; i++) await putRecord(kube, ns.name, `burst-${i}`);
    await waitFor(
      () =>
        enqueued.filter((e) => e.job.name.startsWith("burst-") && e.priority === "live").length === backlog,
      { description: "the backlog of first applies (record-added, live)", timeoutMs: 30_000 },
    );
    // The applied record's child, created as the reconciler creates it (its add makes no
    // job); the deployment controller's status write turns it available: a health event.
    await putChildDeployment(kube, applied, "applied-fn", {}, reconcilerFieldManager);
    await waitFor(() => enqueued.some((e) => e.job.name === "applied" && e.priority === "health"), {
      description: "the child's health event",
      timeoutMs: 30_000,
    });
    // The controller's later status writes leave the health as it is (no more jobs).
    await waitFor(
      async () => {
        const d = await getObject<{
          metadata: { generation?: number };
          status?: { observedGeneration?: number };
        }>(kube, deployments, ns.name, "applied-fn");
        return d?.status?.observedGeneration === d?.metadata.generation;
      },
      { description: "the deployment controller to observe the child" },
    );
    // The startup job of "applied" took the event (one job per record) and moved up to
    // the wait list; the first applies wait in the prioritized set.
    const counts = await queue.queue.getJobCounts("prioritized", "wait");
    expect(counts).to.include({ prioritized: backlog, wait: 1 });

    release();
    await waitFor(() => order.length === backlog + 2, {
      description: "every queued run",
      timeoutMs: 60_000,
    });
    // The health job is the very next run (with the event's data: latest wins); the
    // backlog follows in the order it came, and "applied" ran once (coalesced).
    expect(order[1]).to.equal("applied:child-changed");
    expect(order.slice(2)).to.deep.equal(
      Array.from({ length: backlog }, (_, i) => `burst-${i}:record-added`),
    );
  });
});
