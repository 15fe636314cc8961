// What the PM passes on from oaas.crm.v1.RecordDetailService: the record's conditions and
// functions (GET /deployment-status/{id}) and its history (GET /deployments/{id}/history),
// as the PM's REST answers spell them (snake_case, as the rest of its JSON; history
// entries keep the CRM's own field names). The wire shape is the .proto's
// (packages/proto/proto/oaas/crm/v1/record_detail.proto); this is the one translation.
import type { GetHistoryResponse, GetStatusDetailResponse, HistoryEntry } from "@oaas/proto";

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
  /** The record generation the condition was computed for, when the CRM's reconciler said. */
  readonly observed_generation?: number;
}

/** One function's workload as the CRM's reconciler last observed it. */
export interface FunctionDetail {
  readonly function_key: string;
  readonly ready: boolean;
  readonly reason: string;
  readonly message: string;
  /** In-cluster URL. */
  readonly url?: string;
}

/** The part of GetStatusDetail the PM passes on. */
export interface RecordStatusDetail {
  readonly conditions: readonly ConditionDetail[];
  readonly functions: readonly FunctionDetail[];
}

/** One entry of a record's history (the CRM's @oaas/queue HistoryEntry fields). */
export type HistoryEntryJson = {
  readonly type: string;
  /** RFC 3339 with milliseconds: when the step finished. */
  readonly time: string;
  readonly startedAt?: string;
  readonly generation?: number;
  readonly correlationId?: string;
  readonly workerId?: string;
  readonly reason?: string;
  readonly message: string;
  /** "Kind/name" of the objects touched; absent when none. */
  readonly objects?: readonly string[];
};

/** A record's history on one CRM: entries oldest first. */
export interface RecordHistory {
  readonly deployment_id: string;
  readonly namespace: string;
  readonly entries: readonly HistoryEntryJson[];
}

export function statusDetailJson(res: GetStatusDetailResponse): RecordStatusDetail {
  return {
    conditions: res.conditions.map((c) => ({
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
      last_transition_time: c.lastTransitionTime,
      ...(c.observedGeneration !== undefined ? { observed_generation: Number(c.observedGeneration) } : {}),
    })),
    functions: res.functions.map((f) => ({
      function_key: f.functionKey,
      ready: f.ready,
      reason: f.reason,
      message: f.message,
      ...(f.url !== undefined ? { url: f.url } : {}),
    })),
  };
}

export function historyJson(res: GetHistoryResponse): RecordHistory {
  return { deployment_id: res.deploymentId, namespace: res.namespace, entries: res.entries.map(entryJson) };
}

function entryJson(e: HistoryEntry): HistoryEntryJson {
  return {
    type: e.type,
    time: e.time,
    ...(e.startedAt !== undefined ? { startedAt: e.startedAt } : {}),
    ...(e.generation !== undefined ? { generation: Number(e.generation) } : {}),
    ...(e.correlationId !== undefined ? { correlationId: e.correlationId } : {}),
    ...(e.workerId !== undefined ? { workerId: e.workerId } : {}),
    ...(e.reason !== undefined ? { reason: e.reason } : {}),
    message: e.message,
    ...(e.objects.length > 0 ? { objects: [...e.objects] } : {}),
  };
}
