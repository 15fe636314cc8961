// The reconcile job handler: all the plumbing in one wrapper. Load the record (skip when
// gone or re-created), finalizer, then the per-record run (finalize.ts when deleting,
// reconcile.ts otherwise: each gather -> plan -> act), status only when it changed,
// history and Events on transitions only (conclude.ts), one typed result, logs with
// deployment_id and correlation_id on every line. Every API call goes through one
// ReconcilerIo per job (kube-io.ts).
import { correlationIdAnnotation, finalizer, reconcilerFieldManager, type DeploymentRecord } from "@oaas/crd";
import type { EventRecorder, KubeClient } from "@oaas/kube";
import {
  done,
  type HistorySink,
  type JobContext,
  type JobHandler,
  type ReconcileResult,
  type RecordJob,
} from "@oaas/queue";
import { jobLogFields, recordLogFields } from "../workers/job-log.ts";
import { withContext, type Logger } from "@oaas/telemetry";
import type { RenderContext } from "@oaas/templates";
import { tell, type Journal } from "./act.ts";
import { servedKinds } from "./children.ts";
import { concludeReconcile } from "./conclude.ts";
import { failureOf, resultFor, type ReconcileFailure } from "./errors.ts";
import { eventType } from "./event-type.ts";
import { finalizeRecord } from "./finalize.ts";
import type { ReconcilerIo } from "./io.ts";
import { kubeIo } from "./kube-io.ts";
import { holdsFinalizer, isFirstRun } from "./plan.ts";
import { concludeFinalize } from "./plan-finalize.ts";
import { reconcileRecord, type ReconcileOutcome } from "./reconcile.ts";

/** Hooks the integrator wires to metrics (controller-runtime's controller_runtime_reconcile_* names, metrics.ts). */
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
  /** Shortest wait in ms before looking again while a workload is not available and its pods were read (it grows with the time since the conditions last changed, recheck.ts podRecheckMs). Default 5 000. */
  readonly podRequeueMs?: number;
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
      ...jobLogFields(job, jobContext),
      attempt: jobContext.attempt,
      reason: job.reason,
    });
    let result: ReconcileResult;
    try {
      const io = kubeIo(deps.kube, fieldManager, jobContext.signal);
      const record = await io.getRecord(job.namespace, job.name);
      if (record === undefined || (job.uid !== "" && record.metadata.uid !== job.uid)) {
        log.debug("record gone or re-created since the job was queued; nothing to do");
        result = done;
      } else {
        log = withContext(deps.logger, {
          ...recordLogFields(job, jobContext, record),
          attempt: jobContext.attempt,
          reason: job.reason,
          generation: record.metadata.generation,
        });
        const journal = journalFor(deps, record, jobContext.workerId, startedAt, clock, log);
        const ctx = await context();
        result = record.metadata.deletionTimestamp
          ? await finalize(deps, io, record, ctx, journal, log)
          : await reconcile(deps, io, record, ctx, fieldManager, journal, clock, log);
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
  io: ReconcilerIo,
  record: DeploymentRecord,
  ctx: RenderContext,
  journal: Journal,
  log: Logger,
): Promise<ReconcileResult> {
  const outcome = await finalizeRecord(io, record, servedKinds(ctx.capabilities));
  const { reports, result } = concludeFinalize(outcome, deps.deletionRequeueMs ?? 1_000);
  await tell(journal, reports, log);
  return result;
}

async function reconcile(
  deps: ReconcilerDeps,
  io: ReconcilerIo,
  loaded: DeploymentRecord,
  ctx: RenderContext,
  fieldManager: string,
  journal: Journal,
  clock: { now(): Date },
  log: Logger,
): Promise<ReconcileResult> {
  let record = loaded;
  const firstRun = isFirstRun(record);
  // The finalizer goes on while the children are read; the act step waits for it before
  // its first write, so no child can exist without it.
  const finalizing = holdsFinalizer(record) ? undefined : io.addFinalizer(record);
  // Awaited below; this only keeps a rejection handled when a read fails first.
  finalizing?.catch(() => undefined);
  let outcome: ReconcileOutcome | undefined;
  let failure: ReconcileFailure | undefined;
  try {
    outcome = await reconcileRecord(io, record, ctx, {
      fieldManager,
      now: clock.now(),
      firstRun,
      ...(finalizing ? { writesAllowed: finalizing } : {}),
    });
  } catch (error) {
    failure = failureOf(error);
    if (failure === undefined || !failure.terminal) throw error;
  }
  if (finalizing) {
    record = await finalizing;
    log.info("finalizer added", { finalizer });
  }
  const conclusion = concludeReconcile({
    before: record.status,
    generation: record.metadata.generation ?? 0,
    ...(outcome ? { outcome } : {}),
    ...(failure ? { failure } : {}),
    now: clock.now(),
    ...(deps.progressRequeueMs === undefined ? {} : { progressRequeueMs: deps.progressRequeueMs }),
    ...(deps.podRequeueMs === undefined ? {} : { podRequeueMs: deps.podRequeueMs }),
  });
  const { status } = conclusion;
  if (conclusion.writeStatus) {
    await io.applyStatus(record, status);
    log.info("status written", { phase: status.phase, status_reason: status.reason });
  }
  await tell(journal, conclusion.reports, log);
  return conclusion.result;
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
