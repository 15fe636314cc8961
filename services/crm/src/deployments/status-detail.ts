// A record's status in full, as GET /api/v1/records/{id}/status answers it: what
// GetDeploymentStatus cannot carry (its message is fixed by the wire contract) — the
// conditions with their reasons, each function's readiness and URL, the template choice.
// Field names are snake_case like the rest of the PM-facing JSON. Pure.
import { statusSummary, type DeploymentRecord, type SummarizedStatus } from "@oaas/crd";
import { summaryOf } from "./summary.ts";

/** One condition of the record (Available, Progressing, Degraded, NfrObserved). */
export interface ConditionDetail {
  readonly type: string;
  /** "True" | "False" | "Unknown" */
  readonly status: string;
  /** CamelCase, machine-readable. */
  readonly reason: string;
  /** For a person: what is wrong and what to do. */
  readonly message: string;
  /** RFC 3339 */
  readonly last_transition_time: string;
  /** The record generation the condition was computed for (absent when the writer did not say). */
  readonly observed_generation?: number;
}

/** One function's workload as the reconciler last observed it. */
export interface FunctionDetail {
  readonly function_key: string;
  readonly ready: boolean;
  readonly reason: string;
  readonly message: string;
  /** In-cluster URL (absent until the Service exists). */
  readonly url?: string;
}

export interface ResourceRefDetail {
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly api_version?: string;
}

/** The template the record runs on and, when scored, why. */
export interface TemplateDetail {
  readonly name: string;
  readonly score?: number;
  readonly runner_up?: { readonly name: string; readonly score: number };
  readonly reason?: string;
}

/** The 200 body of GET /api/v1/records/{id}/status. */
export interface StatusDetail {
  readonly deployment_id: string;
  readonly namespace: string;
  /** metadata.generation: the spec version the CRM is asked to run. */
  readonly generation?: number;
  /** status.observedGeneration: the spec version the status describes. */
  readonly observed_generation?: number;
  /** The SummarizedStatus GetDeploymentStatus reports (its message starts with it). */
  readonly summary: SummarizedStatus;
  /** Phase, reason and message derived from the conditions (never the stored phase alone). */
  readonly phase: string;
  readonly reason: string;
  readonly message: string;
  /** Empty until the reconciler wrote a status. */
  readonly conditions: readonly ConditionDetail[];
  /** Spec order; empty until the reconciler observed the workloads. */
  readonly functions: readonly FunctionDetail[];
  readonly resource_refs: readonly ResourceRefDetail[];
  /** Absent until the reconciler chose one. */
  readonly template?: TemplateDetail;
}

/** The status detail of `record` (found under `namespace`). */
export function statusDetail(record: DeploymentRecord, namespace: string): StatusDetail {
  const status = record.status ?? {};
  const { generation, deletionTimestamp } = record.metadata;
  const summary = statusSummary(status.conditions, {
    deleting: deletionTimestamp !== undefined,
    ...(generation !== undefined ? { generation } : {}),
  });
  const template = templateOf(record);
  return {
    deployment_id: record.spec.deployment_id ?? "",
    namespace: record.metadata.namespace ?? namespace,
    ...(generation !== undefined ? { generation } : {}),
    ...(status.observedGeneration !== undefined ? { observed_generation: status.observedGeneration } : {}),
    summary: summaryOf(record),
    phase: summary.phase,
    reason: summary.reason,
    message: summary.message || status.message || "",
    conditions: (status.conditions ?? []).map((c) => ({
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
      last_transition_time: c.lastTransitionTime,
      ...(c.observedGeneration !== undefined ? { observed_generation: c.observedGeneration } : {}),
    })),
    functions: (status.functions ?? []).map((f) => ({
      function_key: f.function_key,
      ready: f.ready,
      reason: f.reason,
      message: f.message,
      ...(f.url !== undefined ? { url: f.url } : {}),
    })),
    resource_refs: (status.resource_refs ?? []).map((r) => ({
      kind: r.kind,
      name: r.name,
      ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
      ...(r.uid !== undefined ? { uid: r.uid } : {}),
      ...(r.apiVersion !== undefined ? { api_version: r.apiVersion } : {}),
    })),
    ...(template ? { template } : {}),
  };
}

/** The scored selection when the status has one, else the bare name the reconciler chose. */
function templateOf(record: DeploymentRecord): TemplateDetail | undefined {
  const selection = record.status?.template_selection;
  if (selection) {
    return {
      name: selection.name,
      score: selection.score,
      ...(selection.runner_up ? { runner_up: { ...selection.runner_up } } : {}),
      reason: selection.reason,
    };
  }
  const name = record.status?.selected_template;
  return name ? { name } : undefined;
}
