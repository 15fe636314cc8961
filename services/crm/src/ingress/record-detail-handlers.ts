// oaas.crm.v1.RecordDetailService: a record's status in full and its history, for the
// PM's `deployment-status` and `history`. Same shape as deployment-handlers.ts: the
// namespace and deadline come from the request scope (scope.ts), domain errors propagate
// to the interceptor, which maps them (error-map.ts).
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { DeploymentRecord } from "@oaas/crd";
import {
  GetHistoryResponseSchema,
  HistoryEntrySchema,
  type HistoryEntry as HistoryEntryMessage,
  type RecordDetailService,
} from "@oaas/proto";
import type { HistoryEntry } from "@oaas/queue";
import { readHistory, type HistorySource } from "../deployments/history.ts";
import type { RequestScope } from "../deployments/service.ts";
import { requestScope } from "./scope.ts";
import { statusDetail } from "./status-detail.ts";

export interface RecordDetailSources {
  /** Finds a record as GetDeploymentStatus does; DeploymentsService satisfies it. */
  readonly records: {
    find(deploymentId: string, scope: RequestScope): Promise<DeploymentRecord>;
  };
  /** Records' history; absent: GetHistory answers UNIMPLEMENTED (this CRM keeps none). */
  readonly history?: HistorySource;
  /** Used when the request names no namespace (x-namespace). */
  readonly namespace: string;
}

export function recordDetailHandlers(
  sources: RecordDetailSources,
): Partial<ServiceImpl<typeof RecordDetailService>> {
  const { records, history, namespace } = sources;
  return {
    async getStatusDetail(req, context) {
      const scope = requestScope(context, namespace);
      return statusDetail(await records.find(req.deploymentId, scope), scope.namespace);
    },
    ...(history
      ? {
          async getHistory(req, context) {
            const scope = requestScope(context, namespace);
            const entries = await readHistory(history, req.deploymentId, scope.namespace, req.limit);
            return create(GetHistoryResponseSchema, {
              deploymentId: req.deploymentId,
              namespace: scope.namespace,
              entries: entries.map(entryMessage),
            });
          },
        }
      : {}),
  };
}

/** A stored entry as the wire carries it; a generation that is not a whole number is left out. */
function entryMessage(entry: HistoryEntry): HistoryEntryMessage {
  return create(HistoryEntrySchema, {
    type: entry.type,
    time: entry.time,
    message: entry.message,
    ...(entry.startedAt !== undefined ? { startedAt: entry.startedAt } : {}),
    ...(entry.generation !== undefined && Number.isSafeInteger(entry.generation)
      ? { generation: BigInt(entry.generation) }
      : {}),
    ...(entry.correlationId !== undefined ? { correlationId: entry.correlationId } : {}),
    ...(entry.workerId !== undefined ? { workerId: entry.workerId } : {}),
    ...(entry.reason !== undefined ? { reason: entry.reason } : {}),
    ...(entry.objects !== undefined ? { objects: [...entry.objects] } : {}),
  });
}
