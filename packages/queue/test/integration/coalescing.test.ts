// Producer rules against real Redis: coalescing while waiting and while active, latest
// data wins, fresh job ids, live ahead of background, queue depth.
import { redisTargetKinds, useRedisTarget, waitFor } from "@oaas/testkit";
import { recordId } from "../../src/index.ts";
import { expect } from "chai";
import { gate, useHarness, job, recordingHandler, runsDone } from "./helpers.ts";

for (const kind of redisTargetKinds()) {
  describe(`queue coalescing and priorities (${kind} Redis)`, function () {
    const redis = useRedisTarget(kind);
    const h = useHarness(redis);

    it("folds 50 events for a waiting record into one run with the latest data", async function () {
      const outcomes = [];
      for (let i = 0; i < 50; i++)
        outcomes.push(await h().producer.enqueue(job("a", { correlationId: `c${i}` })));
      expect(outcomes.filter((o) => !o.coalesced)).to.have.length(1);
      expect(new Set(outcomes.map((o) => o.jobId)).size).to.equal(1);
      expect(await h().producer.depth()).to.equal(1);
      const { runs, handler } = recordingHandler();
      h().worker({ handler, workerId: "w1", rateLimit: false });
      await runsDone(runs, 1);
      await waitFor(async () => (await h().producer.queue.getJobCounts("completed")).completed === 1, {
        description: "the job completed",
        timeoutMs: 10_000,
      });
      expect(runs).to.have.length(1);
      expect(runs[0]?.data.correlationId).to.equal("c49");
    });

    it("an event during a run leads to exactly one follow-up run with the latest data", async function () {
      const release = gate();
      const started = gate();
      const { runs, handler } = recordingHandler(async (_job, _context, run) => {
        if (run.data.correlationId === "first") {
          started.open();
          await release.promise;
        }
        return { kind: "done" };
      });
      h().worker({ handler, workerId: "w1", rateLimit: false });
      await h().producer.enqueue(job("b", { correlationId: "first" }));
      await started.promise;
      for (let i = 0; i < 10; i++) {
        const outcome = await h().producer.enqueue(job("b", { correlationId: `during-${i}` }));
        expect(outcome.coalesced).to.equal(true);
      }
      release.open();
      await runsDone(runs, 2);
      await waitFor(async () => (await h().producer.queue.getJobCounts("completed")).completed === 2, {
        description: "both jobs completed",
        timeoutMs: 10_000,
      });
      expect(await h().producer.depth()).to.equal(0);
      expect(runs.map((r) => r.data.correlationId)).to.deep.equal(["first", "during-9"]);
      expect(runs[1]?.jobId).to.not.equal(runs[0]?.jobId);
    });

    it("never reuses a job id: an event after completion runs again", async function () {
      const { runs, handler } = recordingHandler();
      h().worker({ handler, workerId: "w1", rateLimit: false });
      const first = await h().producer.enqueue(job("c"));
      await runsDone(runs, 1);
      await waitFor(async () => (await h().producer.queue.getJobCounts("completed")).completed === 1, {
        description: "first job completed (and retained)",
        timeoutMs: 10_000,
      });
      const second = await h().producer.enqueue(job("c"));
      expect(second.coalesced).to.equal(false);
      expect(second.jobId).to.not.equal(first.jobId);
      await runsDone(runs, 2);
    });

    it("an event whose deduplication key was left naming a finished job still runs (never swallowed)", async function () {
      const { runs, handler } = recordingHandler();
      h().worker({ handler, workerId: "w1", rateLimit: false });
      const first = await h().producer.enqueue(job("stale"));
      await runsDone(runs, 1);
      await waitFor(async () => (await h().producer.queue.getJobCounts("completed")).completed === 1, {
        description: "first job completed (and retained)",
        timeoutMs: 10_000,
      });
      // What a lost finalization would leave: the key names the retained, completed job.
      // Without recovery, every later event of the record (resyncs included) is folded
      // into a job that never runs again.
      const dedupKey = `${h().producer.queue.keys.de}:${recordId("ns", "stale")}`;
      await h().redis.set(dedupKey, first.jobId);
      const second = await h().producer.enqueue(job("stale", { correlationId: "after" }));
      expect(second.coalesced).to.equal(false);
      expect(second.jobId).to.not.equal(first.jobId);
      const [run] = await runsDone(runs, 1, (r) => r.data.correlationId === "after", 10_000);
      expect(run?.jobId).to.equal(second.jobId);
      // A key naming a job that still waits is left alone: that job carries the event.
      const third = await h().producer.enqueue(job("stale", { correlationId: "x" }), { delayMs: 60_000 });
      const fourth = await h().producer.enqueue(job("stale", { correlationId: "y" }), { delayMs: 60_000 });
      expect(fourth.jobId).to.equal(third.jobId);
      expect(fourth.coalesced).to.equal(true);
    });

    it("the last event of every burst is carried by a run, also when a worker takes the job during the fold", async function () {
      // The fold is an add that finds the job waiting, then a data refresh; a worker can
      // take the job in between and run it with the previous event's data. 12 records x 40
      // bursts against 2 busy workers open that window many times; every burst's last
      // correlation id must reach a run that started after it was enqueued.
      this.timeout(120_000);
      const { runs, handler } = recordingHandler();
      h().worker({ handler, workerId: "w1", concurrency: 4, rateLimit: false });
      h().worker({ handler, workerId: "w2", concurrency: 4, rateLimit: false });
      const records = Array.from({ length: 12 }, (_, i) => `race${i}`);
      for (let burst = 0; burst < 40; burst++) {
        const sent = new Map<string, number>();
        await Promise.all(
          records.map(async (name) => {
            for (let i = 0; i < 3; i++)
              await h().producer.enqueue(job(name, { correlationId: `${name}-${burst}-${i}` }));
            sent.set(name, Date.now());
          }),
        );
        for (const name of records)
          await runsDone(runs, 1, (r) => r.data.correlationId === `${name}-${burst}-2`, 10_000);
        expect(sent.size).to.equal(records.length);
      }
    });

    it("runs live jobs before background ones, and a live event promotes a waiting background job", async function () {
      for (const name of ["bg1", "bg2", "bg3", "bg4"])
        await h().producer.enqueue(job(name), { priority: "background" });
      await h().producer.enqueue(job("live1"));
      await h().producer.enqueue(job("bg4", { reason: "record-updated" }), { priority: "live" });
      expect(await h().producer.depth()).to.equal(5);
      const { runs, handler } = recordingHandler();
      h().worker({ handler, workerId: "w1", concurrency: 1, rateLimit: false });
      await runsDone(runs, 5);
      const order = runs.map((r) => r.data.name);
      expect(order.slice(0, 2)).to.have.members(["live1", "bg4"]);
      expect(order.slice(2)).to.deep.equal(["bg1", "bg2", "bg3"]);
    });

    it("three lanes: health, then live, then background; a health event moves a waiting job up, never down", async function () {
      for (const name of ["bg1", "bg2"]) await h().producer.enqueue(job(name), { priority: "background" });
      for (const name of ["live1", "live2"]) await h().producer.enqueue(job(name), { priority: "live" });
      await h().producer.enqueue(job("health1"), { priority: "health" });
      // A health event folds into live2's waiting job and moves it to the health lane...
      const folded = await h().producer.enqueue(job("live2", { reason: "child-changed" }), {
        priority: "health",
      });
      expect(folded.coalesced).to.equal(true);
      // ... and neither a live nor a background event moves a job down again.
      await h().producer.enqueue(job("live2", { reason: "resync" }), { priority: "background" });
      await h().producer.enqueue(job("health1", { reason: "record-updated" }), { priority: "live" });
      expect(await h().producer.queue.getJobCounts("wait", "prioritized")).to.include({
        wait: 2,
        prioritized: 3,
      });
      const { runs, handler } = recordingHandler();
      h().worker({ handler, workerId: "w1", concurrency: 1, rateLimit: false });
      await runsDone(runs, 5);
      expect(runs.map((r) => r.data.name)).to.deep.equal(["health1", "live2", "live1", "bg1", "bg2"]);
      // Latest data wins whatever the lane.
      expect(runs[1]?.data.reason).to.equal("resync");
    });

    it("the follow-up of a running job keeps the highest lane of the events folded into it", async function () {
      const release = gate();
      const started = gate();
      const { runs, handler } = recordingHandler(async (_job, _context, run) => {
        if (run.data.correlationId === "first") {
          started.open();
          await release.promise;
        }
        return { kind: "done" };
      });
      h().worker({ handler, workerId: "w1", concurrency: 1, rateLimit: false });
      await h().producer.enqueue(job("f", { correlationId: "first" }), { priority: "live" });
      await started.promise;
      await h().producer.enqueue(job("x"), { priority: "live" });
      await h().producer.enqueue(job("f", { correlationId: "health" }), { priority: "health" });
      // BullMQ keeps only the last add's options for the follow-up: a background event
      // after the health one must not take the follow-up down to its lane.
      await h().producer.enqueue(job("f", { correlationId: "resync" }), { priority: "background" });
      release.open();
      await runsDone(runs, 3);
      expect(runs.map((r) => `${r.data.name}:${r.data.correlationId ?? ""}`)).to.deep.equal([
        "f:first",
        "f:resync",
        "x:",
      ]);
    });

    it("an event makes a record's delayed job due now", async function () {
      await h().producer.enqueue(job("d"), { delayMs: 60_000 });
      expect((await h().producer.queue.getJobCounts("delayed")).delayed).to.equal(1);
      const outcome = await h().producer.enqueue(job("d", { correlationId: "now" }));
      expect(outcome.coalesced).to.equal(true);
      const { runs, handler } = recordingHandler();
      h().worker({ handler, workerId: "w1", rateLimit: false });
      const [run] = await runsDone(runs, 1, () => true, 10_000);
      expect(run?.data.correlationId).to.equal("now");
    });

    it("a delayed job an event makes due runs once, with the event's data, when idle workers take it at once", async function () {
      // The event's data must be in the job before the add makes it due: an idle worker
      // takes a due job within milliseconds, and a run with the old payload (a requeue)
      // turned the event into a second, follow-up run of the same record.
      const { runs, handler } = recordingHandler();
      h().worker({ handler, workerId: "w1", concurrency: 8, rateLimit: false });
      h().worker({ handler, workerId: "w2", concurrency: 8, rateLimit: false });
      const records = Array.from({ length: 20 }, (_, i) => `due${i}`);
      for (const name of records)
        await h().producer.enqueue(job(name, { reason: "requeue", correlationId: "old" }), {
          delayMs: 60_000,
          ifAbsent: true,
        });
      expect((await h().producer.queue.getJobCounts("delayed")).delayed).to.equal(records.length);
      for (const name of records) {
        const outcome = await h().producer.enqueue(
          job(name, { reason: "child-changed", correlationId: `event-${name}` }),
        );
        expect(outcome.coalesced, name).to.equal(true);
      }
      await runsDone(runs, records.length, () => true, 10_000);
      await waitFor(
        async () => ((await h().producer.queue.getJobCounts("completed")).completed ?? 0) >= records.length,
        { description: "every job completed", timeoutMs: 10_000 },
      );
      // A follow-up is created as its job completes: queued or running now, if any.
      expect(await h().producer.depth(), "no follow-up run queued").to.equal(0);
      expect((await h().producer.queue.getJobCounts("active")).active, "no follow-up run running").to.equal(
        0,
      );
      expect(runs.map((r) => `${r.data.name}:${r.data.correlationId}`).sort()).to.deep.equal(
        records.map((name) => `${name}:event-${name}`).sort(),
      );
    });
  });
}
