// The log fields every worker's job carries (reconciler, analyzer, enforcer), so a line
// about a record always names its deployment and correlation ids the same way.
import { correlationIdAnnotation, type DeploymentRecord } from "@oaas/crd";
import type { JobContext, RecordJob } from "@oaas/queue";

/**
 * Log context of one job run. Until the record is read its name stands for the
 * deployment id; "" = no correlation id known.
 */
export function jobLogFields(job: RecordJob, context: JobContext) {
  return {
    deploymentId: job.name,
    correlationId: job.correlationId ?? "",
    namespace: job.namespace,
    record: job.name,
    job_id: context.jobId,
    worker_id: context.workerId,
  };
}

/**
 * Log context of one job run once its record is read: the record's deployment id, and
 * the correlation id of the request that last changed it (its annotation), else the job's.
 */
export function recordLogFields(job: RecordJob, context: JobContext, record: DeploymentRecord) {
  return {
    ...jobLogFields(job, context),
    deploymentId: record.spec.deployment_id ?? record.metadata.name,
    correlationId: record.metadata.annotations?.[correlationIdAnnotation] ?? job.correlationId ?? "",
  };
}
