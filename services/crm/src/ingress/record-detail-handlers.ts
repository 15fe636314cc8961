// oaas.crm.v1.RecordDetailService: a record's status in full, its history and its NFR
// state, for the PM's `deployment-status`, `history` and `nfr`. Same shape as deployment-handlers.ts: the
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
import type { RecordExplanation, WhatIfResult } from "@oaas/nfr";
import type { HistoryEntry } from "@oaas/queue";
import { DeploymentError, invalidArgument } from "../deployments/errors.ts";
import { readHistory, type HistorySource } from "../deployments/history.ts";
import type { RequestScope } from "../deployments/service.ts";
import { requestScope } from "./scope.ts";
import { nfrDetailMessage } from "./nfr-detail.ts";
import { statusDetail } from "./status-detail.ts";

/**
 * Explains a record's NFR state (enforcer/explain.ts and what-if.ts, wired by program.ts):
 * reads the enforcer's store in Redis and the record's workloads, writes nothing. With
 * `atRps`, also the what-if at that load. Throws what Kubernetes or Redis throw.
 */
export type NfrExplainer = (
  record: DeploymentRecord,
  atRps: number | undefined,
  signal: AbortSignal,
) => Promise<{ explanation: RecordExplanation; whatIf?: WhatIfResult }>;

export interface RecordDetailSources {
  /** Finds a record as GetDeploymentStatus does; DeploymentsService satisfies it. */
  readonly records: {
    find(deploymentId: string, scope: RequestScope): Promise<DeploymentRecord>;
  };
  /** Records' history; absent: GetHistory answers UNIMPLEMENTED (this CRM keeps none). */
  readonly history?: HistorySource;
  /** A record's NFR state; absent: GetNfrDetail answers UNIMPLEMENTED (no enforcer store here). */
  readonly nfr?: NfrExplainer;
  /** Used when the request names no namespace (x-namespace). */
  readonly namespace: string;
}

export function recordDetailHandlers(
  sources: RecordDetailSources,
): Partial<ServiceImpl<typeof RecordDetailService>> {
  const { records, history, nfr, namespace } = sources;
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
    ...(nfr
      ? {
          async getNfrDetail(req, context) {
            const scope = requestScope(context, namespace);
            const atRps = req.atRps;
            if (atRps !== undefined && !(Number.isFinite(atRps) && atRps >= 0))
              throw invalidArgument([
                { field: "at_rps", message: "must be a number of requests per second, 0 or more" },
              ]);
            const record = await records.find(req.deploymentId, scope);
            let found;
            try {
              found = await nfr(record, atRps, scope.signal);
            } catch (error) {
              throw new DeploymentError(
                "unavailable",
                `cannot explain the NFR state of ${req.deploymentId}: ${error instanceof Error ? error.message : String(error)}`,
                [],
                { cause: error },
              );
            }
            return nfrDetailMessage(req.deploymentId, found.explanation, found.whatIf);
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
