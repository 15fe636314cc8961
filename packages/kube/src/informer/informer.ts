// A supervised list+watch informer over our own KubeClient.
//
// Why not @kubernetes/client-node's Watch/ListWatch: 1.x stops on any error other than
// 410 with no reconnect backoff and no client-side watch timeout; 2.0 restarted healthy
// watches every 30 s; its Watch builds its own HTTP stack (a new undici Agent, so a new
// TLS connection and credentials per request) instead of our one pool; and it exposes no
// bookmark/liveness signal. The watch protocol is small (newline-delimited JSON events),
// so the informer streams it over KubeClient.openStream and owns its supervision:
// - list (paged, one consistent snapshot via continue tokens) -> watch from the list's
//   resourceVersion with allowWatchBookmarks -> on a normal end (server timeoutSeconds)
//   re-watch from the last resourceVersion seen (event or bookmark);
// - 410 Gone (HTTP or an ERROR event "too old resource version") -> relist; objects
//   missing after the relist get a synthesized delete;
// - any other error, or a stream that ends early without events -> retry with
//   exponential backoff + jitter, never giving up until stop();
// - a client-side bound (timeoutSeconds + grace) ends a connection that went silent
//   without closing (half-open TCP), so a dead watch is always detected.
import { backoffDelayMs, sleep, type BackoffOptions } from "../backoff.ts";
import type { KubeClient } from "../client.ts";
import { isKubeError, KubeError, kindOfStatusCode } from "../errors.ts";
import type { KubeList, KubeObject, ResourceType } from "../resources.ts";
import { MapStore, objectKey, type ObjectStore } from "./store.ts";
import { errorStatus, watchEvents } from "./watch-events.ts";

/** Event callbacks. Called one at a time, in order; a throwing handler is logged, not fatal. */
export interface InformerHandlers<T> {
  /** A new object. `initial` is true for objects of the first list (before hasSynced()). */
  readonly add?: (obj: T, initial: boolean) => void;
  /** A changed object (resourceVersion differs). */
  readonly update?: (oldObj: T, newObj: T) => void;
  /** A deleted object: from a DELETED event, or missing after a relist (`synthesized`). */
  readonly delete?: (obj: T, synthesized: boolean) => void;
}

/** The subset of a logger the informer needs (winston's Logger fits). */
export interface InformerLogger {
  warn(message: string, meta?: Record<string, unknown>): unknown;
  info(message: string, meta?: Record<string, unknown>): unknown;
  debug(message: string, meta?: Record<string, unknown>): unknown;
}

export interface InformerOptions<T> {
  readonly kube: KubeClient;
  readonly type: ResourceType;
  /** Watch one namespace; undefined = all namespaces (or a cluster-scoped type). */
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly handlers?: InformerHandlers<T>;
  /**
   * Server-side timeoutSeconds of each watch request. Default 300 (client-go uses a
   * random 5-10 min). The client aborts a watch that outlives it by `watchGraceMs`, so a
   * silently dead connection is noticed within timeoutSeconds + grace.
   */
  readonly watchTimeoutSeconds?: number;
  /** Extra time the client grants a watch past timeoutSeconds, ms. Default 15 000. */
  readonly watchGraceMs?: number;
  /** Page size of the list. Default 500. */
  readonly pageSize?: number;
  /**
   * Backoff between failed attempts. Defaults: 500 ms initial, 10 s max: an informer is
   * one of a handful of watches per process, and after an API server outage the cache
   * (and readiness) should come back within seconds, not after a 30 s pause.
   */
  readonly backoff?: BackoffOptions;
  readonly logger?: InformerLogger;
}

const quiet: InformerLogger = { warn: () => undefined, info: () => undefined, debug: () => undefined };

class GoneError extends Error {}

/** Counters since start, for metrics and tests. */
export interface InformerStats {
  /** Full lists (the first one included). */
  lists: number;
  /** Watch requests opened. */
  watches: number;
  /** ADDED/MODIFIED/DELETED events received. */
  events: number;
  bookmarks: number;
  /** Relists caused by 410 Gone / "too old resource version". */
  gone: number;
  /** Failed attempts (each followed by a backoff). */
  errors: number;
}

