// A record's status in full as oaas.crm.v1.GetStatusDetail answers it: what
// GetDeploymentStatus cannot carry (its message is fixed by the wire contract) — the
// conditions with their reasons, each function's readiness and URL, the generations,
// the template choice. Read off the typed status of @oaas/crd. Pure.
import { create } from "@bufbuild/protobuf";
import { statusSummary, type DeploymentRecord, type TemplateSelection } from "@oaas/crd";
import {
  GetStatusDetailResponseSchema,
  SummarizedStatus,
  TemplateDetailSchema,
  type GetStatusDetailResponse,
  type TemplateDetail,
} from "@oaas/proto";
import { summaryOf } from "../deployments/summary.ts";

/**
 * The status detail of `record`, found under `namespace` (the record's own namespace
 * wins when it has one). Lists are empty and `template` absent until the reconciler
 * wrote them; phase, reason and message are derived from the conditions (never the
 * stored phase alone), as GetDeploymentStatus's message is.
 */
export function statusDetail(record: DeploymentRecord, namespace: string): GetStatusDetailResponse {
  const status = record.status ?? {};
  const { generation, deletionTimestamp } = record.metadata;
  const summary = statusSummary(status.conditions, {
    deleting: deletionTimestamp !== undefined,
    ...(generation !== undefined ? { generation } : {}),
  });
  const template = templateOf(status.template_selection, status.selected_template);
  return create(GetStatusDetailResponseSchema, {
    deploymentId: record.spec.deployment_id ?? "",
    namespace: record.metadata.namespace ?? namespace,
    ...(generation !== undefined ? { generation: BigInt(generation) } : {}),
    ...(status.observedGeneration !== undefined
      ? { observedGeneration: BigInt(status.observedGeneration) }
      : {}),
    summary: SummarizedStatus[summaryOf(record)],
    phase: summary.phase,
    reason: summary.reason,
    message: summary.message || status.message || "",
    conditions: (status.conditions ?? []).map((c) => ({
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
      lastTransitionTime: c.lastTransitionTime,
      ...(c.observedGeneration !== undefined ? { observedGeneration: BigInt(c.observedGeneration) } : {}),
    })),
    functions: (status.functions ?? []).map((f) => ({
      functionKey: f.function_key,
      ready: f.ready,
      reason: f.reason,
      message: f.message,
      ...(f.url !== undefined ? { url: f.url } : {}),
    })),
    resourceRefs: (status.resource_refs ?? []).map((r) => ({
      kind: r.kind,
      name: r.name,
      ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
      ...(r.uid !== undefined ? { uid: r.uid } : {}),
      ...(r.apiVersion !== undefined ? { apiVersion: r.apiVersion } : {}),
    })),
    ...(template ? { template } : {}),
  });
}

/** The scored selection when the status has one, else the bare name the reconciler chose. */
function templateOf(
  selection: TemplateSelection | undefined,
  selected: string | undefined,
): TemplateDetail | undefined {
  if (selection) {
    return create(TemplateDetailSchema, {
      name: selection.name,
      score: selection.score,
      ...(selection.runner_up ? { runnerUp: { ...selection.runner_up } } : {}),
      reason: selection.reason,
    });
  }
  return selected ? create(TemplateDetailSchema, { name: selected }) : undefined;
}
