// Never two runs of one record at once, across workers and processes, under bursts of
// events for 25 records; every record's last event is followed by a run. Plus: a job that
// finds its record's lease held waits, and is not dropped.
import { redisTargetKinds, useRedisTarget, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import { leaseKey } from "../../src/keys.ts";
import { harness, job, recordingHandler, runsDone } from "./helpers.ts";
import { startWorkerProcess, type WorkerProcess } from "./processes.ts";

interface Span {
  readonly record: string;
  readonly start: number;
  readonly end: number;
}

/** Fails on the first pair of overlapping runs of one record; returns runs per record. */
function assertNoOverlap(spans: readonly Span[]): Map<string, number> {
  const byRecord = new Map<string, Span[]>();
  for (const s of spans) byRecord.set(s.record, [...(byRecord.get(s.record) ?? []), s]);
  for (const [record, list] of byRecord) {
    const sorted = [...list].sort((a, b) => a.start - b.start);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1];
      const next = sorted[i];
      if (prev && next)
        expect(next.start, `${record}: run ${i} started before run ${i - 1} ended`).to.be.at.least(prev.end);
    }
  }
  return new Map([...byRecord].map(([record, list]) => [record, list.length]));
}

const records = Array.from({ length: 25 }, (_, i) => `rec-${i}`);

/** 10 bursts of 10 events per record, interleaved; returns when each record's last event was sent. */
async function bursts(
  enqueue: (name: string, correlationId: string) => Promise<unknown>,
): Promise<Map<string, number>> {
  const lastSent = new Map<string, number>();
  for (let burst = 0; burst < 10; burst++) {
    await Promise.all(
      records.map(async (name) => {
        for (let i = 0; i < 10; i++) {
          lastSent.set(name, Date.now());
          await enqueue(name, `b${burst}-e${i}`);
        }
      }),
    );
    // Load shaping, not synchronisation: let some runs start between bursts.
    await sleep(20 + Math.floor(Math.random() * 30));
  }
  return lastSent;
}

for (const kind of redisTargetKinds()) {
  describe(`queue serialization per record (${kind} Redis)`, function () {
    this.timeout(120_000);
    const redis = useRedisTarget(kind);
    let h: ReturnType<typeof harness>;
    beforeEach(function () {
      h = harness(redis());
    });
    afterEach(async function () {
      await h.stop();
    });

    it("two workers, 25 records, 2500 events: no overlapping runs, every record converges", async function () {
      const { runs, handler } = recordingHandler(async () => {
        await sleep(1 + Math.floor(Math.random() * 10));
        return { kind: "done" };
      });
      const rateLimit = { ratePerSec: 50, burst: 10 };
      h.worker({ handler, workerId: "w1", concurrency: 8, rateLimit });
      h.worker({ handler, workerId: "w2", concurrency: 8, rateLimit });
      const lastSent = await bursts((name, correlationId) =>
        h.producer.enqueue(job(name, { correlationId })),
      );
      for (const [name, sent] of lastSent) {
        await runsDone(runs, 1, (r) => r.data.name === name && r.start >= sent, 30_000);
      }
      await waitFor(
        async () => (await h.producer.depth()) === 0 && (await h.producer.queue.getActiveCount()) === 0,
        {
          description: "queue drained",
          timeoutMs: 30_000,
        },
      );
      const perRecord = assertNoOverlap(runs.filter((r) => !Number.isNaN(r.end)));
      expect(perRecord.size).to.equal(25);
      expect(new Set(runs.map((r) => r.workerId))).to.have.all.keys("w1", "w2");
      const counts = [...perRecord.values()];
      console.log(
        `      runs per record (2 workers): min ${Math.min(...counts)}, max ${Math.max(...counts)}, total ${runs.length} for 2500 events`,
      );
    });

    it("two worker processes, 25 records, 2500 events: no overlapping runs, every record converges", async function () {
      const t = redis();
      const processes: WorkerProcess[] = [];
      try {
        for (const id of ["p1", "p2"]) {
          processes.push(
            await startWorkerProcess({
              REDIS_URL: t.url,
              PREFIX: h.prefix,
              MODE: "record",
              WORKER_ID: id,
              CONCURRENCY: "8",
              LOCK_MS: "5000",
              STALLED_MS: "2000",
            }),
          );
        }
        const lastSent = await bursts((name, correlationId) =>
          h.producer.enqueue(job(name, { correlationId })),
        );
        const readRuns = async () =>
          (await h.redis.lrange(`${h.prefix}:runs`, 0, -1)).map(
            (s) => JSON.parse(s) as Span & { pid: number },
          );
        const spans = await waitFor(
          async () => {
            const all = await readRuns();
            const converged = [...lastSent].every(([name, sent]) =>
              all.some((r) => r.record === `ns/${name}` && r.start >= sent),
            );
            const idle = (await h.producer.depth()) === 0 && (await h.producer.queue.getActiveCount()) === 0;
            return converged && idle ? all : undefined;
          },
          { description: "every record ran after its last event", timeoutMs: 60_000, intervalMs: 200 },
        );
        const perRecord = assertNoOverlap(spans);
        expect(perRecord.size).to.equal(25);
        expect(new Set(spans.map((s) => s.pid)).size).to.equal(2);
        const counts = [...perRecord.values()];
        console.log(
          `      runs per record (2 processes): min ${Math.min(...counts)}, max ${Math.max(...counts)}, total ${spans.length}`,
        );
      } finally {
        await Promise.all(processes.map((p) => p.stop()));
      }
    });

    it("a job whose record lease is held elsewhere waits for it and is not dropped", async function () {
      // Simulates a run of the record on a worker that lost its BullMQ lock but still runs.
      const key = leaseKey(h.prefix, "reconcile", "ns/leased");
      await h.redis.set(key, "someone-else", "PX", 60_000);
      const { runs, handler } = recordingHandler();
      const postponed: string[] = [];
      h.worker({
        handler,
        workerId: "w1",
        rateLimit: false,
        onPostpone: (_job, reason) => postponed.push(reason),
      });
      const { jobId } = await h.producer.enqueue(job("leased"));
      await waitFor(async () => ((await h.producer.queue.getJob(jobId))?.attemptsStarted ?? 0) >= 2, {
        description: "the job tried at least twice",
        timeoutMs: 10_000,
        intervalMs: 50,
      });
      expect(runs).to.have.length(0);
      expect(postponed).to.include("lease-held");
      expect(await (await h.producer.queue.getJob(jobId))?.getState()).to.be.oneOf([
        "delayed",
        "waiting",
        "active",
      ]);
      await h.redis.del(key);
      await runsDone(runs, 1, () => true, 10_000);
      expect(runs[0]?.jobId).to.equal(jobId);
      expect(runs[0]?.attempt).to.equal(1);
    });
  });
}
