// The analyze job handler: the plumbing around one analysis of one record. Read the
// record (the analyzer's cache, else the API server), skip it when gone, re-created or
// being deleted, analyze (analyze.ts), write status only when a target or NfrObserved
// changed, note changed targets in the history, hand the enforcer a job when
// recommendations are available, and log every line with deployment_id and correlation_id.
import { correlationIdAnnotation, type DeploymentRecord } from "@oaas/crd";
import type { KubeClient } from "@oaas/kube";
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
import { jobResultFor as resultFor } from "../workers/job-result.ts";
import { getRecord } from "../deployments/record-resource.ts";
import { analyzeRecord, type AnalyzeDeps, type RecordAnalysis } from "./analyze.ts";
import { enforceJob, type EnforceJob } from "./enforce-job.ts";
import { applyAnalyzerStatus, analyzerFieldManager } from "./record-api.ts";
import {
  describeTargetChanges,
  nextAnalyzerStatus,
  recommendationsAvailable,
  sameAnalyzerStatus,
  type AnalysisOutcome,
} from "./status.ts";

/** Hooks for the analyzer's metrics (analyzer-metrics.ts). Must not throw. */
export interface AnalyzeMetricsHooks {
  /** Once per job: how it ended, what the analysis came to, whether status was written, seconds. */
  analyzed(
    result: ReconcileResult["kind"],
    outcome: AnalysisOutcome["kind"] | "skipped",
    wrote: boolean,
    seconds: number,
  ): void;
}

export interface AnalyzerDeps extends AnalyzeDeps {
  readonly kube: KubeClient;
  /** The record from the analyzer's cache; undefined sends the handler to the API server. */
  readonly cached: (namespace: string, name: string) => DeploymentRecord | undefined;
  /** Enqueues the enforcer's job (the enforce queue's producer). */
  readonly enforce: (job: EnforceJob) => Promise<unknown>;
  readonly history: HistorySink;
  readonly logger: Logger;
  readonly metrics?: AnalyzeMetricsHooks;
  /** Default the system clock: conditions' lastTransitionTime and history times. */
  readonly clock?: { now(): Date };
  /** OPRC_CRM_ENFORCEMENT_MIN_CONFIDENCE: a recommendation crossing it is worth a write (the enforcer acts on it). */
  readonly minConfidence: number;
  /**
   * Claims the record's analysis (spacing.ts): false skips this run, another analysis of
   * the record started less than half an interval ago. Absent: every run analyzes.
   */
  readonly claim?: (namespace: string, name: string) => Promise<boolean>;
  /** Default analyzerFieldManager ("oaas-crm-analyzer"). */
  readonly fieldManager?: string;
}

export function createAnalyzeHandler(deps: AnalyzerDeps): JobHandler {
  const clock = deps.clock ?? { now: () => new Date() };
  return async (job: RecordJob, context: JobContext): Promise<ReconcileResult> => {
    const started = performance.now();
    let log = withContext(deps.logger, jobLogFields(job, context));
    let result: ReconcileResult = done;
    let outcome: AnalysisOutcome["kind"] | "skipped" = "skipped";
    let wrote = false;
    try {
      const record =
        deps.cached(job.namespace, job.name) ??
        (await getRecord(deps.kube, job.namespace, job.name, context.signal));
      if (record === undefined || (job.uid !== "" && record.metadata.uid !== job.uid)) {
        log.debug("record gone or re-created since it was scheduled; nothing to analyze");
      } else if (record.metadata.deletionTimestamp) {
        log.debug("record is being deleted; nothing to analyze");
      } else if (deps.claim && !(await deps.claim(job.namespace, job.name))) {
        log.debug("analyzed less than half an interval ago (a late slot's follower); skipped");
      } else {
        log = withContext(deps.logger, {
          ...recordLogFields(job, context, record),
          generation: record.metadata.generation,
        });
        const analysis = await analyzeRecord(deps, record);
        outcome = analysis.outcome.kind;
        wrote = await writeIfChanged(deps, record, analysis, clock.now(), context, log);
        await handOver(deps, record, analysis, log);
      }
    } catch (error) {
      result = resultFor(error);
      log.warn("analysis failed; the next interval tries again", { error: String(error) });
    }
    deps.metrics?.analyzed(result.kind, outcome, wrote, (performance.now() - started) / 1000);
    return result;
  };
}

/** Status and history when something that matters changed; true when it wrote status. */
async function writeIfChanged(
  deps: AnalyzerDeps,
  record: DeploymentRecord,
  analysis: RecordAnalysis,
  now: Date,
  context: JobContext,
  log: Logger,
): Promise<boolean> {
  const next = nextAnalyzerStatus(record, analysis.outcome, now);
  const detail = {
    outcome: analysis.outcome.kind,
    unknown: analysis.unknown.map((u) => `${u.component} ${u.dimension}: ${u.why}`),
  };
  if (sameAnalyzerStatus(record, next, deps.minConfidence)) {
    log.debug("analysis changed nothing on the record", detail);
    return false;
  }
  if (context.signal.aborted) return false;
  await applyAnalyzerStatus(
    deps.kube,
    record,
    next,
    context.signal,
    deps.fieldManager ?? analyzerFieldManager,
  );
  const condition = next.conditions.find((c) => c.type === "NfrObserved");
  const changes = describeTargetChanges(record.status?.nfr_recommendations, next.nfr_recommendations);
  log.info("recommendations written", {
    ...detail,
    condition_status: condition?.status,
    condition_reason: condition?.reason,
    changes,
  });
  if (changes.length > 0 && analysis.outcome.kind === "analyzed") {
    const basis = analysis.outcome.recommendations.map((r) => `${r.component} ${r.dimension}: ${r.basis}`);
    try {
      await deps.history.append(record.metadata.namespace ?? "", record.metadata.name, {
        type: "recommended",
        time: now.toISOString(),
        ...(record.metadata.generation === undefined ? {} : { generation: record.metadata.generation }),
        ...(record.metadata.annotations?.[correlationIdAnnotation]
          ? { correlationId: record.metadata.annotations[correlationIdAnnotation] }
          : {}),
        workerId: context.workerId,
        reason: condition?.reason ?? "",
        message: `recommended ${changes.join("; ")} (${basis.join("; ")})`,
      });
    } catch (error) {
      log.warn("history entry not written", { error: String(error) });
    }
  }
  return true;
}

/** One enforce job after an analysis with recommendations (the enforcer re-reads the record). */
async function handOver(deps: AnalyzerDeps, record: DeploymentRecord, analysis: RecordAnalysis, log: Logger) {
  if (!recommendationsAvailable(analysis.outcome) || analysis.analyzedAtMs === undefined) return;
  const { namespace, name, uid } = record.metadata;
  const correlationId = record.metadata.annotations?.[correlationIdAnnotation];
  try {
    await deps.enforce(
      enforceJob(
        {
          namespace: namespace ?? "",
          name,
          uid: uid ?? "",
          deploymentId: record.spec.deployment_id ?? name,
          ...(correlationId ? { correlationId } : {}),
        },
        analysis.analyzedAtMs,
      ),
    );
  } catch (error) {
    // The next interval's analysis enqueues again; the recommendations are on the record.
    log.warn("enforce job not enqueued", { error: String(error) });
  }
}
