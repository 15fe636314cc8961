// A read-through-free cache of DeploymentRecords for the ingress (GetDeploymentStatus,
// ListClassRuntimes, GetClassRuntime) and the analyzer, built on the same supervised
// informer as the watcher but WITHOUT leader election: every replica keeps its own copy.
// A CRM serving several namespaces caches each with an informer of its own (namespaced
// list/watch rights suffice); the cache is as fresh as its stalest informer.
//
// Staleness bound: the cache shows the API server's state as of at most stalenessMs()
// ago (plus watch delivery latency, normally milliseconds): a watch delivers events in
// order, and every event, bookmark, list and watch re-open proves the stream was live up
// to that moment. On a healthy idle watch stalenessMs() stays below the watch timeout
// (the watch re-opens every watchTimeoutSeconds, default 60 here) and the server's
// bookmarks (about one a minute). Callers should serve from the cache only when
// hasSynced() and stalenessMs() is under their bound (suggested: 2 x watchTimeoutSeconds),
// and fall back to the API server otherwise.
import { group, plural, version, type DeploymentRecord } from "@oaas/crd";
import { Informer, unionStore, type KubeClient } from "@oaas/kube";
import type { Logger } from "@oaas/telemetry";

export interface RecordCacheOptions {
  readonly kube: KubeClient;
  /** Cache these namespaces, one informer each (the served ones); undefined = all namespaces. */
  readonly namespaces?: readonly string[];
  readonly logger: Logger;
  /** Server-side timeout of each watch request, s. Default 60 (bounds stalenessMs on idle). */
  readonly watchTimeoutSeconds?: number;
}

export interface RecordCache {
  get(namespace: string, name: string): DeploymentRecord | undefined;
  list(namespace?: string): DeploymentRecord[];
  /** True once the first full list of every namespace arrived (stays true; check stalenessMs for liveness). */
  hasSynced(): boolean;
  /** ms since the cache was last proven current (see the staleness bound above); the stalest namespace's. */
  stalenessMs(): number;
  stop(): Promise<void>;
}

export function startRecordCache(options: RecordCacheOptions): RecordCache {
  const informers = (options.namespaces ?? [undefined]).map(
    (namespace) =>
      new Informer<DeploymentRecord>({
        kube: options.kube,
        type: { group, version, plural, namespaced: true },
        ...(namespace !== undefined ? { namespace } : {}),
        watchTimeoutSeconds: options.watchTimeoutSeconds ?? 60,
        logger: options.logger,
      }),
  );
  for (const informer of informers) informer.start();
  const stores = informers.map((informer) => informer.store);
  const store = unionStore(() => stores);
  return {
    get: (namespace, name) => store.get(namespace, name),
    list: (namespace) => store.list(namespace),
    hasSynced: () => informers.every((informer) => informer.hasSynced()),
    stalenessMs: () => Math.max(0, ...informers.map((informer) => informer.lastActivityAgeMs())),
    stop: async () => {
      await Promise.all(informers.map((informer) => informer.stop()));
    },
  };
}
