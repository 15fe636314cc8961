// What the watcher runs while it leads (one "term"): per watched namespace the record
// informer and one informer per served child kind (a CRM serving several namespaces lists
// and watches each on its own, so its rights can stay namespaced Roles), the periodic
// resync (resync.ts) over every namespace's records, and the enqueuer. A term ends when its
// signal fires (leadership lost or shutdown): informers stop at once, and nothing is
// enqueued after that moment.
import {
  correlationIdAnnotation,
  group,
  traceparentAnnotation,
  plural,
  version,
  type DeploymentRecord,
} from "@oaas/crd";
import {
  backoffDelayMs,
  Informer,
  sleep,
  unionStore,
  type InformerStats,
  type KubeClient,
  type KubeObject,
  type ObjectStore,
} from "@oaas/kube";
import type { JobPriority, JobReason, RecordJob, RecordName } from "@oaas/queue";
import type { Logger } from "@oaas/telemetry";
import { childAddMatters, childChange, recordChangeMatters } from "./changes.ts";
import { isServed } from "./discovery.ts";
import { activityAges, summedStats } from "./informer-stats.ts";
import { Enqueuer, type Enqueue, type EnqueueRetry, type WatcherMetrics } from "./enqueuer.ts";
import type { ChildKind } from "./kinds.ts";
import type { RecordHooks } from "../deployments/record-hooks.ts";
import { owningRecord, type ChildMeta } from "./owner.ts";
import { priorityOf } from "./priority.ts";
import { resyncDue, sweepPeriodMs } from "./resync.ts";
import { ownerLabel } from "@oaas/crd";

export interface TermOptions {
  readonly kube: KubeClient;
  /** Namespaces to watch, each with its own informers; undefined: one set over all namespaces. */
  readonly namespaces: readonly string[] | undefined;
  readonly logger: Logger;
  readonly enqueue: Enqueue;
  readonly childKinds: readonly ChildKind[];
  readonly resyncIntervalMs: number;
  /** WatcherOptions.lastRuns. */
  readonly lastRuns: LastRuns | undefined;
  /** How long a child's health change may wait for its siblings' (WatcherOptions.childSettleMs). */
  readonly childSettleMs: number;
  readonly watchTimeoutSeconds: number;
  readonly staleAfterMs: number;
  readonly enqueueRetry: EnqueueRetry;
  readonly metrics: WatcherMetrics;
  /** Told of records coming and going (the analyzer's schedules); optional. */
  readonly recordHooks?: RecordHooks | undefined;
  /** False when this term may no longer enqueue although its signal has not fired yet (a stale lease). Default: always true. */
  readonly mayEnqueue?: () => boolean;
}

type Child = KubeObject & ChildMeta;

/** What the term asks of any of its informers, whatever it caches. */
type WatchedInformer = Pick<
  Informer<KubeObject>,
  "stop" | "hasSynced" | "lastActivityAgeMs" | "stats" | "resource" | "namespace"
>;

/** When each record's handler last started a run (epoch ms), in the order given; undefined where unknown. */
export type LastRuns = (records: readonly RecordName[]) => Promise<ReadonlyArray<number | undefined>>;

const recordType = { group, version, plural, namespaced: true } as const;

export class Term {
  /** Every watched namespace's records (one informer each). */
  readonly records: ObjectStore<DeploymentRecord>;
  /** Record informers by namespace ("" = all namespaces). */
  private readonly recordInformers = new Map<string, Informer<DeploymentRecord>>();
  /** Child informers by `<namespace>|<group>/<plural>`. */
  private readonly children = new Map<string, Informer<Child>>();
  private readonly enqueuer: Enqueuer;
  private resyncTimer: NodeJS.Timeout | undefined;
  /** uid -> when this term last asked for a run of the record (epoch ms). */
  private readonly asked = new Map<string, number>();
  private sweeping: Promise<void> | undefined;
  private discoveredAt = Date.now();
  private discovered = false;
  private discovering: Promise<void> | undefined;

  constructor(
    private readonly options: TermOptions,
    private readonly signal: AbortSignal,
  ) {
    this.enqueuer = new Enqueuer(
      options.enqueue,
      options.logger,
      signal,
      options.enqueueRetry,
      options.metrics,
      options.mayEnqueue,
    );
    for (const namespace of this.namespaces())
      this.recordInformers.set(namespace ?? "", this.recordInformer(namespace));
    const stores = [...this.recordInformers.values()].map((i) => i.store);
    this.records = unionStore(() => stores);
  }

  /** The namespaces watched, each its own informer set; [undefined] = one set over all. */
  private namespaces(): readonly (string | undefined)[] {
    return this.options.namespaces ?? [undefined];
  }

