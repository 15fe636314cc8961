// The ingress's read path served from an informer cache (record-cache.ts)
// instead of one API call per RPC: GetDeploymentStatus, GetClassRuntime and
// ListClassRuntimes read memory while the cache is synced and fresh, and the API server
// otherwise, so a cold start or a dead watch never answers from stale data.
//
// Staleness bound: an answer from the cache reflects the API server as of at most
// `maxStalenessMs` ago (default 120 s = 2 x the cache's 60 s watch timeout; on a live
// watch it is milliseconds).
//
// Read-your-writes, for the writes this ingress makes (Deploy's apply, Delete): each
// write notes the record with the uid, generation and resourceVersion the API server
// answered with; until the cache shows that version or a later generation of the same
// record (or `writeWindowMs` passed), reads of that record, and lists of its namespace,
// go to the API server. The window is as long as the staleness bound (120 s): a watch
// that is alive can still deliver late on a loaded API server (seen: 25 s), and an
// update answered from the old spec reads as "still running the previous version: done". So a Deploy followed by a status call
// never answers NOT_FOUND or the previous spec, and a Delete followed by a status call
// never answers as if nothing happened. A record missing from the cache is also asked of
// the API server. A record the cache shows as being deleted (deletionTimestamp set) is
// read from the API server too: the finalizer may be gone already (removed by the
// reconciler or by hand), and NOT_FOUND must not wait for the watch. Records being
// written or deleted are few at a time, so this costs little.
import type { DeploymentRecord } from "@oaas/crd";
import type { RecordCache } from "./record-cache.ts";
import type { RecordStore } from "./store.ts";

export interface CachedReaderOptions {
  /** The cache is used only while it was proven current this recently, ms. Default 120 000. */
  readonly maxStalenessMs?: number;
  /** After a write, reads of that record bypass the cache at most this long (until the cache shows the write), ms. Default 120 000. */
  readonly writeWindowMs?: number;
  /** Clock in ms (tests). Default Date.now. */
  readonly now?: () => number;
}

/** A write this ingress made and the cache may not show yet. */
interface PendingWrite {
  /** What the API server answered with; undefined after a delete (nothing to wait for). */
  readonly written: { resourceVersion?: string; uid?: string; generation?: number } | undefined;
  readonly until: number;
}

/** True when the cached copy shows the write: that version, or a later generation of the same object. */
function shows(hit: DeploymentRecord | undefined, write: PendingWrite): boolean {
  const written = write.written;
  if (hit === undefined || written === undefined) return false;
  if (written.resourceVersion !== undefined && hit.metadata.resourceVersion === written.resourceVersion)
    return true;
  return (
    written.uid !== undefined &&
    written.generation !== undefined &&
    hit.metadata.uid === written.uid &&
    (hit.metadata.generation ?? 0) >= written.generation
  );
}

/**
 * A RecordStore whose reads prefer `cache` and fall back to `api`, and whose writes go to
 * `api` and are remembered for read-your-writes (see above).
 */
export function cachedRecordStore(
  cache: RecordCache,
  api: RecordStore,
  options: CachedReaderOptions = {},
): RecordStore {
  const maxStalenessMs = options.maxStalenessMs ?? 120_000;
  const writeWindowMs = options.writeWindowMs ?? 120_000;
  const now = options.now ?? Date.now;
  const pending = new Map<string, PendingWrite>();
  const key = (namespace: string, name: string) => `${namespace}/${name}`;
  const usable = () => cache.hasSynced() && cache.stalenessMs() <= maxStalenessMs;
  const note = (namespace: string, name: string, written: PendingWrite["written"]) =>
    pending.set(key(namespace, name), { written, until: now() + writeWindowMs });
  /** The pending write of a record, dropping it once expired. */
  const pendingOf = (k: string): PendingWrite | undefined => {
    const write = pending.get(k);
    if (write !== undefined && write.until <= now()) {
      pending.delete(k);
      return undefined;
    }
    return write;
  };
  /** A write in the namespace the cache does not show yet (those it shows are dropped). */
  const namespaceHasPending = (namespace: string) =>
    [...pending.keys()].some((k) => {
      if (!k.startsWith(`${namespace}/`)) return false;
      const write = pendingOf(k);
      if (write === undefined) return false;
      if (!shows(cache.get(namespace, k.slice(namespace.length + 1)), write)) return true;
      pending.delete(k);
      return false;
    });
  return {
    async get(namespace, name, signal) {
      if (usable()) {
        const hit = cache.get(namespace, name);
        const k = key(namespace, name);
        const write = pendingOf(k);
        const caughtUp = write === undefined || shows(hit, write);
        if (caughtUp) pending.delete(k);
        if (hit !== undefined && caughtUp && hit.metadata.deletionTimestamp === undefined) return hit;
      }
      return api.get(namespace, name, signal);
    },
    async list(namespace, selectors, signal) {
      const match = labelMatcher(selectors.labels);
      if (!usable() || match === undefined || namespaceHasPending(namespace)) {
        return api.list(namespace, selectors, signal);
      }
      // Field selectors (package, class, env) are re-applied in memory by the caller.
      return cache.list(namespace).filter((record) => match(record));
    },
    async apply(record, signal) {
      const applied = await api.apply(record, signal);
      const { namespace = "", name } = applied.record.metadata;
      const { resourceVersion, uid, generation } = applied.record.metadata;
      note(namespace, name, {
        ...(resourceVersion !== undefined ? { resourceVersion } : {}),
        ...(uid !== undefined ? { uid } : {}),
        ...(generation !== undefined ? { generation } : {}),
      });
      return applied;
    },
    async delete(namespace, name, uid, signal) {
      // Noted before the call too: a delete that times out may still have happened.
      note(namespace, name, undefined);
      const deleted = await api.delete(namespace, name, uid, signal);
      note(namespace, name, undefined);
      return deleted;
    },
  };
}

/**
 * A matcher for the equality-based selectors the ingress sends ("key", "key=value",
 * comma-separated); undefined for anything else, which then goes to the API server.
 */
export function labelMatcher(selector: string): ((record: DeploymentRecord) => boolean) | undefined {
  const terms = selector
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  const parsed: { key: string; value?: string }[] = [];
  for (const term of terms) {
    const m = /^([A-Za-z0-9._/-]+)(?:==?([A-Za-z0-9._-]*))?$/.exec(term);
    if (m === null) return undefined;
    parsed.push(m[2] === undefined ? { key: m[1] ?? "" } : { key: m[1] ?? "", value: m[2] });
  }
  return (record) => {
    const labels = record.metadata.labels ?? {};
    return parsed.every((t) => (t.value === undefined ? t.key in labels : labels[t.key] === t.value));
  };
}
