// The watcher's enqueue wrapper: a failing queue (Redis down) is retried with backoff,
// newer jobs for a record replace a waiting retry, it gives up after the bounded attempts
// (the resync delivers later), and it never throws or rejects. The queue here is a
// scripted function: this unit is about the wrapper, not BullMQ.
import { Writable } from "node:stream";
import type { JobPriority, RecordJob } from "@oaas/queue";
import { createLogger } from "@oaas/telemetry";
import { waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { Enqueuer } from "../../src/watcher/enqueuer.ts";

// Lines are discarded: the "giving up" error line is expected here.
const logger = createLogger({
  service: "enqueuer-test",
  stream: new Writable({ write: (_c, _e, done) => done() }),
});
const job = (name: string, reason: RecordJob["reason"] = "record-updated"): RecordJob => ({
  namespace: "ns",
  name,
  uid: `uid-${name}`,
  reason,
});

function scripted(failures: number) {
  const delivered: { job: RecordJob; priority: JobPriority }[] = [];
  let calls = 0;
  return {
    delivered,
    calls: () => calls,
    enqueue: (j: RecordJob, o: { readonly priority: JobPriority }) => {
      calls++;
      if (calls <= failures) return Promise.reject(new Error("ECONNREFUSED 127.0.0.1:6379"));
      delivered.push({ job: j, priority: o.priority });
      return Promise.resolve();
    },
  };
}

describe("watcher Enqueuer", function () {
  const retry = { attempts: 4, initialMs: 20, maxMs: 40 };

  it("retries a failed enqueue until it succeeds, counting the failures", async function () {
    const q = scripted(2);
    const results: string[] = [];
    const e = new Enqueuer(q.enqueue, logger, new AbortController().signal, retry, {
      enqueued: (_j, _p, result) => results.push(result),
    });
    e.submit(job("a"), "live");
    await e.drain();
    expect(q.delivered).to.have.length(1);
    expect(e.failedAttempts()).to.equal(2);
    expect(results).to.deep.equal(["error", "error", "ok"]);
  });

  it("a newer job replaces a waiting retry for the same record (latest wins, live kept)", async function () {
    const q = scripted(1);
    const e = new Enqueuer(q.enqueue, logger, new AbortController().signal, {
      ...retry,
      initialMs: 200,
      maxMs: 200,
    });
    e.submit(job("a", "resync"), "live");
    await waitFor(() => q.calls() === 1, { description: "the first (failing) attempt" });
    e.submit(job("a", "child-changed"), "background");
    await e.drain();
    expect(q.delivered).to.have.length(1);
    expect(q.delivered[0]?.job.reason).to.equal("child-changed");
    expect(q.delivered[0]?.priority).to.equal("live");
  });

  it("gives up after the bounded attempts without throwing", async function () {
    const q = scripted(100);
    const e = new Enqueuer(q.enqueue, logger, new AbortController().signal, retry);
    e.submit(job("a"), "background");
    await e.drain();
    expect(q.calls()).to.equal(4);
    expect(q.delivered).to.have.length(0);
  });

  it("stops retrying once its signal fires and submits nothing afterwards", async function () {
    const q = scripted(100);
    const stop = new AbortController();
    const e = new Enqueuer(q.enqueue, logger, stop.signal, {
      attempts: 10,
      initialMs: 10_000,
      maxMs: 10_000,
    });
    e.submit(job("a"), "live");
    await waitFor(() => q.calls() === 1, { description: "the first attempt" });
    stop.abort();
    const t0 = Date.now();
    await e.drain();
    expect(Date.now() - t0).to.be.below(1000);
    e.submit(job("b"), "live");
    expect(q.calls()).to.equal(1);
  });
});
