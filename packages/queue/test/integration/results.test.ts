// The one mapping of ReconcileResult onto BullMQ, against real Redis: retry uses up
// attempts with growing backoff, terminal is never retried, requeueAfter runs again
// (capped), a thrown exception is a retry; and graceful close hands jobs back.
import { useTestRedis, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import {
  done,
  requeueAfter,
  retry,
  terminal,
  type ReconcileResult,
  type RecordJob,
} from "../../src/index.ts";
import { gate, useHarness, job, recordingHandler, runsDone } from "./helpers.ts";

describe("queue result mapping and shutdown (real Redis)", function () {
  const h = useHarness(useTestRedis());

  const failedJob = async (jobId: string) =>
    waitFor(
      async () => {
        const found = await h().producer.queue.getJob(jobId);
        return found && (await found.getState()) === "failed" ? found : undefined;
      },
      { description: `job ${jobId} failed`, timeoutMs: 15_000, intervalMs: 50 },
    );

  it("retry: runs `attempts` times with growing backoff, then fails", async function () {
    const results: { result: string; attempt: number }[] = [];
    const { runs, handler } = recordingHandler(() => retry(new Error("409 conflict")));
    h().worker({
      handler,
      workerId: "w1",
      rateLimit: false,
      onResult: (_job, result, _ms, attempt) => results.push({ result: result.kind, attempt }),
    });
    const { jobId } = await h().producer.enqueue(job("r"));
    const failed = await failedJob(jobId);
    expect(runs.map((r) => r.attempt)).to.deep.equal([1, 2, 3]);
    expect(results).to.deep.equal([
      { result: "retry", attempt: 1 },
      { result: "retry", attempt: 2 },
      { result: "retry", attempt: 3 },
    ]);
    expect(failed.failedReason).to.equal("409 conflict");
    // Equal jitter: the n-th retry waits at least half of 100 * 2^(n-1) ms.
    const gaps = [1, 2].map((i) => (runs[i]?.start ?? 0) - (runs[i - 1]?.end ?? 0));
    expect(gaps[0]).to.be.at.least(50 - 5);
    expect(gaps[1]).to.be.at.least(100 - 5);
  });

  it("a thrown exception counts as retry", async function () {
    let calls = 0;
    const { runs, handler } = recordingHandler(() => {
      calls++;
      if (calls === 1) throw new Error("socket hang up");
      return done;
    });
    h().worker({ handler, workerId: "w1", rateLimit: false });
    await h().producer.enqueue(job("x"));
    await runsDone(runs, 2);
    expect(runs.map((r) => r.attempt)).to.deep.equal([1, 2]);
  });

  it("terminal: fails at once, never retried, with the reason in the failure", async function () {
    const { runs, handler } = recordingHandler(() =>
      terminal(new Error("spec.functions[0].image is empty"), "InvalidSpec"),
    );
    h().worker({ handler, workerId: "w1", rateLimit: false });
    const { jobId } = await h().producer.enqueue(job("t"));
    const failed = await failedJob(jobId);
    expect(failed.failedReason).to.equal("InvalidSpec: spec.functions[0].image is empty");
    expect(failed.attemptsMade).to.equal(1);
    expect(runs).to.have.length(1);
  });

  it("requeueAfter: the record runs again after the delay, as a fresh job", async function () {
    const { runs, handler } = recordingHandler((_job, _context, run): ReconcileResult =>
      runs.indexOf(run) === 0 ? requeueAfter(300, "rollout in progress") : done,
    );
    h().worker({ handler, workerId: "w1", rateLimit: false });
    await h().producer.enqueue(job("q"));
    const [first, second] = await runsDone(runs, 2);
    expect((second?.start ?? 0) - (first?.end ?? 0)).to.be.at.least(290);
    expect(second?.jobId).to.not.equal(first?.jobId);
    expect(second?.data.reason).to.equal("requeue");
    expect(second?.attempt).to.equal(1);
  });

  it("requeueAfter: a huge delay is capped to maxRequeueAfterMs", async function () {
    const { runs, handler } = recordingHandler(() => requeueAfter(1e15));
    h().worker({ handler, workerId: "w1", rateLimit: false, maxRequeueAfterMs: 45_000 });
    const { jobId } = await h().producer.enqueue(job("huge"));
    await runsDone(runs, 1);
    const delayed = await waitFor(
      async () => (await h().producer.queue.getDelayed()).find((j) => j.id !== jobId),
      { description: "the requeued job", timeoutMs: 10_000, intervalMs: 50 },
    );
    expect(delayed.delay).to.equal(45_000);
    expect((delayed.data as RecordJob).reason).to.equal("requeue");
  });

  it("requeueAfter does not delay an event that arrived during the run", async function () {
    const release = gate();
    const started = gate();
    const { runs, handler } = recordingHandler(async (_job, _context, run) => {
      if (runs.indexOf(run) === 0) {
        started.open();
        await release.promise;
        return requeueAfter(60_000);
      }
      return done;
    });
    h().worker({ handler, workerId: "w1", rateLimit: false });
    await h().producer.enqueue(job("ev"));
    await started.promise;
    await h().producer.enqueue(job("ev", { correlationId: "during" }));
    release.open();
    const [, second] = await runsDone(runs, 2, () => true, 10_000);
    expect(second?.data.correlationId).to.equal("during");
  });

  it("close(): aborts running handlers, hands their jobs back without using an attempt, and returns", async function () {
    const started = gate();
    const { runs, handler } = recordingHandler(async (_job, context) => {
      started.open();
      await new Promise<void>((resolve) =>
        context.signal.addEventListener("abort", () => resolve(), { once: true }),
      );
      return retry(new Error("aborted"));
    });
    const w = h().worker({ handler, workerId: "w1", rateLimit: false, closeTimeoutMs: 5000 });
    const { jobId } = await h().producer.enqueue(job("g"));
    await started.promise;
    const t0 = Date.now();
    await w.close();
    expect(Date.now() - t0).to.be.below(5000);
    const back = await h().producer.queue.getJob(jobId);
    expect(await back?.getState()).to.be.oneOf(["delayed", "waiting"]);
    expect(back?.attemptsMade).to.equal(0);
    const next = recordingHandler();
    h().worker({ handler: next.handler, workerId: "w2", rateLimit: false });
    const [rerun] = await runsDone(next.runs, 1);
    expect(rerun?.jobId).to.equal(jobId);
    expect(rerun?.attempt).to.equal(1);
    expect(runs).to.have.length(1);
  });
});
