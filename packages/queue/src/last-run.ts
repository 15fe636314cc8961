// When each record's handler last ran, kept in Redis so the watcher's periodic resync can
// leave alone the records a worker looked at recently (a resync run of a record that was
// just reconciled reads every child again and learns nothing). Best effort both ways: a
// missing or expired mark only means the resync enqueues the record, as it did before.
import type { RedisClient } from "./connection.ts";
import { queueDefaults } from "./defaults.ts";
import { lastRunKey, recordId } from "./keys.ts";

/** A record by namespace and name (the coalescing unit). */
export interface RecordName {
  readonly namespace: string;
  readonly name: string;
}

/**
 * Notes that a handler run of the record started at `atMs` (epoch ms, this process'
 * clock). The mark expires after queueDefaults.lastRunTtlMs so marks of deleted records
 * do not pile up. @throws whatever ioredis throws when Redis is unreachable.
 */
export async function markRun(
  redis: RedisClient,
  prefix: string,
  queue: string,
  record: RecordName,
  atMs: number,
): Promise<void> {
  const key = lastRunKey(prefix, queue, recordId(record.namespace, record.name));
  await redis.set(key, String(Math.round(atMs)), "PX", queueDefaults.lastRunTtlMs);
}

/**
 * The start times (epoch ms) of each record's last run, in the order given; undefined
 * where none is known. One MGET per `lastRunBatch` records (a resync reads thousands).
 * @throws whatever ioredis throws when Redis is unreachable.
 */
export async function readLastRuns(
  redis: RedisClient,
  prefix: string,
  queue: string,
  records: readonly RecordName[],
): Promise<(number | undefined)[]> {
  const out: (number | undefined)[] = [];
  for (let start = 0; start < records.length; start += lastRunBatch) {
    const keys = records
      .slice(start, start + lastRunBatch)
      .map((r) => lastRunKey(prefix, queue, recordId(r.namespace, r.name)));
    const values = await redis.mget(keys);
    for (const value of values) {
      const ms = value === null ? Number.NaN : Number(value);
      out.push(Number.isFinite(ms) ? ms : undefined);
    }
  }
  return out;
}

/** Keys per MGET: bounds one command's size and how long it holds Redis' single thread. */
const lastRunBatch = 500;
