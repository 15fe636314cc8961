// The reconcile job handler: all the plumbing in one wrapper (STYLE §5). Load the
// record (skip when gone or re-created), finalizer, then the per-record logic
// (finalize.ts when deleting, reconcile.ts otherwise), status only when it changed,
// history and Events on transitions only, one typed result, logs with deployment_id and
// correlation_id on every line.
import { correlationIdAnnotation, finalizer, reconcilerFieldManager, type DeploymentRecord } from "@oaas/crd";
import type { EventRecorder, KubeClient } from "@oaas/kube";
import {
  done,
  requeueAfter,
  terminal,
  type HistorySink,
  type JobContext,
  type JobHandler,
  type ReconcileResult,
  type RecordJob,
} from "@oaas/queue";
import { withContext, type Logger } from "@oaas/telemetry";
import type { RenderContext } from "@oaas/templates";
import { servedKinds } from "./children.ts";
import { failureOf, resultFor, type ReconcileFailure } from "./errors.ts";
import { eventType } from "./event-type.ts";
import { finalizeRecord } from "./finalize.ts";
import { addFinalizer, applyStatus, getRecord } from "./record-api.ts";
import { reconcileRecord, type ReconcileOutcome } from "./reconcile.ts";
import { progressRecheckMs } from "./recheck.ts";
import { nextStatus, sameStatus, type Observation } from "./status.ts";
import { transitions, type Journal } from "./transitions.ts";

/** Hooks the integrator wires to metrics (controller_runtime_reconcile_* names, STYLE §15). */
export interface ReconcileMetricsHooks {
  /** Once per handled job: its result kind, how long it took in seconds, and why the job was queued. */
  reconciled(result: ReconcileResult["kind"], seconds: number, reason: RecordJob["reason"]): void;
}

export interface ReconcilerDeps {
  readonly kube: KubeClient;
  /** The RenderContext, or a source of it (e.g. discoveredRenderContext: capabilities by API discovery). */
  readonly renderContext: RenderContext | (() => RenderContext | Promise<RenderContext>);
  readonly history: HistorySink;
  /** events.k8s.io/v1 recorder (packages/kube createEventRecorder), regarding the record. */
  readonly events: EventRecorder;
  readonly logger: Logger;
  readonly metrics?: ReconcileMetricsHooks;
  /** Default: the system clock. Conditions' lastTransitionTime and history times come from it. */
  readonly clock?: { now(): Date };
  /** Default reconcilerFieldManager ("oaas-crm-reconciler"). */
  readonly fieldManager?: string;
  /** Shortest wait in ms before looking again while a rollout is in progress (a safety net beside child events; it grows with the rollout's age, recheck.ts). Default 300 000. */
  readonly progressRequeueMs?: number;
  /** Look again after this many ms while a deleted record's children are going. Default 1 000. */
  readonly deletionRequeueMs?: number;
}

export function createReconcileHandler(deps: ReconcilerDeps): JobHandler {
  const clock = deps.clock ?? { now: () => new Date() };
  const fieldManager = deps.fieldManager ?? reconcilerFieldManager;
  const context = async (): Promise<RenderContext> =>
    typeof deps.renderContext === "function" ? await deps.renderContext() : deps.renderContext;

  return async (job: RecordJob, jobContext: JobContext): Promise<ReconcileResult> => {
    const startedAt = clock.now();
    let log = withContext(deps.logger, {
      // Until the record is read, its name stands for the deployment id; "" = no correlation id known.
      deploymentId: job.name,
      correlationId: job.correlationId ?? "",
      namespace: job.namespace,
      record: job.name,
      job_id: jobContext.jobId,
      attempt: jobContext.attempt,
      worker_id: jobContext.workerId,
      reason: job.reason,
    });
    let result: ReconcileResult;
    try {
      const signal = jobContext.signal;
      const record = await getRecord(deps.kube, job.namespace, job.name, signal);
      if (record === undefined || (job.uid !== "" && record.metadata.uid !== job.uid)) {
        log.debug("record gone or re-created since the job was queued; nothing to do");
        result = done;
      } else {
        log = withContext(deps.logger, {
          deploymentId: record.spec.deployment_id ?? record.metadata.name,
          correlationId: record.metadata.annotations?.[correlationIdAnnotation] ?? job.correlationId ?? "",
          namespace: job.namespace,
          record: job.name,
          job_id: jobContext.jobId,
          attempt: jobContext.attempt,
          worker_id: jobContext.workerId,
          reason: job.reason,
          generation: record.metadata.generation,
        });
        const journal = journalFor(deps, record, jobContext.workerId, startedAt, clock, log);
        const ctx = await context();
        result = record.metadata.deletionTimestamp
          ? await finalize(deps, record, ctx, journal, signal, log)
          : await reconcile(deps, record, ctx, fieldManager, journal, signal, clock, log);
      }
    } catch (error) {
      result = resultFor(error);
      log.warn(result.kind === "retry" ? "reconcile failed; will retry" : "reconcile failed; not retried", {
        error: String(error),
      });
    }
    const seconds = (clock.now().getTime() - startedAt.getTime()) / 1000;
    deps.metrics?.reconciled(result.kind, seconds, job.reason);
    log.debug("reconcile finished", { result: result.kind, seconds });
    return result;
  };
}

