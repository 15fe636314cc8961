// One mapping from a worker's failure (reconciler, analyzer, enforcer) onto the queue's
// typed results: what retrying cannot fix (the API server refused the object as invalid,
// RBAC forbids the call) is terminal; everything else (conflict, 429/5xx, timeout,
// unreachable, a child deleted under us) is retried, since the next run sees a new state.
import { isKubeError } from "@oaas/kube";
import { retry, terminal, type ReconcileResult } from "@oaas/queue";

/** The queue result for an error a worker's job threw (Kubernetes status codes: https://kubernetes.io/docs/reference/using-api/api-concepts/#http-status-codes). */
export function jobResultFor(error: unknown): ReconcileResult {
  const err = error instanceof Error ? error : new Error(String(error));
  if (isKubeError(error)) {
    switch (error.kind) {
      case "forbidden":
        return terminal(err, "Forbidden");
      case "invalid":
        return terminal(err, "Rejected");
      default:
        return retry(err);
    }
  }
  return retry(err);
}
