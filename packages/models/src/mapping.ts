// Where a logical deployment went on each cluster: the PM stores one mapping per target
// cluster, and its dispatch, settle, sweep and delete decisions (dispatch.ts, settle.ts,
// interrupted.ts, delete-plan.ts) all read and write this one shape.

export const mappingStates = ["DEPLOYED", "FAILED", "UNKNOWN"] as const;
export type MappingState = (typeof mappingStates)[number];

/** Where a logical deployment went on one cluster. */
export interface ClusterMapping {
  readonly cluster: string;
  /** The DeploymentUnit id sent to that cluster's CRM. */
  readonly unit_id: string;
  /**
   * DEPLOYED once the CRM accepted it (a later redeploy that failed leaves it DEPLOYED,
   * with the failure as message: the cluster still runs the previous spec); FAILED with
   * message when the CRM refused it or it was never sent; UNKNOWN when the call broke
   * after sending (the CRM may have applied it): the PM's resync sends it again
   * (Deploy is idempotent) and moves it to DEPLOYED or FAILED.
   */
  readonly state: MappingState;
  readonly message?: string;
  /** RFC 3339 */
  readonly updated_at: string;
}

/**
 * What a CRM's answer to a Deploy says about the cluster (the PM's crm/errors.ts
 * deployOutcome classes a failure): "accepted" it took the unit; "refused" it answered
 * with a deliberate refusal, so the unit is not there (or the previous spec still is);
 * "unknown" the call broke after the request may have gone out (it may have been applied).
 */
export type DeployAnswer = "accepted" | "refused" | "unknown";

/** One cluster's answer to a Deploy; `error` is the failure's message (not "accepted"). */
export interface ClusterDeployAnswer {
  readonly cluster: string;
  readonly unit_id: string;
  readonly answer: DeployAnswer;
  readonly error?: string;
}

/** The message of a mapping whose Deploy outcome is not known yet. */
export function unknownOutcomeMessage(error: string): string {
  return `outcome unknown (the PM sends it again until the cluster answers): ${error}`;
}
