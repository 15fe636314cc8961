// The enforce job handler (gather, decide, act): read the record, its workloads and the
// stored state; settle what an earlier run wrote but did not announce; add this analysis
// to the state; run the chain over every recommendation; write the changes that passed
// and announce each; write held decisions that are news to the history; store the state.
// A run with nothing to change writes nothing to the API server. Held decisions that only
// wait for time come back by themselves (requeueAfter to the earliest next-eligible time).
import { correlationIdAnnotation, type DeploymentRecord } from "@oaas/crd";
import type { EventRecorder, KubeClient } from "@oaas/kube";
import {
  componentsOf,
  enforcementOf,
  observe,
  recordApplied,
  type Decision,
  type EnforcementSettings,
  type EnforcerState,
} from "@oaas/nfr";
import {
  done,
  requeueAfter,
  type HistorySink,
  type JobHandler,
  type ReconcileResult,
  type RecordJob,
} from "@oaas/queue";
import { jobLogFields, recordLogFields } from "../workers/job-log.ts";
import { withContext, type Logger } from "@oaas/telemetry";
import { jobResultFor as resultFor } from "../workers/job-result.ts";
import { getRecord } from "../deployments/record-resource.ts";
import { announce, writeChanges } from "./act.ts";
import type { Change } from "./apply-body.ts";
import { decideAll, staleAnalysis } from "./decisions.ts";
import { failedEntry, heldEntry, type EntryBody } from "./history-entries.ts";
import { byObject, changesOf, heldIsNews, rememberDecisions } from "./plan.ts";
import type { EnforcerStore, StoredEnforcer } from "./state-store.ts";
import { stateKey } from "@oaas/nfr";
import { gatherComponents, type LiveComponent } from "./workloads.ts";

export interface EnforcerDeps {
  readonly kube: KubeClient;
  readonly store: EnforcerStore;
  readonly history: HistorySink;
  /** events.k8s.io/v1 recorder regarding the record (controller oaas.io/crm-enforcer). */
  readonly events: EventRecorder;
  readonly settings: EnforcementSettings;
  readonly logger: Logger;
  /** Default: the system clock. */
  readonly clock?: { now(): Date };
  /** Hook for metrics: one call per change applied. */
  readonly onApplied?: (change: Change) => void;
}

/** A job of the enforce queue; the analyzer may say when its analysis ran (RFC 3339). */
export type EnforceJob = RecordJob & { readonly analyzedAt?: string };

/** Shortest requeue, so a burst of holds near their time does not spin. */
const minRequeueMs = 1_000;

export function createEnforceHandler(deps: EnforcerDeps): JobHandler {
  const clock = deps.clock ?? { now: () => new Date() };
  return async (job, context): Promise<ReconcileResult> => {
    let log = withContext(deps.logger, jobLogFields(job, context));
    try {
      const record = await getRecord(deps.kube, job.namespace, job.name, context.signal);
      if (record === undefined || (job.uid !== "" && record.metadata.uid !== job.uid)) return done;
      if (record.metadata.deletionTimestamp !== undefined) return done;
      log = withContext(deps.logger, recordLogFields(job, context, record));
      return await enforce(deps, record, job, context.workerId, context.signal, clock, log);
    } catch (error) {
      const result = resultFor(error);
      log.warn(result.kind === "retry" ? "enforce failed; will retry" : "enforce failed; not retried", {
        error: String(error),
      });
      return result;
    }
  };
}

async function enforce(
  deps: EnforcerDeps,
  record: DeploymentRecord,
  job: EnforceJob,
  workerId: string,
  signal: AbortSignal,
  clock: { now(): Date },
  log: Logger,
): Promise<ReconcileResult> {
  // Observe (the default) or off: nothing to decide, and no API call spent on it.
  if (enforcementOf(record).mode !== "enforce") return done;
  const { namespace = "", name, uid = "" } = record.metadata;
  const startedAt = clock.now();
  const journal = (entry: EntryBody) => appendHistory(deps, record, workerId, startedAt, clock, entry, log);
  let stored = await deps.store.read(namespace, name, uid);
  const live = await gatherComponents(deps.kube, componentsOf(record), signal);
  if (stored.pending) stored = await settlePending(deps, record, stored, live, journal, signal, log);

  const stale = staleAnalysis(record);
  const nowMs = clock.now().getTime();
  const analyzedAt = job.analyzedAt === undefined ? Number.NaN : Date.parse(job.analyzedAt);
  stored.state = observe(
    stored.state,
    stale === undefined ? (record.status?.nfr_recommendations ?? []) : [],
    Number.isFinite(analyzedAt) ? Math.min(analyzedAt, nowMs) : nowMs,
    2 * deps.settings.stabilityMs,
  );
  const decisions = decideAll({ record, live, state: stored.state, settings: deps.settings, nowMs }, stale);
  const changes = changesOf(decisions, live);
  const previous = stored.decisions;
  stored.decisions = rememberDecisions(previous, decisions);

  if (changes.length > 0) {
    // Remembered before the first write: a run that dies after it still announces it.
    stored.pending = { atMs: nowMs, changes };
    stored.state = appliedState(stored.state, changes, nowMs);
    await deps.store.write(namespace, name, stored);
    for (const group of byObject(changes)) {
      try {
        await writeChanges(deps.kube, group, signal);
      } catch (error) {
        for (const change of group) await journal(failedEntry(change, String(error)));
        throw error;
      }
    }
    log.info("recommendations applied", { changes: changes.map(describe) });
    await announce(
      { kube: deps.kube, events: deps.events, history: journal },
      record,
      changes,
      decisions,
      new Date(nowMs),
      signal,
    );
    for (const change of changes) deps.onApplied?.(change);
    delete stored.pending;
  }
  for (const decision of decisions) {
    if (heldIsNews(decision, previous[stateKey(decision.component, decision.dimension)]))
      await journal(heldEntry(decision));
  }
  await deps.store.write(namespace, name, stored);
  return nextLook(decisions, nowMs);
}

