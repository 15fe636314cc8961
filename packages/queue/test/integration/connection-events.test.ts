// A Redis outage under every kind of client the CRM makes (a shared connection, a BullMQ
// Worker with the blocking connection BullMQ duplicates from it, record queues, a plain
// BullMQ Queue as Bull Board uses them): one "lost" line and one "restored" line, nothing
// printed on the console, and the connections BullMQ made itself are watched too.
// A private redis-server (killed and started again on its port): the shared one stays up.
import { captureLogLines, startPrivateRedis, waitFor, type PrivateRedis } from "@oaas/testkit";
import {
  createConnectionMonitor,
  createLogger,
  createMetrics,
  type ConnectionMonitor,
  type Metrics,
} from "@oaas/telemetry";
import { Queue } from "bullmq";
import { expect } from "chai";
import {
  createRecordQueue,
  createRedisConnection,
  done,
  logQueueErrors,
  startRecordWorker,
  watchRedis,
  type RedisClient,
} from "../../src/index.ts";

describe("queue: Redis client events through one connection monitor (private Redis killed and restarted)", function () {
  this.timeout(60_000);
  let redis: PrivateRedis;
  let metrics: Metrics;
  const printed: string[] = [];
  const saved = { error: console.error, warn: console.warn, log: console.log };

  before(async function () {
    redis = await startPrivateRedis();
    metrics = createMetrics({ serviceName: "t" });
    // Anything a library prints instead of reporting is a failure of this test.
    console.error = console.warn = console.log = (...args: unknown[]) => void printed.push(args.join(" "));
  });
  after(async function () {
    Object.assign(console, saved);
    await metrics.shutdown();
    await redis.close();
  });

  it("a 15-retry outage is two lines; every connection (also BullMQ's duplicates) reports; no console output", async function () {
    const { stream, lines } = captureLogLines();
    const logger = createLogger({ service: "t", level: "info", stream });
    const real = createConnectionMonitor({ peer: "redis", logger, metrics, fields: { redis: redis.url } });
    // Which connections report failures: the watched client and the ones BullMQ duplicated.
    const reporting = new Set<object>();
    const monitor: ConnectionMonitor = {
      peer: real.peer,
      labels: real.labels,
      get state() {
        return real.state;
      },
      get failures() {
        return real.failures;
      },
      failed: (c, e) => {
        reporting.add(c);
        real.failed(c, e);
      },
      interrupted: (c, r) => real.interrupted(c, r),
      connected: (c) => real.connected(c),
      ended: (c) => real.ended(c),
    };
    const client: RedisClient = watchRedis(createRedisConnection(redis.url), monitor);
    let handled = 0;
    const prefix = "conn-events";
    const worker = startRecordWorker({
      connection: client,
      prefix,
      queue: "reconcile",
      handler: () => {
        handled++;
        return Promise.resolve(done);
      },
      workerId: "w1",
      logger,
      rateLimit: false,
    });
    const producer = createRecordQueue({ connection: client, prefix, name: "reconcile", logger });
    const board = new Queue("reconcile", { connection: client, prefix });
    logQueueErrors(board, logger, "dashboard queue error");
    try {
      await worker.worker.waitUntilReady();
      await producer.enqueue({ namespace: "ns", name: "before", uid: "u1", reason: "resync" });
      await waitFor(() => real.state === "up", { description: "connected", timeoutMs: 10_000 });
      // The job done before the outage: a job still running when Redis comes back empty
      // (it keeps nothing on disk) fails as "Missing key", a real error, not this test's.
      await waitFor(
        async () => {
          const counts = await board.getJobCounts("active", "wait", "delayed", "prioritized");
          return handled > 0 && Object.values(counts).every((n) => n === 0);
        },
        { description: "the first job done", timeoutMs: 10_000 },
      );

      await redis.kill();
      await waitFor(() => real.failures >= 15, {
        description: "15 failed attempts",
        timeoutMs: 30_000,
        intervalMs: 50,
      });
      await redis.start();
      await waitFor(() => real.state === "up", { description: "restored", timeoutMs: 20_000 });
      // The queue works again on the same connections.
      await producer.enqueue({ namespace: "ns", name: "after", uid: "u2", reason: "resync" });

      expect(printed, "nothing printed on the console").to.deep.equal([]);
      expect(
        lines.map((l) => [l.level, l.message]),
        JSON.stringify(lines.filter((l) => l.level === "error")),
      ).to.deep.equal([
        ["warn", "redis connection lost"],
        ["info", "redis connection restored"],
      ]);
      expect(lines[1]?.["failed_attempts"]).to.be.at.least(15);
      expect(lines[1]?.["down_seconds"]).to.be.a("number").and.above(0);
      expect(
        reporting.size,
        "the client and BullMQ's duplicate (the worker's blocking connection)",
      ).to.be.at.least(2);
      expect(reporting.has(client)).to.equal(true);
      const text = await metrics.render();
      expect(text).to.match(/oaas_connection_failures_total\{peer="redis"[^}]*\} (\d+)/);
      expect(text).to.match(/oaas_connection_up\{peer="redis"[^}]*\} 1/);
    } finally {
      await worker.close();
      await producer.close();
      await board.close();
      client.disconnect();
    }
  });
});
