// Keeps one analyze scheduler per record (schedules.ts) in step with the records the
// leading watcher sees: created when a record is listed or added, removed when it is
// deleted, and on every (throttled) resync sweep the schedulers in Redis are compared with
// the watcher's cache, so a record deleted while no watcher led, or a scheduler lost with
// Redis, is put right. With analysis off every scheduler goes and none is made.
// Redis calls run one at a time, in order, off the informer's thread; a failure is
// logged and put right by the next sweep.
import { recordId, type RecordName } from "@oaas/queue";
import type { DeploymentRecord } from "@oaas/crd";
import { correlationIdAnnotation } from "@oaas/crd";
import type { Logger } from "@oaas/telemetry";
import type { RecordHooks } from "../deployments/record-hooks.ts";
import type { AnalyzeSchedules } from "./schedules.ts";

export interface ScheduleSyncOptions {
  /** False: no record is scheduled and sweeps remove every scheduler (analysis off). */
  readonly enabled: boolean;
  /** Sweeps closer together than this are skipped, ms (each lists every scheduler). Default 60 000. */
  readonly minSweepMs?: number;
  /** Default Date.now. */
  readonly now?: () => number;
}

/** The watcher's RecordHooks that keep the analyzer's schedules. */
export function scheduleSync(
  schedules: AnalyzeSchedules,
  logger: Logger,
  options: ScheduleSyncOptions,
): RecordHooks {
  const now = options.now ?? Date.now;
  const minSweepMs = options.minSweepMs ?? 60_000;
  /** record id -> uid this term has upserted. */
  const scheduled = new Map<string, string>();
  let lastSweep: number | undefined;
  let chain: Promise<void> = Promise.resolve();
  const run = (what: string, record: RecordName | undefined, op: () => Promise<void>) => {
    chain = chain.then(op).catch((error: unknown) => {
      if (record) scheduled.delete(recordId(record.namespace, record.name));
      logger.warn(`analyzer schedules: ${what} failed; the next sweep tries again`, {
        ...(record ? { deployment_id: record.name, namespace: record.namespace } : {}),
        error: error instanceof Error ? error.message : String(error),
      });
    });
  };
  const upsert = (record: DeploymentRecord) => {
    const { namespace, name, uid } = record.metadata;
    if (namespace === undefined || uid === undefined) return;
    const id = recordId(namespace, name);
    if (scheduled.get(id) === uid) return;
    scheduled.set(id, uid);
    const correlationId = record.metadata.annotations?.[correlationIdAnnotation];
    run("creating a schedule", { namespace, name }, () =>
      schedules.upsert({ namespace, name, uid, ...(correlationId ? { correlationId } : {}) }),
    );
  };
  const remove = (record: RecordName) => {
    scheduled.delete(recordId(record.namespace, record.name));
    run("removing a schedule", record, async () => {
      if (await schedules.remove(record))
        logger.info("analyzer schedule removed", { deployment_id: record.name, namespace: record.namespace });
    });
  };

  const gone = (record: DeploymentRecord) => {
    const { namespace, name } = record.metadata;
    if (namespace !== undefined) remove({ namespace, name });
  };

  return {
    present: (record) => {
      if (record.metadata.deletionTimestamp) gone(record);
      else if (options.enabled) upsert(record);
    },
    gone,
    sweep: (records) => {
      const at = now();
      if (lastSweep !== undefined && at - lastSweep < minSweepMs) return;
      lastSweep = at;
      const wanted = new Map<string, DeploymentRecord>();
      if (options.enabled)
        for (const r of records)
          if (r.metadata.namespace !== undefined && !r.metadata.deletionTimestamp)
            wanted.set(recordId(r.metadata.namespace, r.metadata.name), r);
      run("sweeping schedules", undefined, async () => {
        const existing = await schedules.list();
        const have = new Set(existing.map((r) => recordId(r.namespace, r.name)));
        for (const record of existing)
          if (!wanted.has(recordId(record.namespace, record.name))) remove(record);
        for (const [id, record] of wanted) {
          // Lost from Redis (or a failed upsert): schedule it again.
          if (!have.has(id)) scheduled.delete(id);
          upsert(record);
        }
      });
    },
    drain: async () => {
      // A sweep queues more work while it runs: wait until nothing new was queued.
      for (let seen: Promise<void> | undefined; seen !== chain;) {
        seen = chain;
        await seen;
      }
    },
  };
}