  private recordInformer(namespace: string | undefined): Informer<DeploymentRecord> {
    return new Informer<DeploymentRecord>({
      ...this.informerBase(namespace),
      type: recordType,
      handlers: {
        add: (obj, initial) => {
          this.submit(
            obj,
            initial ? "startup" : "record-added",
            priorityOf({ source: "record", change: initial ? "listed" : "added" }),
          );
          this.tellHooks(obj);
        },
        update: (oldObj, newObj) => {
          this.tellHooks(newObj);
          if (!recordChangeMatters(oldObj, newObj)) return;
          const deleting = newObj.metadata.deletionTimestamp && !oldObj.metadata.deletionTimestamp;
          this.submit(
            newObj,
            deleting ? "record-deleted" : "record-updated",
            priorityOf({ source: "record", change: deleting ? "deleted" : "updated" }),
          );
        },
        delete: (obj) => {
          this.submit(obj, "record-deleted", priorityOf({ source: "record", change: "deleted" }));
          this.options.recordHooks?.gone(obj);
        },
      },
    });
  }

  /** "deployments.apps", or "deployments.apps in team-a" when several namespaces are watched: for readiness reasons. */
  private describe(informer: WatchedInformer): string {
    const namespace = informer.namespace;
    return namespace === undefined || this.namespaces().length === 1
      ? informer.resource
      : `${informer.resource} in ${namespace}`;
  }

  /** Every informer of the term: records first, then children. */
  private informers(): WatchedInformer[] {
    return [...this.recordInformers.values(), ...this.children.values()];
  }

  /** Starts the informers and the resync sweeps; returns at once (discovery continues in the background). */
  start(): void {
    for (const informer of this.recordInformers.values()) informer.start();
    for (const kind of this.options.childKinds.filter((k) => !k.optional)) this.watchChild(kind);
    this.discover();
    this.resyncTimer = setInterval(() => {
      this.sweeping ??= this.resync()
        .catch((error: unknown) => {
          this.options.logger.error("watcher: resync sweep failed", { error: String(error) });
        })
        .finally(() => (this.sweeping = undefined));
    }, sweepPeriodMs(this.options.resyncIntervalMs));
    this.resyncTimer.unref();
  }

  /** Stops everything; resolves when every informer loop and enqueue retry has ended. */
  async stop(): Promise<void> {
    clearInterval(this.resyncTimer);
    await Promise.all(this.informers().map((i) => i.stop()));
    await this.sweeping;
    await this.discovering;
    await this.enqueuer.drain();
    await this.options.recordHooks?.drain();
  }

  /** Readiness of this term: every informer synced and heard from within staleAfterMs. */
  ready(): { ok: boolean; reason: string } {
    if (!this.discovered) return { ok: false, reason: "discovering which optional child kinds are served" };
    for (const informer of this.informers()) {
      if (!informer.hasSynced())
        return { ok: false, reason: `informer ${this.describe(informer)} has not synced yet` };
      const age = informer.lastActivityAgeMs();
      if (age > this.options.staleAfterMs)
        return {
          ok: false,
          reason: `watch of ${this.describe(informer)} silent for ${Math.round(age / 1000)} s (bound ${Math.round(this.options.staleAfterMs / 1000)} s)`,
        };
    }
    return { ok: true, reason: "leading: informers synced and live" };
  }

  /**
   * ms since the last event/bookmark/list, per watched resource (a gauge per kind): with
   * several namespaces, the most silent namespace's informer of that resource.
   */
  activityAgesMs(): Record<string, number> {
    return activityAges(this.informers());
  }

  /** Informer counters (lists, watches, events, bookmarks, 410 relists, errors) per resource, summed over namespaces. */
  informerStats(): Record<string, InformerStats> {
    return summedStats(this.informers());
  }

  enqueueFailures(): number {
    return this.enqueuer.failedAttempts();
  }