async function finalize(
  deps: ReconcilerDeps,
  record: DeploymentRecord,
  ctx: RenderContext,
  journal: Journal,
  signal: AbortSignal,
  log: Logger,
): Promise<ReconcileResult> {
  const outcome = await finalizeRecord(deps.kube, record, servedKinds(ctx.capabilities), signal);
  if (outcome.state === "waiting") {
    if (outcome.deletedNow.length > 0) {
      log.info("deleting children", { objects: outcome.deletedNow });
      await journal.history("deleted", `deleting ${outcome.deletedNow.length} child object(s)`, {
        reason: "ChildrenDeleted",
        objects: outcome.deletedNow,
      });
      await journal.event("Deleting", "Delete", `deleting ${outcome.deletedNow.join(", ")}`);
    }
    return requeueAfter(
      deps.deletionRequeueMs ?? 1_000,
      `waiting for ${outcome.remaining.length} child(ren) to go`,
    );
  }
  if (outcome.finalizerRemoved) {
    log.info("every child is gone; finalizer removed");
    await journal.history("deleted", `every child is gone; finalizer ${finalizer} removed`, {
      reason: "FinalizerRemoved",
    });
    await journal.event("Deleted", "Delete", "every child is gone; the record can be removed");
  }
  return done;
}

async function reconcile(
  deps: ReconcilerDeps,
  loaded: DeploymentRecord,
  ctx: RenderContext,
  fieldManager: string,
  journal: Journal,
  signal: AbortSignal,
  clock: { now(): Date },
  log: Logger,
): Promise<ReconcileResult> {
  let record = loaded;
  // The finalizer goes on while the children are read; applyChildren waits for it before
  // its first write, so no child can exist without it.
  const finalizing = (record.metadata.finalizers ?? []).includes(finalizer)
    ? undefined
    : addFinalizer(deps.kube, record, signal);
  // Awaited below; this only keeps a rejection handled when a read fails first.
  finalizing?.catch(() => undefined);
  let outcome: ReconcileOutcome | undefined;
  let failure: ReconcileFailure | undefined;
  try {
    outcome = await reconcileRecord(
      deps.kube,
      record,
      ctx,
      fieldManager,
      signal,
      finalizing,
      // Never reconciled: no status of a run yet (the ingress writes the finalizer with the
      // record, so its absence only marks records written by hand).
      finalizing !== undefined || record.status?.observedGeneration === undefined,
      clock.now(),
    );
  } catch (error) {
    failure = failureOf(error);
    if (failure === undefined || !failure.terminal) throw error;
  }
  if (finalizing) {
    record = await finalizing;
    log.info("finalizer added", { finalizer });
  }
  const observation: Observation = outcome
    ? outcome.observation
    : { kind: "failed", reason: failure?.reason ?? "Unknown", message: failure?.message ?? "" };
  const generation = record.metadata.generation ?? 0;
  const status = nextStatus(record.status, observation, generation, clock.now());
  if (!sameStatus(record.status, status)) {
    await applyStatus(deps.kube, record, status, fieldManager, signal);
    log.info("status written", { phase: status.phase, status_reason: status.reason });
  }
  await transitions(journal, record.status, status, outcome, generation, log);
  if (failure) return terminal(failure, failure.reason);
  if (outcome?.converged) return done;
  return requeueAfter(
    progressRecheckMs(status, clock.now(), deps.progressRequeueMs),
    `rollout in progress: ${status.reason ?? ""}`,
  );
}

function journalFor(
  deps: ReconcilerDeps,
  record: DeploymentRecord,
  workerId: string,
  startedAt: Date,
  clock: { now(): Date },
  log: Logger,
): Journal {
  const { name, namespace = "", uid, generation } = record.metadata;
  const correlationId = record.metadata.annotations?.[correlationIdAnnotation];
  return {
    async history(type, message, extra = {}) {
      try {
        await deps.history.append(namespace, name, {
          type,
          time: clock.now().toISOString(),
          startedAt: startedAt.toISOString(),
          ...(generation === undefined ? {} : { generation }),
          ...(correlationId === undefined ? {} : { correlationId }),
          workerId,
          message,
          ...extra,
        });
      } catch (error) {
        // History is the audit trail, not the desired state: a lost entry must not undo the work.
        log.error("history append failed", { error: String(error), type });
      }
    },
    event: (reason, action, note, conditions) =>
      deps.events.record({
        regarding: {
          apiVersion: record.apiVersion,
          kind: record.kind,
          name,
          namespace,
          ...(uid ? { uid } : {}),
        },
        type: eventType(reason, conditions),
        reason,
        action,
        note,
      }),
  };
}
