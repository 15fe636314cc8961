// A record's history from one CRM: GET /api/v1/records/{id}/history on the CRM's listener
// (plain HTTP beside the RPCs; the gRPC contract has no history call and stays as it is).
// Same URL, token and TLS files as the cluster's gRPC client.
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { ClusterConfig } from "../config/index.ts";
import { CrmError } from "./errors.ts";

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
  options: { readonly timeoutMs: number; readonly correlationId: string; readonly namespace?: string },
): Promise<RecordHistory | undefined> {
  const url = new URL(`/api/v1/records/${encodeURIComponent(deploymentId)}/history`, cluster.url);
  if (options.namespace) url.searchParams.set("namespace", options.namespace);
  const headers: Record<string, string> = {
    accept: "application/json",
    "x-correlation-id": options.correlationId,
  };
  if (cluster.token !== undefined) headers["authorization"] = `Bearer ${cluster.token}`;
  let answer: { status: number; body: string };
  try {
    answer = await get(url, headers, cluster, options.timeoutMs);
  } catch (error) {
    throw new CrmError(
      cluster.name,
      "unreachable",
      undefined,
      `cluster "${cluster.name}": history: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (answer.status === 404) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    parsed = undefined;
  }
  if (answer.status === 200 && isHistory(parsed)) return parsed;
  const reason =
    typeof (parsed as { error?: unknown } | undefined)?.error === "string"
      ? (parsed as { error: string }).error
      : `HTTP ${answer.status}`;
  throw new CrmError(
    cluster.name,
    answer.status >= 500 ? "unreachable" : "answered",
    undefined,
    `cluster "${cluster.name}": history: ${reason}`,
  );
}

function isHistory(value: unknown): value is RecordHistory {
  return typeof value === "object" && value !== null && Array.isArray((value as RecordHistory).entries);
}

function get(
  url: URL,
  headers: Record<string, string>,
  cluster: ClusterConfig,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const tls = cluster.tls;
    const request =
      url.protocol === "https:"
        ? https.request(url, {
            headers,
            ...(tls?.caCertPath ? { ca: fs.readFileSync(tls.caCertPath) } : {}),
            ...(tls?.clientCertPath ? { cert: fs.readFileSync(tls.clientCertPath) } : {}),
            ...(tls?.clientKeyPath ? { key: fs.readFileSync(tls.clientKeyPath) } : {}),
          })
        : http.request(url, { headers });
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on("error", reject);
    request.on("response", (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      response.on("error", reject);
    });
    request.end();
  });
}
