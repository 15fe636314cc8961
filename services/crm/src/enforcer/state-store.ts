// The enforcer's durable memory of one record, in Redis beside the record's queue keys:
// the @oaas/nfr EnforcerState (stability window history, when each target was first
// seen, the last applied change), the changes of a run that were written but may not be
// announced yet, and the last decision per component and dimension (for explain and to
// write a held decision to history once, not on every analysis). Never in process
// memory: any enforcer process picks a record up where another left it. Runs of one
// record never overlap (the queue's per-record lease), so a plain GET/SET is enough.
import { decodeState, emptyState, type Decision, type EnforcerState } from "@oaas/nfr";
import { recordId, type RedisClient } from "@oaas/queue";
import type { Change } from "./apply-body.ts";

/** One record's stored memory (JSON). */
export interface StoredEnforcer {
  /** The record incarnation this belongs to: another uid (deleted and re-created) starts afresh. */
  uid: string;
  state: EnforcerState;
  /**
   * Changes a run is writing or wrote (ms since epoch `atMs`): set before the first write,
   * cleared once their status, Event and history are written. A run that finds it
   * announces those the cluster shows (the earlier run ended between write and Event).
   */
  pending?: { atMs: number; changes: Change[] };
  /** The last decision per `${component}/${dimension}`. */
  decisions: Record<string, Decision>;
}

/** Keys expire this long after the last run (a deleted record's memory goes by itself). */
export const stateTtlMs = 7 * 24 * 3600 * 1000;

export function enforcerStateKey(prefix: string, namespace: string, name: string): string {
  return `${prefix}:enforce:crm-state:${recordId(namespace, name)}`;
}

export interface EnforcerStore {
  /** The record's memory; a fresh one when none is stored, it is unreadable, or it belongs to another uid. */
  read(namespace: string, name: string, uid: string): Promise<StoredEnforcer>;
  write(namespace: string, name: string, stored: StoredEnforcer): Promise<void>;
  remove(namespace: string, name: string): Promise<void>;
}

export function createEnforcerStore(redis: RedisClient, prefix: string): EnforcerStore {
  return {
    async read(namespace, name, uid) {
      const raw = await redis.get(enforcerStateKey(prefix, namespace, name));
      return decodeStored(raw, uid);
    },
    async write(namespace, name, stored) {
      await redis.set(enforcerStateKey(prefix, namespace, name), JSON.stringify(stored), "PX", stateTtlMs);
    },
    async remove(namespace, name) {
      await redis.del(enforcerStateKey(prefix, namespace, name));
    },
  };
}

/** Pure: the stored JSON read back (anything malformed or of another uid -> fresh memory). */
export function decodeStored(raw: string | null, uid: string): StoredEnforcer {
  const fresh: StoredEnforcer = { uid, state: emptyState(), decisions: {} };
  if (raw === null) return fresh;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return fresh;
  }
  if (typeof parsed !== "object" || parsed === null) return fresh;
  const value = parsed as Partial<StoredEnforcer>;
  if (value.uid !== uid) return fresh;
  return {
    uid,
    state: decodeState(value.state),
    ...(value.pending && Array.isArray(value.pending.changes) ? { pending: value.pending } : {}),
    decisions: isRecord(value.decisions) ? value.decisions : {},
  };
}

function isRecord(value: unknown): value is Record<string, Decision> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
