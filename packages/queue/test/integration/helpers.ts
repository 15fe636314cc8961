// Shared by the queue's integration suites: record handler runs and wait for them.
import type { TestRedisTarget } from "@oaas/testkit";
import { waitFor } from "@oaas/testkit";
import {
  createRecordQueue,
  done,
  startRecordWorker,
  type JobContext,
  type RecordJob,
  type RecordQueue,
  type RecordWorker,
  type RecordWorkerOptions,
  type ReconcileResult,
  type RedisClient,
} from "../../src/index.ts";

export interface Run {
  readonly record: string;
  readonly data: RecordJob;
  readonly attempt: number;
  readonly jobId: string;
  readonly workerId: string;
  readonly start: number;
  end: number;
}

/** A handler that records every run; `decide` chooses the result (default done). */
export function recordingHandler(
  decide: (
    job: RecordJob,
    context: JobContext,
    run: Run,
  ) => Promise<ReconcileResult> | ReconcileResult = () => done,
): { runs: Run[]; handler: RecordWorkerOptions["handler"] } {
  const runs: Run[] = [];
  return {
    runs,
    handler: async (job, context) => {
      const run: Run = {
        record: `${job.namespace}/${job.name}`,
        data: job,
        attempt: context.attempt,
        jobId: context.jobId,
        workerId: context.workerId,
        start: Date.now(),
        end: Number.NaN,
      };
      runs.push(run);
      try {
        return await decide(job, context, run);
      } finally {
        run.end = Date.now();
      }
    },
  };
}

export const job = (name: string, extra: Partial<RecordJob> = {}): RecordJob => ({
  namespace: "ns",
  name,
  uid: `uid-${name}`,
  reason: "record-updated",
  ...extra,
});

let harnesses = 0;

/**
 * One queue + workers under a prefix of its own (inside the suite's prefix, so the
 * suite's cleanup removes it); stop() closes them.
 */
export function harness(t: TestRedisTarget): {
  prefix: string;
  producer: RecordQueue;
  redis: RedisClient;
  worker: (options: Omit<RecordWorkerOptions, "connection" | "prefix" | "queue">) => RecordWorker;
  stop: () => Promise<void>;
} {
  const redis = t.connect();
  const prefix = `${t.prefix}:${++harnesses}`;
  const producer = createRecordQueue({ connection: redis, prefix, name: "reconcile", attempts: 3 });
  const workers: RecordWorker[] = [];
  return {
    prefix,
    producer,
    redis,
    worker: (options) => {
      const w = startRecordWorker({
        connection: t.connect(),
        prefix,
        queue: "reconcile",
        lockDurationMs: 5000,
        stalledIntervalMs: 2000,
        backoff: { baseMs: 100, maxMs: 1000 },
        ...(process.env.QUEUE_TEST_LOG
          ? { logger: { info: console.log, warn: console.log, error: console.log } }
          : {}),
        ...options,
      });
      workers.push(w);
      return w;
    },
    stop: async () => {
      await Promise.all(workers.map((w) => w.close()));
      await producer.close();
    },
  };
}

/** Waits until `runs` has at least n finished entries matching `where`. */
export async function runsDone(
  runs: Run[],
  n: number,
  where: (run: Run) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<Run[]> {
  return waitFor(
    () => {
      const finished = runs.filter((r) => where(r) && !Number.isNaN(r.end));
      return finished.length >= n ? finished : undefined;
    },
    { description: `${n} finished handler runs`, timeoutMs, intervalMs: 20 },
  );
}

/** A promise with its resolver, for handlers that wait for the test. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
