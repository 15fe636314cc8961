// The watcher role: under a Lease (one active replica), informers on DeploymentRecords
// and every owned child kind turn changes into jobs on the reconcile queue, and a
// periodic resync re-enqueues every record so the system stays level-driven (losing
// Redis loses no desired state). Dependencies are injected: the queue producer, the
// Kubernetes client, the logger; main.ts wires them.
import type { DeploymentRecord } from "@oaas/crd";
import { LeaderElector, type InformerStats, type KubeClient, type ObjectStore } from "@oaas/kube";
import type { Logger } from "@oaas/telemetry";
import type { Enqueue, EnqueueRetry, WatcherMetrics } from "./enqueuer.ts";
import { ownedChildKinds, type ChildKind } from "./kinds.ts";
import type { RecordHooks } from "../deployments/record-hooks.ts";
import { Term, type LastRuns } from "./term.ts";

export interface LeaderElectionOptions {
  /** Namespace of the Lease (the CRM's own). Default: the first watched namespace, else "default". */
  readonly namespace?: string;
  /** Lease name. Default "oaas-crm-watcher". */
  readonly leaseName?: string;
  /** Default 15 000 ms (client-go). See LeaderElectorOptions. */
  readonly leaseDurationMs?: number;
  /** Default 10 000 ms (client-go). */
  readonly renewDeadlineMs?: number;
  /** Default 2 000 ms (client-go). */
  readonly retryPeriodMs?: number;
}

export interface WatcherOptions {
  readonly kube: KubeClient;
  /**
   * Watch records and children in these namespaces only, one informer set each (namespaced
   * list/watch rights suffice); undefined = one set over all namespaces (cluster-wide rights).
   */
  readonly namespaces?: readonly string[];
  readonly logger: Logger;
  /** The queue producer (packages/queue). */
  readonly enqueue: Enqueue;
  /** Unique per process (pod name, or hostname_pid): the Lease holder identity. */
  readonly identity: string;
  /** Lease options, or false to run the informers unconditionally (single replica, tests). */
  readonly leaderElection: LeaderElectionOptions | false;
  /**
   * A record nothing has looked at for this long, ms (no handler run started, no job
   * asked for), is re-enqueued (priority background, reason "resync"); sweeps look for
   * such records every tenth of it (resync.ts). Default 300 000 (5 min): about the longest
   * a lost job or a filtered event can leave a record unreconciled.
   */
  readonly resyncIntervalMs?: number;
  /**
   * When each record's handler last started a run (RecordQueue.lastRuns), so the resync
   * skips records reconciled within the interval. Without it every record is resynced
   * once per interval after this term last asked for it.
   */
  readonly lastRuns?: LastRuns;
  /**
   * A child's health change is enqueued this long after it was seen, ms, with every other
   * such event of the record in that time folded into the same job; a record change, a
   * child edit or a deletion is enqueued at once. Default 0 (at once): fewer reconciles
   * (fewer API reads) for a later status; see the README's architecture notes.
   */
  readonly childSettleMs?: number;
  /** Kinds to watch besides records. Default ownedChildKinds (optional kinds only when served). */
  readonly childKinds?: readonly ChildKind[];
  /** Server-side timeout of each watch request, s. Default 300. */
  readonly watchTimeoutSeconds?: number;
  /**
   * ready() is false when an informer has shown no sign of life (event, bookmark, list,
   * watch re-opened) for this long, ms. Default 2 x watchTimeoutSeconds: a healthy watch
   * re-opens at least once per watch timeout, so twice that means it is dead.
   */
  readonly staleAfterMs?: number;
  /** Retries of a failed enqueue. Defaults: 5 attempts, 1 s..30 s backoff. */
  readonly enqueueRetry?: EnqueueRetry;
  readonly metrics?: WatcherMetrics;
  /** Told of records coming and going while this process leads (the analyzer's schedules). */
  readonly recordHooks?: RecordHooks;
}

export interface Watcher {
  /** For /readyz: a standby is ready; a leader when every informer is synced and live. */
  ready(): { ok: boolean; reason: string };
  /** Stops informers, releases the Lease (a standby takes over at once), awaits everything. */
  stop(): Promise<void>;
  /** For `leader_election_master_status`. */
  isLeader(): boolean;
  /** The leader's record cache (empty on a standby). */
  readonly records: ObjectStore<DeploymentRecord>;
  /** ms since each informer's last sign of life, by resource ("deployments.apps", ...); empty on a standby. */
  activityAgesMs(): Record<string, number>;
  /** Informer counters by resource (lists, watches, events, bookmarks, gone = 410 relists, errors); empty on a standby. */
  informerStats(): Record<string, InformerStats>;
  /** Failed enqueue attempts during the current term. */
  enqueueFailures(): number;
}

