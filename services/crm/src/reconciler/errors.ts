// Failures of a reconcile, and their one mapping onto the queue's typed results:
// transient (conflict, unavailable, timeout, 429/5xx) -> retry; what retrying cannot fix
// (invalid spec, forbidden, a name taken by someone else) -> terminal, shown in status.
import { isKubeError } from "@oaas/kube";
import { retry, terminal, type ReconcileResult } from "@oaas/queue";
import { jobResultFor } from "../workers/job-result.ts";

/**
 * A failure that belongs in status: Degraded=True with `reason` (a condition reason,
 * CamelCase) and `message` (what is wrong and what to do).
 */
export class ReconcileFailure extends Error {
  override readonly name = "ReconcileFailure";
  constructor(
    readonly reason: string,
    message: string,
    /** Terminal: retrying the same spec cannot succeed. */
    readonly terminal: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A desired child's name is held by an object this record does not own. */
export function nameConflict(kindAndName: string, namespace: string, owner: string): ReconcileFailure {
  return new ReconcileFailure(
    "NameConflict",
    `${kindAndName} in namespace ${namespace} already exists and is owned by ${owner}; it was left untouched. ` +
      `Delete or rename that object, or deploy this class under another deployment id.`,
    true,
  );
}

/** The result for any error a reconcile threw. */
export function resultFor(error: unknown): ReconcileResult {
  if (error instanceof ReconcileFailure) return error.terminal ? terminal(error, error.reason) : retry(error);
  return jobResultFor(error);
}

/**
 * The status-worthy failure for a terminal Kubernetes error (the API server refused what
 * we rendered, or RBAC forbids it), so it shows in Degraded like a render error.
 */
export function failureOf(error: unknown): ReconcileFailure | undefined {
  if (error instanceof ReconcileFailure) return error;
  if (isKubeError(error, "forbidden")) {
    return new ReconcileFailure(
      "Forbidden",
      `the CRM may not do this: ${error.message}; grant the CRM's service account the missing permission (charts/oaas-crm RBAC)`,
      true,
      { cause: error },
    );
  }
  if (isKubeError(error, "invalid")) {
    return new ReconcileFailure(
      "InvalidSpec",
      `the API server refused a rendered child: ${error.status?.message ?? error.message}; fix the spec field it names`,
      true,
      { cause: error },
    );
  }
  return undefined;
}