  /**
   * One resync sweep: enqueues (background priority, reason "resync") every cached record
   * that nothing has looked at for its period (resync.ts): no handler run started
   * (`lastRuns`) and no job asked for by this term within it. Without `lastRuns`, or
   * when it fails (Redis down), only this term's own asks count. Once per interval it
   * also re-checks which optional child kinds are served. Never rejects.
   */
  async resync(): Promise<void> {
    if (this.isAborted()) return;
    const interval = this.options.resyncIntervalMs;
    if (Date.now() - this.discoveredAt >= interval) {
      this.discoveredAt = Date.now();
      this.discover();
    }
    const records = this.records
      .list()
      .filter((r) => r.metadata.namespace !== undefined && r.metadata.uid !== undefined);
    let runs: ReadonlyArray<number | undefined> = [];
    if (this.options.lastRuns && records.length > 0) {
      try {
        runs = await this.options.lastRuns(
          records.map((r) => ({ namespace: r.metadata.namespace ?? "", name: r.metadata.name })),
        );
      } catch (error) {
        this.options.logger.warn("watcher: reading last runs failed; the resync goes by its own asks", {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (this.isAborted()) return;
    this.options.recordHooks?.sweep(records);
    const now = Date.now();
    const cached = new Set<string>();
    let due = 0;
    records.forEach((record, i) => {
      const uid = record.metadata.uid ?? "";
      cached.add(uid);
      if (resyncDue(now, latest(runs[i], this.asked.get(uid)), interval, uid)) {
        due++;
        this.submit(record, "resync", priorityOf({ source: "resync" }));
      }
    });
    for (const uid of this.asked.keys()) if (!cached.has(uid)) this.asked.delete(uid);
    if (due > 0) this.options.logger.debug("watcher: resync sweep", { due, records: records.length });
  }

  /** Starts the informers of one child kind, one per watched namespace; idempotent. */
  private watchChild(kind: ChildKind): void {
    for (const namespace of this.namespaces()) this.watchChildIn(kind, namespace);
  }

  private watchChildIn(kind: ChildKind, namespace: string | undefined): void {
    const key = `${namespace ?? ""}|${kind.type.group}/${kind.type.plural}`;
    if (this.children.has(key) || this.isAborted()) return;
    const informer = new Informer<Child>({
      ...this.informerBase(namespace),
      type: kind.type,
      labelSelector: ownerLabel,
      handlers: {
        // Children of the first list need no job: every record gets a "startup" job;
        // nor do the reconciler's own creations (changes.ts).
        add: (obj, initial) => {
          if (!initial && childAddMatters(obj)) this.submitForChild(obj, "child-changed", "added");
        },
        update: (oldObj, newObj) => {
          const change = childChange(oldObj, newObj, kind.health);
          if (change !== "none") this.submitForChild(newObj, "child-changed", change);
        },
        delete: (obj) => this.submitForChild(obj, "child-deleted", "deleted"),
      },
    });
    this.children.set(key, informer);
    informer.start();
    this.options.logger.info("watcher: watching child kind", {
      kind: kind.kind,
      resource: informer.resource,
      namespace: namespace ?? "(all)",
    });
  }

  /** Starts informers for optional kinds that are served; retries with backoff until it got one answer. */
  private discover(): void {
    if (this.discovering) return;
    const optional = this.options.childKinds.filter((k) => k.optional);
    this.discovering = (async () => {
      for (let attempt = 1; !this.isAborted(); attempt++) {
        try {
          for (const kind of optional)
            if (await isServed(this.options.kube, kind.type, this.signal)) this.watchChild(kind);
          this.discovered = true;
          return;
        } catch (error) {
          if (this.isAborted()) return;
          this.options.logger.warn("watcher: discovery of optional child kinds failed", {
            attempt,
            error: error instanceof Error ? error.message : String(error),
          });
          await sleep(backoffDelayMs(attempt), this.signal);
        }
      }
    })().finally(() => (this.discovering = undefined));
  }

  private tellHooks(record: DeploymentRecord): void {
    const hooks = this.options.recordHooks;
    if (!hooks || this.isAborted()) return;
    if (record.metadata.deletionTimestamp) hooks.gone(record);
    else hooks.present(record);
  }

  private isAborted(): boolean {
    return this.signal.aborted;
  }

  private informerBase(namespace: string | undefined) {
    return {
      kube: this.options.kube,
      ...(namespace !== undefined ? { namespace } : {}),
      watchTimeoutSeconds: this.options.watchTimeoutSeconds,
      logger: this.options.logger,
    };
  }

  private submit(record: DeploymentRecord, reason: JobReason, priority: JobPriority): void {
    const { namespace, name, uid } = record.metadata;
    if (!namespace || !uid) return;
    this.asked.set(uid, Date.now());
    const annotations = record.metadata.annotations;
    // Only events of the record itself continue the Deploy's trace: a startup list or a
    // resync is not caused by it (and may come days later).
    const traceparent =
      reason === "record-added" || reason === "record-updated"
        ? annotations?.[traceparentAnnotation]
        : undefined;
    this.enqueuer.submit(
      job(namespace, name, uid, reason, annotations?.[correlationIdAnnotation], traceparent),
      priority,
    );
  }

  /** A health change may wait TermOptions.childSettleMs for the record's other children; its lane is priority.ts's. */
  private submitForChild(
    child: Child,
    reason: JobReason,
    change: "added" | "edited" | "health" | "deleted",
  ): void {
    const ref = owningRecord(child, this.records);
    if (!ref) return;
    const record = this.records.get(ref.namespace, ref.name);
    const correlationId = record?.metadata.annotations?.[correlationIdAnnotation];
    const next = job(ref.namespace, ref.name, ref.uid, reason, correlationId);
    const priority = priorityOf({ source: "child", change });
    if (change === "health") this.enqueuer.submitAfterSettle(next, priority, this.options.childSettleMs);
    else this.enqueuer.submit(next, priority);
  }
}

function job(
  namespace: string,
  name: string,
  uid: string,
  reason: JobReason,
  correlationId?: string,
  traceparent?: string,
): RecordJob {
  return {
    namespace,
    name,
    uid,
    reason,
    ...(correlationId ? { correlationId } : {}),
    ...(traceparent ? { traceparent } : {}),
  };
}

function latest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}
