// The ingress's read path served from an informer cache (../watcher/record-cache.ts)
// instead of one API call per RPC: GetDeploymentStatus, GetClassRuntime and
// ListClassRuntimes read memory while the cache is synced and fresh, and the API server
// otherwise, so a cold start or a dead watch never answers from stale data.
//
// Staleness bound: an answer from the cache reflects the API server as of at most
// `maxStalenessMs` ago (default 120 s = 2 x the cache's 60 s watch timeout; on a live
// watch it is milliseconds). Read-your-writes: a record the cache does not have yet (a
// Deploy that just returned) is looked up on the API server, so a Deploy followed by a
// status call never answers NOT_FOUND. A record the cache shows as being deleted
// (deletionTimestamp set) is read from the API server too: the finalizer may be gone
// already, and the answer NOT_FOUND must not wait for the watch to deliver the deletion.
// Records being deleted are few and short-lived, so this costs little.
import type { DeploymentRecord } from "@oaas/crd";
import type { RecordCache } from "../watcher/record-cache.ts";
import type { RecordReader } from "./store.ts";

export interface CachedReaderOptions {
  /** The cache is used only while it was proven current this recently, ms. Default 120 000. */
  readonly maxStalenessMs?: number;
}

/** A RecordReader that prefers `cache` and falls back to `api` (see the staleness bound above). */
export function cachedRecordReader(
  cache: RecordCache,
  api: RecordReader,
  options: CachedReaderOptions = {},
): RecordReader {
  const maxStalenessMs = options.maxStalenessMs ?? 120_000;
  const usable = () => cache.hasSynced() && cache.stalenessMs() <= maxStalenessMs;
  return {
    async get(namespace, name, signal) {
      if (usable()) {
        const hit = cache.get(namespace, name);
        if (hit !== undefined && hit.metadata.deletionTimestamp === undefined) return hit;
      }
      return api.get(namespace, name, signal);
    },
    async list(namespace, selectors, signal) {
      const match = labelMatcher(selectors.labels);
      if (!usable() || match === undefined) return api.list(namespace, selectors, signal);
      // Field selectors (package, class, env) are re-applied in memory by the caller.
      return cache.list(namespace).filter((record) => match(record));
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
