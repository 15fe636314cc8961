// When `--wait` is done (pure): a deployment is done when the PM says RUNNING (its
// condition follows the CRMs: DEPLOYING, RUNNING once every CRM reports it available, DOWN
// with the last error); a status is done when every cluster's record is Available. Both
// stop early on a reason waiting will not cure (blockingReasons, the one rule): a rollout
// blocked by a ResourceQuota waited out its 5 minutes and ended "last: DEPLOYING
// (default=DEGRADED)" although the record named the quota.
import type { DeploymentWithClusters } from "@oaas/pm-api";
import {
  deploymentFailed,
  deploymentReady,
  deploymentUnits,
  isAvailable,
  isFailed,
  type StatusView,
} from "./status-view.ts";
import type { Verdict } from "./wait.ts";

/** A record reason that no amount of waiting changes: a person must act (fix and redeploy). */
export interface BlockingReason {
  /** The condition or function reason (CamelCase). */
  readonly reason: RegExp;
  /** When set, the message must match too (e.g. FailedCreate is blocking for a quota). */
  readonly message?: RegExp;
  /** What it means, for the error. */
  readonly means: string;
}

/**
 * The rule table. Reasons come from the CRM's record (packages/crd conditions, the
 * reconciler's workload health, Kubernetes' and Knative's own reasons it passes on).
 * Anything not listed is transient: waiting goes on until ready or --timeout.
 */
export const blockingReasons: readonly BlockingReason[] = [
  {
    reason: /^FailedCreate$/,
    message: /exceeded quota/i,
    means: "a ResourceQuota refuses the pods: raise the quota or lower the requests or replicas",
  },
  {
    reason: /^FailedCreate$/,
    message: /forbidden/i,
    means: "the pods are forbidden (LimitRange, admission webhook, security policy)",
  },
  {
    reason: /^ProgressDeadlineExceeded$/,
    means: "the rollout passed its progress deadline: check the image and the pods' events",
  },
  {
    reason: /^(ErrImagePull|ImagePullBackOff|InvalidImageName|ErrImageNeverPull|ContainerMissing)$/,
    means: "the image cannot be pulled: check its name, tag and registry access",
  },
  { reason: /^RevisionFailed$/, means: "the Knative revision failed: check its events" },
  {
    reason: /^(InvalidSpec|TemplateNotFound|AddonDisabled|NameConflict|Forbidden|Rejected)$/,
    means: "the CRM cannot apply the spec as it is",
  },
];

/** A blocking reason found on a record: where, which, the record's message and what it means. */
export interface Blocked {
  readonly where: string;
  readonly reason: string;
  readonly message: string;
  readonly means: string;
}

/**
 * The first blocking reason of a cluster's record, or undefined. Only a record whose
 * current summary is degraded or failed is judged: the CRM summarizes conditions of an
 * older spec as progressing, so a reason left over from before a redeploy never stops a
 * wait on the new one.
 */
export function blockingReason(view: StatusView): Blocked | undefined {
  if (!["DEGRADED", "ERROR", "FAILED"].includes((view.phase ?? "").toUpperCase())) return undefined;
  const candidates = [
    ...view.conditions
      .filter((c) => !(c.type === "Available" && c.status === "True"))
      .map((c) => ({ where: `condition ${c.type}`, reason: c.reason, message: c.message })),
    ...view.functions
      .filter((f) => !f.ready)
      .map((f) => ({ where: `function ${f.function_key}`, reason: f.reason, message: f.message })),
  ];
  for (const c of candidates) {
    if (c.reason === undefined) continue;
    const rule = blockingReasons.find(
      (r) => r.reason.test(c.reason ?? "") && (r.message === undefined || r.message.test(c.message ?? "")),
    );
    if (rule) {
      const where = view.cluster ? `cluster ${view.cluster}, ${c.where}` : c.where;
      return { where, reason: c.reason, message: c.message ?? "", means: rule.means };
    }
  }
  return undefined;
}

/** The reason that explains a record not being ready: Degraded's, else Available's, else Progressing's. */
export function explainingReason(view: StatusView): string | undefined {
  const find = (type: string, status: string) =>
    view.conditions.find((c) => c.type === type && c.status === status)?.reason;
  return find("Degraded", "True") ?? find("Available", "False") ?? find("Progressing", "True");
}

function failedOn(blocked: Blocked): string {
  const message = blocked.message ? `: ${blocked.message}` : "";
  return `${blocked.where}: ${blocked.reason}${message} (${blocked.means}); waiting will not help: fix it and redeploy (oaasctl deploy ... --update)`;
}

/**
 * Verdict on a GET /deployments/{key} answer and, when the PM could give it, the records'
 * status per cluster (GET /deployment-status/{key}): their reasons are shown as they
 * change, and a blocking one fails the wait at once.
 */
export function deploymentVerdict(
  deployment: DeploymentWithClusters,
  records: readonly StatusView[] = [],
): Verdict {
  const condition = deployment.condition;
  const reasons = new Map(
    records.map((v) => [v.cluster ?? "", isAvailable(v) ? undefined : explainingReason(v)] as const),
  );
  const clusters = deploymentUnits(deployment)
    .filter((u) => u.status !== undefined)
    .map((u) => {
      const why =
        reasons.get(u.cluster) ?? (records.length === 1 ? reasons.get(records[0]?.cluster ?? "") : undefined);
      return `${u.cluster}=${u.status ?? ""}${why ? `/${why}` : ""}`;
    });
  const state = clusters.length === 0 ? condition : `${condition} (${clusters.join(", ")})`;
  if (condition === deploymentReady) return { kind: "ready", state };
  if (deploymentFailed.includes(condition)) {
    return { kind: "failed", state, reason: deployment.last_error ?? "no error reported" };
  }
  const blocked = records.map(blockingReason).find((b) => b !== undefined);
  if (blocked) return { kind: "failed", state, reason: failedOn(blocked) };
  return { kind: "waiting", state };
}

/** Verdict on status views (one per cluster): ready when all are Available. */
export function statusVerdict(views: readonly StatusView[]): Verdict {
  const parts = views.map((v) => {
    const phase = v.phase ?? (isAvailable(v) ? "Available" : "Unknown");
    const why = notReadyCondition(v)?.reason;
    const text = why && !isAvailable(v) ? `${phase}/${why}` : phase;
    return v.cluster ? `${v.cluster}=${text}` : text;
  });
  const state = parts.join(", ");
  if (views.length > 0 && views.every(isAvailable)) return { kind: "ready", state };
  const blocked = views.map(blockingReason).find((b) => b !== undefined);
  if (blocked) return { kind: "failed", state, reason: failedOn(blocked) };
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
