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

  it("enqueues nothing while the lease is not fresh (a zombie leader), and stops a retry when it goes stale", async function () {
    let fresh = false;
    const q = scripted(1);
    const e = new Enqueuer(q.enqueue, logger, new AbortController().signal, retry, {}, () => fresh);
    e.submit(job("woke"), "live");
    e.submitAfterSettle(job("held"), "background", 10);
    await e.drain();
    expect(q.calls(), "a stale leader's job reached the queue").to.equal(0);
    fresh = true;
    e.submit(job("retried"), "live");
    // The first attempt fails (scripted); the lease goes stale before the retry.
    await waitFor(() => q.calls() === 1, { description: "the first attempt", timeoutMs: 2000 });
    fresh = false;
    await e.drain();
    expect(q.delivered).to.have.length(0);
    expect(q.calls()).to.equal(1);
  });

  it("a newer job replaces a waiting retry for the same record (latest wins, highest lane kept)", async function () {
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

  describe("settle delay (child health changes)", function () {
    const settleMs = 150;

    it("holds the events of one record and delivers them as one job with the latest payload", async function () {
      const q = scripted(0);
      const e = new Enqueuer(q.enqueue, logger, new AbortController().signal, retry);
      const t0 = Date.now();
      e.submitAfterSettle(job("a", "child-changed"), "live", settleMs);
      e.submitAfterSettle({ ...job("a", "child-changed"), correlationId: "latest" }, "live", settleMs);
      e.submitAfterSettle(job("b", "child-changed"), "live", settleMs);
      expect(q.calls(), "nothing is enqueued before the delay").to.equal(0);
      expect(e.settlingCount()).to.equal(2);
      await waitFor(() => q.delivered.length === 2, { description: "both records delivered" });
      expect(Date.now() - t0).to.be.at.least(settleMs - 5);
      const a = q.delivered.filter((d) => d.job.name === "a");
      expect(a).to.have.length(1);
      expect(a[0]?.job.correlationId).to.equal("latest");
      expect(e.settlingCount()).to.equal(0);
    });

    it("a stream of events does not hold a record back: the delay runs from the first", async function () {
      const q = scripted(0);
      const e = new Enqueuer(q.enqueue, logger, new AbortController().signal, retry);
      e.submitAfterSettle(job("a", "child-changed"), "live", settleMs);
      // A new event every 20 ms, for far longer than the delay: a debounce would never fire.
      const feeder = setInterval(() => e.submitAfterSettle(job("a", "child-changed"), "live", settleMs), 20);
      try {
        await waitFor(() => q.delivered.length >= 1, {
          timeoutMs: 5000,
          description: "a delivery while events still arrive",
        });
      } finally {
        clearInterval(feeder);
      }
    });

    it("an event that may not wait takes the held one's place (one job, at once, highest lane kept)", async function () {
      const q = scripted(0);
      const e = new Enqueuer(q.enqueue, logger, new AbortController().signal, retry);
      e.submitAfterSettle(job("a", "child-changed"), "health", settleMs);
      e.submit(job("a", "child-deleted"), "background");
      expect(q.calls(), "enqueued at once").to.equal(1);
      expect(e.settlingCount()).to.equal(0);
      // b is held after a's event was: once b is delivered, a's delay is over too.
      e.submitAfterSettle(job("b", "child-changed"), "live", settleMs);
      await waitFor(() => q.delivered.some((d) => d.job.name === "b"), { description: "b delivered" });
      const a = q.delivered.filter((d) => d.job.name === "a");
      expect(a.map((d) => [d.job.reason, d.priority])).to.deep.equal([["child-deleted", "health"]]);
    });

    it("no delay when settleMs is 0", function () {
      const q = scripted(0);
      const e = new Enqueuer(q.enqueue, logger, new AbortController().signal, retry);
      e.submitAfterSettle(job("a", "child-changed"), "live", 0);
      expect(q.calls()).to.equal(1);
    });

    it("the end of the term drops held events and holds no more", function () {
      const q = scripted(0);
      const stop = new AbortController();
      const e = new Enqueuer(q.enqueue, logger, stop.signal, retry);
      e.submitAfterSettle(job("a", "child-changed"), "live", 60_000);
      expect(e.settlingCount()).to.equal(1);
      stop.abort();
      expect(e.settlingCount()).to.equal(0);
      e.submitAfterSettle(job("b", "child-changed"), "live", 60_000);
      expect(e.settlingCount()).to.equal(0);
      expect(q.calls()).to.equal(0);
    });
  });
});