export const defaultResyncIntervalMs = 300_000;
export const defaultChildSettleMs = 0;
export const defaultWatchTimeoutSeconds = 300;
export const defaultLeaseName = "oaas-crm-watcher";

const emptyStore: ObjectStore<DeploymentRecord> = { get: () => undefined, list: () => [], size: 0 };

/** Starts the watcher role; returns at once (campaigning and listing continue in the background). */
export function startWatcher(options: WatcherOptions): Watcher {
  const watchTimeoutSeconds = options.watchTimeoutSeconds ?? defaultWatchTimeoutSeconds;
  const logger = options.logger;
  let term: Term | undefined;
  const stopping = new Set<Promise<void>>();
  let stopped = false;

  const begin = (signal: AbortSignal) => {
    const current = new Term(
      {
        kube: options.kube,
        namespaces: options.namespaces,
        logger,
        enqueue: options.enqueue,
        childKinds: options.childKinds ?? ownedChildKinds,
        resyncIntervalMs: options.resyncIntervalMs ?? defaultResyncIntervalMs,
        lastRuns: options.lastRuns,
        childSettleMs: options.childSettleMs ?? defaultChildSettleMs,
        watchTimeoutSeconds,
        staleAfterMs: options.staleAfterMs ?? 2 * watchTimeoutSeconds * 1000,
        enqueueRetry: options.enqueueRetry ?? {},
        metrics: options.metrics ?? {},
        recordHooks: options.recordHooks,
        // A leader paused past its lease (SIGSTOP, a frozen VM) wakes before its elector
        // notices: its buffered watch events must not become jobs (a zombie leader).
        mayEnqueue: () => elector?.holdsFreshLease() ?? true,
      },
      signal,
    );
    term = current;
    current.start();
    options.metrics?.leaderStatus?.(true);
  };
  const end = () => {
    const current = term;
    term = undefined;
    options.metrics?.leaderStatus?.(false);
    if (!current) return;
    const done = current.stop().catch((error: unknown) => {
      logger.warn("watcher: stopping informers failed", { error: String(error) });
    });
    stopping.add(done);
    void done.finally(() => stopping.delete(done));
  };

  let elector: LeaderElector | undefined;
  let unconditional: AbortController | undefined;
  if (options.leaderElection === false) {
    unconditional = new AbortController();
    begin(unconditional.signal);
  } else {
    const le = options.leaderElection;
    elector = new LeaderElector({
      kube: options.kube,
      namespace: le.namespace ?? options.namespaces?.[0] ?? "default",
      name: le.leaseName ?? defaultLeaseName,
      identity: options.identity,
      ...(le.leaseDurationMs !== undefined ? { leaseDurationMs: le.leaseDurationMs } : {}),
      ...(le.renewDeadlineMs !== undefined ? { renewDeadlineMs: le.renewDeadlineMs } : {}),
      ...(le.retryPeriodMs !== undefined ? { retryPeriodMs: le.retryPeriodMs } : {}),
      onStartedLeading: begin,
      onStoppedLeading: end,
      onNewLeader: (holder) => logger.info("watcher: leader is now", { leader: holder ?? "(none)" }),
      logger,
    });
    options.metrics?.leaderStatus?.(false);
    elector.start();
  }

  return {
    ready: () => {
      if (stopped) return { ok: false, reason: "watcher stopped" };
      if (!term) return { ok: true, reason: `standby (leader: ${elector?.currentHolder() ?? "none"})` };
      return term.ready();
    },
    stop: async () => {
      stopped = true;
      if (elector) await elector.release();
      else {
        unconditional?.abort(new Error("watcher stopped"));
        end();
      }
      await Promise.all([...stopping]);
    },
    isLeader: () => term !== undefined,
    records: {
      get: (namespace, name) => (term?.records ?? emptyStore).get(namespace, name),
      list: (namespace) => (term?.records ?? emptyStore).list(namespace),
      get size() {
        return (term?.records ?? emptyStore).size;
      },
    },
    activityAgesMs: () => term?.activityAgesMs() ?? {},
    informerStats: () => term?.informerStats() ?? {},
    enqueueFailures: () => term?.enqueueFailures() ?? 0,
  };
}
