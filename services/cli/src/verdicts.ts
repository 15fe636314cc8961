// When `--wait` is done (pure): a deployment is done when the PM says RUNNING (its
// condition follows the CRMs: DEPLOYING, RUNNING once every CRM reports it available, DOWN
// with the last error); a status is done when every cluster's record is Available.
import {
  clusterUnits,
  deploymentFailed,
  deploymentReady,
  isAvailable,
  isFailed,
  str,
  type StatusView,
} from "./shapes.ts";
import type { Verdict } from "./wait.ts";

/** Verdict on a GET /deployments/{key} answer. */
export function deploymentVerdict(deployment: unknown): Verdict {
  const condition = str(deployment, "condition") ?? "UNKNOWN";
  const clusters = clusterUnits(deployment)
    .filter((u) => u.status !== undefined)
    .map((u) => `${u.cluster}=${u.status ?? ""}`);
  const state = clusters.length === 0 ? condition : `${condition} (${clusters.join(", ")})`;
  if (condition === deploymentReady) return { kind: "ready", state };
  if (deploymentFailed.includes(condition)) {
    return { kind: "failed", state, reason: str(deployment, "last_error", "message") ?? "no error reported" };
  }
  return { kind: "waiting", state };
}

/** Verdict on status views (one per cluster): ready when all are Available. */
export function statusVerdict(views: readonly StatusView[]): Verdict {
  const parts = views.map((v) => {
    const phase = v.phase ?? (isAvailable(v) ? "Available" : "Unknown");
    const why = v.reason ?? notReadyCondition(v)?.reason;
    const text = why && !isAvailable(v) ? `${phase}/${why}` : phase;
    return v.cluster ? `${v.cluster}=${text}` : text;
  });
  const state = parts.join(", ");
  if (views.length > 0 && views.every(isAvailable)) return { kind: "ready", state };
  const failed = views.find(isFailed);
  if (failed) {
    return {
      kind: "failed",
      state,
      reason: failed.message ?? notReadyCondition(failed)?.message ?? "no message",
    };
  }
  return { kind: "waiting", state };
}

function notReadyCondition(v: StatusView) {
  return v.conditions.find((c) => c.type === "Available" && c.status !== "True");
}
