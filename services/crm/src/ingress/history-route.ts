// GET /api/v1/records/{deployment_id}/history[?limit=n] on the ingress listener: a
// record's history (the capped Redis stream of packages/queue) as JSON, so the PM can
// show it without a new RPC (the gRPC contract is fixed by existing clients). It sits
// behind the same listener as the RPCs, so mTLS guards it exactly like them.
import { recordName } from "@oaas/crd";
import type { HistoryEntry } from "@oaas/queue";
import { parseRecordRequest } from "./record-path.ts";

/** Reading a record's history; the Redis store of @oaas/queue satisfies it as it is. */
export interface HistorySource {
  read(namespace: string, name: string, options?: { readonly limit?: number }): Promise<HistoryEntry[]>;
}

/** The body of a 200 answer. */
export interface HistoryAnswer {
  readonly deployment_id: string;
  readonly namespace: string;
  /** Oldest first. */
  readonly entries: readonly HistoryEntry[];
}

/** Largest `limit` accepted; the stream keeps at most queueDefaults.historyMaxEntries anyway. */
const maxLimit = 10_000;

/**
 * Handles the request (its URL path and query) when its path is the history route and
 * returns true; false leaves it to the next handler. `send` writes a JSON answer. Answers 200 {deployment_id, namespace, entries}, 404 {error}
 * when the record has no history (never deployed here, or deleted and its history
 * removed), 400 for a bad limit or an id or namespace record-path.ts refuses, 503 when
 * Redis cannot be read.
 */
export function serveHistory(
  requestUrl: string,
  send: (status: number, body: unknown) => void,
  source: HistorySource,
  namespace: string,
): boolean {
  const request = parseRecordRequest(requestUrl, "history", namespace);
  if (request === undefined) return false;
  if (!request.ok) {
    send(400, { error: request.error });
    return true;
  }
  const { id, namespace: ns } = request;
  const limitText = request.query.get("limit");
  const limit = limitText === null ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > maxLimit)) {
    send(400, { error: `limit must be a whole number from 1 to ${maxLimit}` });
    return true;
  }
  source.read(ns, recordName(id), limit === undefined ? {} : { limit }).then(
    (entries) => {
      if (entries.length === 0)
        send(404, { error: `no history for deployment "${id}" in namespace "${ns}"` });
      else send(200, { deployment_id: id, namespace: ns, entries } satisfies HistoryAnswer);
    },
    (error: unknown) =>
      send(503, {
        error: `cannot read the history from Redis: ${error instanceof Error ? error.message : String(error)}`,
      }),
  );
  return true;
}