export class Informer<T extends KubeObject> {
  readonly store: ObjectStore<T>;
  private readonly items = new MapStore<T>();
  private readonly stopper = new AbortController();
  private running: Promise<void> | undefined;
  private synced = false;
  private lastActivity = Date.now();
  private failures = 0;
  /** When the current run of failures began (ms since epoch), for the "recovered" line. */
  private failingSince = 0;
  private readonly counters: InformerStats = {
    lists: 0,
    watches: 0,
    events: 0,
    bookmarks: 0,
    gone: 0,
    errors: 0,
  };
  private readonly log: InformerLogger;
  private readonly what: string;

  constructor(private readonly options: InformerOptions<T>) {
    this.store = this.items;
    this.log = options.logger ?? quiet;
    this.what = `${options.type.plural}${options.type.group ? `.${options.type.group}` : ""}`;
  }

  /** Starts listing and watching in the background. Idempotent. Never rejects: errors are retried. */
  start(): void {
    this.running ??= this.run().catch((error: unknown) => {
      // run() handles every error itself; reaching here is a bug, logged rather than crashing.
      this.log.warn("informer loop ended unexpectedly", { resource: this.what, error: String(error) });
    });
  }

  /** Stops the watch and resolves once the loop has ended. Idempotent. */
  async stop(): Promise<void> {
    this.stopper.abort(new Error("informer stopped"));
    await this.running;
  }

  /** True once the first full list is in the store (stays true across relists, like client-go). */
  hasSynced(): boolean {
    return this.synced;
  }

  /**
   * Milliseconds since the last sign of life: a list, an opened watch, an event or a
   * bookmark. Grows while the API server is unreachable; readiness compares it to a bound.
   */
  lastActivityAgeMs(): number {
    return Date.now() - this.lastActivity;
  }

  /** A copy of the counters since start. */
  stats(): InformerStats {
    return { ...this.counters };
  }

  /** Consecutive failed attempts since the last success (0 when healthy). */
  consecutiveFailures(): number {
    return this.failures;
  }

  /** "deployments.apps", "services", ...: for logs, metrics and readiness reasons. */
  get resource(): string {
    return this.what;
  }

  /** The watched namespace; undefined when watching all namespaces (or a cluster-scoped type). */
  get namespace(): string | undefined {
    return this.options.namespace;
  }

  private isStopped(): boolean {
    return this.stopper.signal.aborted;
  }

  private async run(): Promise<void> {
    let resourceVersion: string | undefined;
    while (!this.isStopped()) {
      try {
        resourceVersion ??= await this.relist();
        const started = Date.now();
        const result = await this.watch(resourceVersion);
        resourceVersion = result.resourceVersion;
        // A watch that ends quickly with nothing in it is a failing server, not a timeout.
        if (!this.isStopped() && result.events === 0 && Date.now() - started < 1000) {
          throw new Error("watch ended at once without events");
        }
        this.succeeded();
      } catch (error) {
        if (this.isStopped()) break;
        if (error instanceof GoneError || isKubeError(error, "gone")) {
          this.log.info("watch resourceVersion expired: relisting", { resource: this.what });
          this.counters.gone++;
          resourceVersion = undefined;
          continue;
        }
        this.failures++;
        this.counters.errors++;
        const delay = backoffDelayMs(this.failures, {
          initialMs: 500,
          maxMs: 10_000,
          ...this.options.backoff,
        });
        // An outage is one warning when it starts and one line when it ends (succeeded()),
        // not a line per retry: the retries go to debug.
        if (this.failures === 1) this.failingSince = Date.now();
        this.log[this.failures === 1 ? "warn" : "debug"]("list/watch failed: retrying", {
          resource: this.what,
          attempt: this.failures,
          retry_in_ms: delay,
          error: error instanceof Error ? error.message : String(error),
        });
        await sleep(delay, this.stopper.signal);
      }
    }
  }

  /** Lists every page, replaces the store, emits the differences; returns the list's resourceVersion. */
  private async relist(): Promise<string> {
    const fresh = new Map<string, T>();
    let token: string | undefined;
    let listVersion = "";
    do {
      const page: KubeList<T> = await this.options.kube.request<KubeList<T>>({
        method: "GET",
        path: collectionPath(this.options.type, this.options.namespace),
        query: {
          labelSelector: this.options.labelSelector,
          limit: this.options.pageSize ?? 500,
          continue: token,
        },
        signal: this.stopper.signal,
      });
      for (const item of page.items) fresh.set(objectKey(item), item);
      token = page.metadata?.continue || undefined;
      listVersion ||= page.metadata?.resourceVersion ?? "";
    } while (token);
    this.counters.lists++;
    this.touch();
    const initial = !this.synced;
    const old = this.items.items;
    for (const [key, obj] of fresh) {
      const before = old.get(key);
      old.set(key, obj);
      if (!before) this.emit("add", () => this.options.handlers?.add?.(obj, initial));
      else if (before.metadata?.resourceVersion !== obj.metadata?.resourceVersion)
        this.emit("update", () => this.options.handlers?.update?.(before, obj));
    }
    for (const [key, obj] of [...old]) {
      if (fresh.has(key)) continue;
      old.delete(key);
      this.emit("delete", () => this.options.handlers?.delete?.(obj, true));
    }
    this.synced = true;
    this.succeeded();
    return listVersion;
  }