/**
 * An earlier run stored `pending` and may have died between its writes and their
 * announcement: each change the cluster now shows is announced, the others did not
 * happen and are taken back out of the state's last applied change.
 */
async function settlePending(
  deps: EnforcerDeps,
  record: DeploymentRecord,
  stored: StoredEnforcer,
  live: readonly LiveComponent[],
  journal: (entry: EntryBody) => Promise<void>,
  signal: AbortSignal,
  log: Logger,
): Promise<StoredEnforcer> {
  const pending = stored.pending;
  if (pending === undefined) return stored;
  const made = pending.changes.filter(
    (c) => live.find((l) => l.component.name === c.component)?.current[c.dimension] === c.to,
  );
  const decisions = Object.values(stored.decisions);
  await announce(
    { kube: deps.kube, events: deps.events, history: journal },
    record,
    made,
    decisions,
    new Date(pending.atMs),
    signal,
  );
  if (made.length < pending.changes.length)
    log.info("changes of an interrupted run were not made", {
      changes: pending.changes.filter((c) => !made.includes(c)).map(describe),
    });
  // The state already counts every pending change as applied; a change not made must not
  // start a cooldown, so rebuild from the changes that were made.
  const next: StoredEnforcer = { ...stored };
  delete next.pending;
  if (made.length < pending.changes.length) {
    const dimensions = { ...stored.state.dimensions };
    for (const c of pending.changes.filter((p) => !made.includes(p))) {
      const key = stateKey(c.component, c.dimension);
      const dim = dimensions[key];
      if (dim?.lastApplied?.atMs === pending.atMs) {
        const rest = { ...dim };
        delete rest.lastApplied;
        dimensions[key] = rest;
      }
    }
    next.state = { ...stored.state, dimensions };
  }
  await deps.store.write(record.metadata.namespace ?? "", record.metadata.name, next);
  return next;
}

function appliedState(state: EnforcerState, changes: readonly Change[], nowMs: number): EnforcerState {
  let next = state;
  for (const c of changes)
    next = recordApplied(next, c.component, c.dimension, { from: c.from ?? 0, to: c.to }, nowMs);
  return next;
}

/** Look again when the first time-bound hold could pass; else wait for the next analysis. */
function nextLook(decisions: readonly Decision[], nowMs: number): ReconcileResult {
  const times = decisions
    .filter((d) => d.verdict === "hold" && d.nextEligibleAtMs !== undefined)
    .map((d) => d.nextEligibleAtMs ?? 0);
  if (times.length === 0) return done;
  const wait = Math.max(minRequeueMs, Math.min(...times) - nowMs);
  return requeueAfter(wait, "a held recommendation becomes eligible");
}

function describe(change: Change): string {
  return `${change.component}/${change.dimension} ${change.from ?? "unset"} -> ${change.to}`;
}

async function appendHistory(
  deps: EnforcerDeps,
  record: DeploymentRecord,
  workerId: string,
  startedAt: Date,
  clock: { now(): Date },
  entry: EntryBody,
  log: Logger,
): Promise<void> {
  const { name, namespace = "", generation } = record.metadata;
  const correlationId = record.metadata.annotations?.[correlationIdAnnotation];
  try {
    await deps.history.append(namespace, name, {
      ...entry,
      time: clock.now().toISOString(),
      startedAt: startedAt.toISOString(),
      ...(generation === undefined ? {} : { generation }),
      ...(correlationId === undefined ? {} : { correlationId }),
      workerId,
    });
  } catch (error) {
    // The audit trail, not the desired state: a lost entry must not undo the change.
    log.error("history append failed", { error: String(error), reason: entry.reason });
  }
}
