// A worker process SIGKILLed mid-job: another worker runs the job again within the
// documented bound lockDurationMs + 2 x stalledIntervalMs + leaseRetryMs (README "Crash recovery").
import { useTestRedis, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { queueDefaults } from "../../src/index.ts";
import { useHarness, job, recordingHandler, runsDone } from "./helpers.ts";
import { startWorkerProcess } from "./processes.ts";

describe("queue stalled-job recovery after SIGKILL (real Redis, real process)", function () {
  this.timeout(90_000);
  const redis = useTestRedis();
  const h = useHarness(redis);

  it("a SIGKILLed worker's job runs again on another worker within lockDuration + 2 x stalledInterval + leaseRetry", async function () {
    const lockMs = 2000;
    const stalledMs = 1000;
    const t = redis();
    const victim = await startWorkerProcess({
      REDIS_URL: `redis://${t.host}:${t.port}`,
      PREFIX: h().prefix,
      MODE: "block",
      WORKER_ID: "victim",
      CONCURRENCY: "2",
      LOCK_MS: String(lockMs),
      STALLED_MS: String(stalledMs),
    });
    try {
      const { jobId } = await h().producer.enqueue(job("crash", { correlationId: "c1" }));
      await waitFor(async () => (await h().redis.get(`${h().prefix}:started:crash`)) === String(victim.pid), {
        description: "the victim process runs the job",
        timeoutMs: 15_000,
        intervalMs: 20,
      });
      const exited = new Promise((resolve) => victim.child.once("exit", resolve));
      victim.child.kill("SIGKILL");
      await exited;
      const killedAt = Date.now();
      const { runs, handler } = recordingHandler();
      h().worker({
        handler,
        workerId: "survivor",
        lockDurationMs: lockMs,
        stalledIntervalMs: stalledMs,
        rateLimit: false,
      });
      const [run] = await runsDone(runs, 1, () => true, 30_000);
      const recoveredMs = (run?.start ?? 0) - killedAt;
      const bound = lockMs + 2 * stalledMs + queueDefaults.leaseRetryMs;
      console.log(`      recovered ${recoveredMs} ms after SIGKILL (bound ${bound} ms)`);
      expect(run?.jobId).to.equal(jobId);
      expect(run?.data.correlationId).to.equal("c1");
      expect(recoveredMs).to.be.below(bound);
      await waitFor(async () => (await h().producer.queue.getJob(jobId))?.finishedOn !== undefined, {
        description: "the recovered job completed",
        timeoutMs: 10_000,
      });
    } finally {
      await victim.stop();
    }
  });
});