  /** One watch request; resolves at its normal end with the last resourceVersion seen. */
  private async watch(fromVersion: string): Promise<{ resourceVersion: string; events: number }> {
    const timeoutSeconds = this.options.watchTimeoutSeconds ?? 300;
    const bound = new AbortController();
    const onStop = () => bound.abort(this.stopper.signal.reason);
    this.stopper.signal.addEventListener("abort", onStop, { once: true });
    const timer = setTimeout(
      () => bound.abort(new Error("client-side watch timeout")),
      timeoutSeconds * 1000 + (this.options.watchGraceMs ?? 15_000),
    );
    let resourceVersion = fromVersion;
    let events = 0;
    try {
      const body = await this.options.kube.openStream({
        path: collectionPath(this.options.type, this.options.namespace),
        query: {
          watch: true,
          allowWatchBookmarks: true,
          resourceVersion: fromVersion,
          timeoutSeconds,
          labelSelector: this.options.labelSelector,
        },
        signal: bound.signal,
      });
      this.counters.watches++;
      this.touch();
      for await (const event of watchEvents(body)) {
        this.touch();
        // The first event (or bookmark) proves the watch works; a watch that opens and ends
        // at once is still failing (run() counts it), so opening alone does not count.
        if (events === 0) this.succeeded();
        events++;
        if (event.type === "ERROR") {
          const status = errorStatus(event);
          if (status.code === 410) throw new GoneError(status.message ?? "resourceVersion too old");
          const code = status.code ?? 500;
          throw new KubeError(
            kindOfStatusCode(code),
            `watch ${this.what}: ${status.message ?? "error event"}`,
            code,
            status,
          );
        }
        const obj = event.object as T;
        resourceVersion = obj.metadata?.resourceVersion ?? resourceVersion;
        if (event.type === "BOOKMARK") {
          this.counters.bookmarks++;
          continue;
        }
        this.counters.events++;
        this.apply(event.type, obj);
      }
      return { resourceVersion, events };
    } catch (error) {
      // Our own client-side timeout is a normal end: re-watch from where we are.
      if (bound.signal.aborted && !this.isStopped()) return { resourceVersion, events: Math.max(events, 1) };
      throw error;
    } finally {
      clearTimeout(timer);
      this.stopper.signal.removeEventListener("abort", onStop);
      if (!bound.signal.aborted) bound.abort(new Error("watch finished"));
    }
  }

  /** A list or watch worked: ends a run of failures with one info line (attempts, seconds). */
  private succeeded(): void {
    if (this.failures > 0)
      this.log.info("list/watch recovered", {
        resource: this.what,
        failed_attempts: this.failures,
        down_seconds: Math.round((Date.now() - this.failingSince) / 100) / 10,
      });
    this.failures = 0;
  }

  private apply(type: "ADDED" | "MODIFIED" | "DELETED", obj: T): void {
    const key = objectKey(obj);
    const before = this.items.items.get(key);
    if (type === "DELETED") {
      this.items.items.delete(key);
      this.emit("delete", () => this.options.handlers?.delete?.(before ?? obj, false));
      return;
    }
    this.items.items.set(key, obj);
    if (before) this.emit("update", () => this.options.handlers?.update?.(before, obj));
    else this.emit("add", () => this.options.handlers?.add?.(obj, false));
  }

  private emit(kind: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.log.warn("informer handler threw", { resource: this.what, handler: kind, error: String(error) });
    }
  }

  private touch(): void {
    this.lastActivity = Date.now();
  }
}

/** The collection path of a type in one namespace, or across all namespaces when none is given. */
export function collectionPath(type: ResourceType, namespace?: string): string {
  const base = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  return type.namespaced && namespace
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${type.plural}`
    : `${base}/${type.plural}`;
}
