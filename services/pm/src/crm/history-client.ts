// A record's history from one CRM: GET /api/v1/records/{id}/history on the CRM's listener
// (plain HTTP beside the RPCs; the gRPC contract has no history call and stays as it is).
// The request itself is record-route.ts's.
import type { ClusterConfig } from "../config/index.ts";
import { answerError, getRecordRoute, type RecordRouteOptions } from "./record-route.ts";

/** What the CRM answers: entries oldest first (shape: @oaas/queue HistoryEntry, passed through). */
export interface RecordHistory {
  readonly deployment_id: string;
  readonly namespace: string;
  readonly entries: readonly Record<string, unknown>[];
}

/**
 * The history of `deploymentId` on `cluster`, or undefined when the CRM has none (404).
 * Throws CrmError: "unreachable" when no answer came within `timeoutMs` or the CRM
 * answered 5xx (e.g. its Redis is down), "answered" for any other status.
 */
export async function fetchRecordHistory(
  cluster: ClusterConfig,
  deploymentId: string,
  options: RecordRouteOptions,
): Promise<RecordHistory | undefined> {
  const answer = await getRecordRoute(cluster, deploymentId, "history", options);
  if (answer.status === 404) return undefined;
  if (answer.status === 200 && isHistory(answer.json)) return answer.json;
  throw answerError(cluster.name, "history", answer);
}

function isHistory(value: unknown): value is RecordHistory {
  return typeof value === "object" && value !== null && Array.isArray((value as RecordHistory).entries);
}
