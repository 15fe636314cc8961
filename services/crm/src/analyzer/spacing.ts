// At most one analysis of a record per half interval, across every analyzer process. The
// record's BullMQ job scheduler (schedules.ts) runs on fixed slots (every x k + offset):
// an iteration that starts late (a busy or paused analyzer, a stalled job run again, a
// job handed back at shutdown) is followed by the next one on its slot, which can be a
// fraction of an interval later (602 ms apart at a 3 s interval was seen with two
// analyzers). The second analysis would read the same cached answers and change nothing
// but its cost; it is skipped. One Redis SET NX PX per analysis, so the claim holds
// whichever process runs the job and expires by itself.
import type { RedisClient } from "@oaas/queue";
import { recordId } from "@oaas/queue";

/** Key of a record's claim; under the BullMQ prefix like the worker's own keys. */
export function spacingKey(prefix: string, namespace: string, name: string): string {
  return `${prefix}:analyze:crm-spacing:${recordId(namespace, name)}`;
}

/** Claims a record's analysis: true when none started within the last `spacingMs`. */
export type SpacingClaim = (namespace: string, name: string) => Promise<boolean>;

/**
 * Claims over `redis`, each held `spacingMs` (OPRC_CRM_ANALYZER_INTERVAL_SECS x 1000 / 2).
 * @throws when Redis fails (the job then fails and the next slot tries again).
 */
export function spacingClaim(redis: RedisClient, prefix: string, spacingMs: number): SpacingClaim {
  const ttl = Math.max(1, Math.floor(spacingMs));
  return async (namespace, name) =>
    (await redis.set(spacingKey(prefix, namespace, name), String(Date.now()), "PX", ttl, "NX")) === "OK";
}
