// The one thing the analyzer hands the enforcer besides the record itself: a job on the
// `enforce` queue after each analysis whose recommendations are available, one per record
// (coalesced: while one waits, a newer analysis replaces its payload). The enforcer
// re-reads the record (status.nfr_recommendations, NfrObserved); the payload only says
// which record and when it was analyzed.
import type { RecordJob } from "@oaas/queue";

/** Payload of an enforce job: a RecordJob (reason "analyzed") plus the analysis facts. */
export interface EnforceJob extends RecordJob {
  /** spec.deployment_id of the record (the record name when it has none). */
  readonly deploymentId: string;
  /** RFC 3339 with milliseconds: the end of the window the analysis looked at. */
  readonly analyzedAt: string;
}

/** The enforce job of one analysis of `record`. */
export function enforceJob(
  record: { namespace: string; name: string; uid: string; deploymentId: string; correlationId?: string },
  analyzedAtMs: number,
): EnforceJob {
  return {
    namespace: record.namespace,
    name: record.name,
    uid: record.uid,
    reason: "analyzed",
    deploymentId: record.deploymentId,
    analyzedAt: new Date(analyzedAtMs).toISOString(),
    ...(record.correlationId ? { correlationId: record.correlationId } : {}),
  };
}
