import { randomUUID } from "node:crypto";
import { Queue, type Job, type JobsOptions } from "bullmq";
import { assertPrefixFits, type RedisClient } from "./connection.ts";
import { queueDefaults } from "./defaults.ts";
import { readLastRuns, type RecordName } from "./last-run.ts";
import { luaScript } from "./script.ts";
import { capDelay } from "./delays.ts";
import { bucketEmptyKey, recordId } from "./keys.ts";
import {
  bullmqPriorities,
  bullmqPriority,
  higherPriority,
  priorityOfBullmq,
  priorityOfJob,
} from "./lanes.ts";
import type { JobPriority, QueueName, RecordJob } from "./types.ts";
import { logQueueErrors } from "./connection-events.ts";
import type { QueueLogger } from "./logger.ts";

/** The BullMQ job name of every record job (the queue says what kind of work it is). */
export const recordJobName = "record";
/** The custom backoff type resolved by the worker's backoffStrategy (see worker.ts). */
export const backoffType = "crm-equal-jitter";
/** Adds per enqueue at most: the first, one after a stale key or a job started meanwhile, one more. */
const maxAddAttempts = 3;

export interface RecordQueueOptions {
  readonly connection: RedisClient;
  /** BullMQ key prefix; default "oaas". Tests pass a per-test prefix; a Redis Cluster needs a hash tag ("{oaas}"; refused otherwise). */
  readonly prefix?: string;
  readonly name: QueueName;
  /** Runs per job before it fails, first run included. Default 8 (see defaults.ts). */
  readonly attempts?: number;
  /** Where connection errors of the underlying BullMQ queue are logged (they are never thrown from an event). */
  readonly logger?: QueueLogger;
}

export interface EnqueueOptions {
  /** The job's lane (lanes.ts): health ahead of live (the default) ahead of background. */
  readonly priority?: JobPriority;
  /** Run no earlier than this many ms from now (capped to the timer range). Default 0. */
  readonly delayMs?: number;
  /**
   * Leave an existing job of the record exactly as it is (no data refresh, no promotion,
   * no reschedule). The worker's requeueAfter uses it: its payload is older than any
   * event that arrived meanwhile. Default false.
   */
  readonly ifAbsent?: boolean;
}

/** What enqueue did. */
export interface EnqueueOutcome {
  /** The job that will run for this event: a new one, or the record's existing one. */
  readonly jobId: string;
  /** True when the event was folded into the record's existing job (waiting, delayed or active). */
  readonly coalesced: boolean;
}

export interface RecordQueue {
  readonly name: QueueName;
  /**
   * Asks for one run of the record's handler. Rules (BullMQ 6 deduplication with
   * keepLastIfActive, keyed by namespace/name):
   * - while the record's job waits: the event is folded into it (one run); its payload is
   *   replaced by this one (latest data wins, e.g. a new uid after delete+recreate), and an
   *   event of a higher lane moves the job up to it (never down);
   * - while the record's job is delayed (requeueAfter, retry backoff, rate limit): an event
   *   without delayMs makes it due now (or when the record's rate limit allows);
   * - while the record's job runs: exactly one follow-up run is stored (latest data wins)
   *   and created when the running one finishes, in the highest lane of the events folded
   *   into it (BullMQ stores the last add's options: the add takes the stored lane's when
   *   higher; two producers adding for one record within the same few ms can still leave
   *   the lower one, which only delays that run to its lane's turn).
   * Every new job gets a fresh id (never reused: BullMQ silently drops an add whose id
   * equals a retained completed or failed job).
   * @throws whatever ioredis throws when Redis is unreachable.
   */
  enqueue(job: RecordJob, options?: EnqueueOptions): Promise<EnqueueOutcome>;
  /** Jobs not yet running (waiting + prioritized + delayed): the workqueue_depth gauge. */
  depth(): Promise<number>;
  /**
   * When each record's handler last started a run (epoch ms of the worker's clock), in the
   * order given; undefined where unknown (never run, or the mark expired). The watcher's
   * resync uses it. @throws whatever ioredis throws when Redis is unreachable.
   */
  lastRuns(records: readonly RecordName[]): Promise<(number | undefined)[]>;
  /** The BullMQ queue, for the dashboard (Bull Board) and tests. */
  readonly queue: Queue;
  close(): Promise<void>;
}

/** BullMQ options shared by every record job; one place so producers and the worker's requeue agree. */
export function recordJobOptions(
  job: RecordJob,
  attempts: number,
  priority: JobPriority,
  delayMs: number,
  /** Move the record's delayed job to this add's delay. Only for events "due now": a delayed add (requeueAfter) must never push back a job that is already scheduled. */
  reschedule: boolean,
): JobsOptions {
  return {
    // "_" never occurs in Kubernetes names, and ids stay URL-safe for the dashboard.
    jobId: `${job.namespace}_${job.name}_${randomUUID()}`,
    deduplication: { id: recordId(job.namespace, job.name), keepLastIfActive: true, reschedule },
    ...(bullmqPriority(priority) !== undefined ? { priority: bullmqPriority(priority) } : {}),
    ...(delayMs > 0 ? { delay: delayMs } : {}),
    attempts,
    backoff: { type: backoffType },
    removeOnComplete: queueDefaults.removeOnComplete,
    removeOnFail: queueDefaults.removeOnFail,
  };
}

