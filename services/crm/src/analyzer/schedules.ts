// One BullMQ job scheduler per DeploymentRecord on the analyze queue: the record is
// analyzed every interval, by whichever analyzer process takes the job. The scheduler id
// is the record's namespace and name, so however often and by whichever watcher it is
// upserted there is exactly one per record; it lives in Redis, so it survives restarts of
// every process. Each record gets a fixed offset inside the interval (a hash of its
// name), so 1000 records created together are analyzed spread over the interval instead
// of in one burst. https://docs.bullmq.io/guide/job-schedulers
import { createHash } from "node:crypto";
import { queueDefaults, queueNames, type RecordJob, type RecordName, type RedisClient } from "@oaas/queue";
import { Queue } from "bullmq";

/** The BullMQ job name of an analysis job. */
export const analyzeJobName = "analyze";

/** Scheduler id of a record: "_" never occurs in Kubernetes names, and ids stay URL-safe for the dashboard. */
export function schedulerId(namespace: string, name: string): string {
  return `${namespace}_${name}`;
}

/** The record a scheduler id names; undefined for an id this module did not make. */
export function recordOfScheduler(id: string): RecordName | undefined {
  const at = id.indexOf("_");
  if (at <= 0 || at === id.length - 1) return undefined;
  return { namespace: id.slice(0, at), name: id.slice(at + 1) };
}

/**
 * The record's fixed offset inside the interval, ms in [0, intervalMs): the first 6 bytes
 * of SHA-256 of "namespace/name", so it is the same in every process and across restarts
 * (an upsert with the same offset keeps the record's schedule) and uniform over records.
 */
export function scheduleOffsetMs(namespace: string, name: string, intervalMs: number): number {
  const digest = createHash("sha256").update(`${namespace}/${name}`).digest();
  return digest.readUIntBE(0, 6) % Math.max(1, Math.floor(intervalMs));
}

export interface AnalyzeSchedulesOptions {
  readonly connection: RedisClient;
  /** BullMQ key prefix; must equal the analyzer workers'. Default "oaas". */
  readonly prefix?: string;
  /** OPRC_CRM_ANALYZER_INTERVAL_SECS x 1000. */
  readonly intervalMs: number;
}

export interface AnalyzeSchedules {
  /**
   * Creates the record's scheduler, or updates it in place: the same interval and offset
   * keep its next run where it was; a new interval starts a new schedule; the job data
   * takes the record's current uid (a re-created record). @throws when Redis fails.
   */
  upsert(record: Pick<RecordJob, "namespace" | "name" | "uid" | "correlationId">): Promise<void>;
  /** Removes the record's scheduler and its pending job; true when there was one. @throws when Redis fails. */
  remove(record: RecordName): Promise<boolean>;
  /** Every record that has a scheduler (ids this module made). @throws when Redis fails. */
  list(): Promise<RecordName[]>;
  /** The BullMQ queue (tests, dashboard). */
  readonly queue: Queue;
  close(): Promise<void>;
}

/** Retained analysis jobs: they come every interval per record, so keep fewer and shorter than reconciles. */
const removeOnComplete = { count: 200, age: 10 * 60 };
const removeOnFail = { count: 1000, age: 24 * 60 * 60 };

export function createAnalyzeSchedules(options: AnalyzeSchedulesOptions): AnalyzeSchedules {
  const queue = new Queue(queueNames.analyze, {
    connection: options.connection,
    prefix: options.prefix ?? queueDefaults.prefix,
  });
  // Without a listener an "error" event would end the process; calls still reject on their own.
  queue.on("error", () => undefined);
  const every = Math.max(1000, Math.round(options.intervalMs));
  return {
    queue,
    upsert: async (record) => {
      const data: RecordJob = {
        namespace: record.namespace,
        name: record.name,
        uid: record.uid,
        reason: "resync",
        ...(record.correlationId ? { correlationId: record.correlationId } : {}),
      };
      await queue.upsertJobScheduler(
        schedulerId(record.namespace, record.name),
        // offset 0 would mean "now" to BullMQ; 1 ms later is the same spread.
        { every, offset: scheduleOffsetMs(record.namespace, record.name, every) || 1 },
        {
          name: analyzeJobName,
          data,
          // One attempt: the next interval is the retry, and a failure stays visible on the dashboard.
          opts: { attempts: 1, removeOnComplete, removeOnFail },
        },
      );
    },
    remove: (record) => queue.removeJobScheduler(schedulerId(record.namespace, record.name)),
    list: async () => {
      const schedulers = await queue.getJobSchedulers(0, -1, true);
      return schedulers.flatMap((s) => {
        const record = recordOfScheduler(s.key);
        return record ? [record] : [];
      });
    },
    close: () => queue.close(),
  };
}
