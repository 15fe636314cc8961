import { randomUUID } from "node:crypto";
import type { RedisClient } from "./connection.ts";
import { leaseKey } from "./keys.ts";
import { luaScript } from "./script.ts";

// Compare-and-act on the lease token, so a worker never extends or frees a lease that
// expired and was taken by another worker meanwhile.
const renewIfOwner = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);
const releaseIfOwner = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** A held per-record lease. */
export interface RecordLease {
  /** Aborted when a renewal finds the lease gone or taken (the run must stop). */
  readonly lost: AbortSignal;
  /** Stops renewing and frees the lease if still ours. Never throws. */
  release(): Promise<void>;
}

/**
 * Takes the record's lease (SET NX PX with a random token) and renews it every ttlMs/3
 * while held. This is what makes "never two runs of one record at once" hold even when
 * BullMQ alone would allow it: a stalled job re-run while its first worker is merely slow
 * and not dead, or two jobs of one record left by a removed deduplication key.
 * @returns undefined when another run holds the lease.
 */
export async function acquireRecordLease(
  redis: RedisClient,
  prefix: string,
  queue: string,
  record: string,
  ttlMs: number,
  onError: (error: unknown) => void,
): Promise<RecordLease | undefined> {
  const key = leaseKey(prefix, queue, record);
  const token = randomUUID();
  const taken = await redis.set(key, token, "PX", ttlMs, "NX");
  if (taken !== "OK") return undefined;
  const controller = new AbortController();
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      renewing = renewIfOwner(redis, [key], [token, ttlMs]).then(
        (renewed) => {
          if (Number(renewed) !== 1) controller.abort(new Error(`lease of ${record} lost`));
        },
        (error: unknown) => onError(error),
      );
    },
    Math.max(1, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  return {
    lost: controller.signal,
    release: async () => {
      clearInterval(timer);
      await renewing;
      try {
        await releaseIfOwner(redis, [key], [token]);
      } catch (error) {
        // It expires after ttlMs anyway; the next run of the record waits at most that long.
        onError(error);
      }
    },
  };
}