/** A producer for one of the CRM's queues. Close it (it does not close the connection). */
export function createRecordQueue(options: RecordQueueOptions): RecordQueue {
  const prefix = options.prefix ?? queueDefaults.prefix;
  assertPrefixFits(options.connection, prefix);
  const attempts = options.attempts ?? queueDefaults.attempts;
  const queue = new Queue(options.name, { connection: options.connection, prefix });
  // An EventEmitter "error" without a listener would crash the process; enqueue calls
  // still reject on their own when Redis is unreachable.
  logQueueErrors(queue, options.logger, "queue error", { queue: options.name });
  const redis = options.connection;

  const enqueue = async (data: RecordJob, enqueueOptions: EnqueueOptions = {}): Promise<EnqueueOutcome> => {
    const record = recordId(data.namespace, data.name);
    // A follow-up stored while the record's job runs keeps the highest lane folded into it.
    const stored = await followUpPriority(redis, queue, record);
    const priority = higherPriority(enqueueOptions.priority ?? "live", stored ?? "background");
    const requested = capDelay(enqueueOptions.delayMs ?? 0, queueDefaults.timerMaxMs);
    const ifAbsent = enqueueOptions.ifAbsent ?? false;
    // An empty token bucket means the worker would only delay the job again: schedule it
    // when the next token is due instead of waking a worker for nothing.
    const bucketWait = await redis.pttl(bucketEmptyKey(prefix, options.name, record));
    const delay = Math.max(requested, bucketWait > 0 ? bucketWait : 0);
    const opts = recordJobOptions(data, attempts, priority, delay, requested === 0 && !ifAbsent);
    // The record's queued job takes this event's data before the add. An add that makes a
    // delayed job due hands it to an idle worker within milliseconds; with the data set
    // only after the add, that worker ran the old payload (a requeue's) and the event
    // became a follow-up: a second run with nothing new to see (bench:converge, 200 units,
    // 4 reconcilers: 82 of the 200 records ran once more for nothing).
    const setBefore = ifAbsent ? undefined : await setQueuedData(redis, queue, record, data);
    // A job the add folds the event into and that did not take the data before (created
    // meanwhile) gets it after the add; it can start between the two. Then the add is made
    // once more so the event becomes the follow-up run (or a new job when the run already
    // ended): never a run that misses the event's correlation id. Bounded: the last add is
    // taken as it comes.
    for (let adds = 1; ; adds++) {
      const added = await queue.add(recordJobName, data, opts);
      const jobId = added.id ?? "";
      const outcome: EnqueueOutcome = { jobId, coalesced: jobId !== opts.jobId };
      if (!outcome.coalesced || adds >= maxAddAttempts) return outcome;
      const existing = await queue.getJob(jobId);
      if (!existing) continue; // finished and removed meanwhile: add again
      if (await isFinished(existing)) {
        // The deduplication key points at a job that has already completed or failed, so
        // this event would be folded into a run that will never happen. BullMQ clears the
        // key when a job finishes, and recovers a key whose job is gone, but not a key left
        // pointing at a retained finished job. Drop that key (only if it still names the
        // finished job) and add the event again, so no enqueue is ever swallowed.
        if (await dropStaleDedupKey(redis, queue, record, jobId))
          options.logger?.warn("deduplication key outlived its job; the event is queued again", {
            queue: options.name,
            namespace: data.namespace,
            deployment_id: data.name,
            correlation_id: data.correlationId,
            stale_job_id: jobId,
          });
        continue;
      }
      if (ifAbsent) return outcome;
      if (jobId === setBefore) {
        // Carries the data since before the add; had it started meanwhile, the add stored
        // the follow-up itself (keepLastIfActive).
        await promote(existing, priority);
        return outcome;
      }
      const refreshed = await refresh(redis, queue, existing, data, priority);
      if (refreshed === "updated") return outcome;
      // Found running: the add either stored the follow-up already or came just before the
      // run took the job; one more add stores it (replacing an identical one) and is final.
      // Found finished: the next add makes a new job.
      if (refreshed === "active") adds = maxAddAttempts - 1;
    }
  };

  return {
    name: options.name,
    queue,
    enqueue,
    depth: async () => {
      const counts = await queue.getJobCounts("waiting", "prioritized", "delayed");
      return (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0);
    },
    lastRuns: (records) => readLastRuns(redis, prefix, options.name, records),
    close: () => queue.close(),
  };
}

/** True when the job has completed or failed (it will not run again). */
async function isFinished(job: Job): Promise<boolean> {
  const state = await job.getState();
  return state === "completed" || state === "failed";
}

// Compare-and-delete of the record's deduplication key and its stored follow-up: only
// while the key still names the finished job (a follow-up created meanwhile keeps it).
const dropIfStale = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1], KEYS[2])
  return 1
end
return 0
`);

/**
 * Removes `<queue keys>:de:<record>` (and `dn:<record>`, the follow-up stored with
 * keepLastIfActive: the re-added event carries newer data) when it still points at
 * `jobId`. Key names follow BullMQ 6's deduplication scripts.
 * @returns true when it removed the key.
 */
async function dropStaleDedupKey(
  redis: RedisClient,
  queue: Queue,
  record: string,
  jobId: string,
): Promise<boolean> {
  // queue.keys.de is "<prefix>:<queue>:de"; the follow-up hash is "<prefix>:<queue>:dn:<id>".
  const dedupKey = `${queue.keys.de}:${record}`;
  const nextKey = `${queue.toKey("dn")}:${record}`;
  const dropped = await dropIfStale(redis, [dedupKey, nextKey], [jobId]);
  return Number(dropped) === 1;
}

// Sets a queued job's data unless it is no longer queued: 1 = updated, 2 = running
// (in the active list), 0 = gone or finished. Atomic with BullMQ's own scripts, which is
// the point: checking the state and then calling updateData leaves a gap in which a worker
// can start the job with the old data.
const updateIfQueued = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('HEXISTS', KEYS[1], 'finishedOn') == 1 then return 0 end
if redis.call('LPOS', KEYS[2], ARGV[1]) then return 2 end
if redis.call('HGET', KEYS[1], 'data') ~= ARGV[2] then
  redis.call('HSET', KEYS[1], 'data', ARGV[2])
end
return 1
`);

/**
 * After a coalesced add: latest data wins and live beats background, for a job still
 * queued (waiting, prioritized or delayed).
 * @returns "updated" when the job is queued and now carries `data`; "active" when a worker
 *   runs it; "gone" when it finished or was removed.
 */
async function refresh(
  redis: RedisClient,
  queue: Queue,
  existing: Job,
  data: RecordJob,
  priority: JobPriority,
): Promise<"updated" | "active" | "gone"> {
  const result = await setJobData(redis, queue, existing.id ?? "", data);
  if (result !== "updated") return result;
  await promote(existing, priority);
  return "updated";
}

/** Sets a job's data while it is queued (updateIfQueued): "updated", "active" (running) or "gone". */
async function setJobData(
  redis: RedisClient,
  queue: Queue,
  id: string,
  data: RecordJob,
): Promise<"updated" | "active" | "gone"> {
  const result = Number(
    await updateIfQueued(redis, [queue.toKey(id), queue.toKey("active")], [id, JSON.stringify(data)]),
  );
  return result === 1 ? "updated" : result === 2 ? "active" : "gone";
}

/**
 * Before an add: the job the record's deduplication key names (BullMQ 6 key
 * `<queue keys>:de:<record>`) takes `data` if it is still queued.
 * @returns the job's id when it now carries `data`; undefined when there is no such job
 *   or it runs or has finished (the add then stores a follow-up or makes a new job).
 */
async function setQueuedData(
  redis: RedisClient,
  queue: Queue,
  record: string,
  data: RecordJob,
): Promise<string | undefined> {
  const id = await redis.get(`${queue.keys.de}:${record}`);
  if (id === null || id === "") return undefined;
  return (await setJobData(redis, queue, id, data)) === "updated" ? id : undefined;
}

/**
 * The lane of the follow-up BullMQ stored for the record while its job runs
 * (keepLastIfActive: the hash `<queue keys>:dn:<record>`, field `opts`, as BullMQ 6's
 * storeDeduplicatedNextJob writes it); undefined when none is stored.
 */
async function followUpPriority(
  redis: RedisClient,
  queue: Queue,
  record: string,
): Promise<JobPriority | undefined> {
  const opts = await redis.hget(`${queue.toKey("dn")}:${record}`, "opts");
  if (opts === null) return undefined;
  try {
    const parsed = JSON.parse(opts) as { priority?: unknown };
    return priorityOfBullmq(typeof parsed.priority === "number" ? parsed.priority : undefined);
  } catch {
    return undefined;
  }
}

/** An event of a higher lane moves a queued job up to that lane; a no-op otherwise (never down). */
async function promote(existing: Job, priority: JobPriority): Promise<void> {
  const current = priorityOfJob(existing);
  if (higherPriority(current, priority) === current) return;
  try {
    await existing.changePriority({ priority: bullmqPriorities[priority] });
  } catch (error) {
    // "Missing key" / "not in wait": the job started or finished meanwhile; it runs now anyway.
    if (!(error instanceof Error) || !/missing key|not exist|not in/i.test(error.message)) throw error;
  }
}
