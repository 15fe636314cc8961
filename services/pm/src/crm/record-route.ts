// GET /api/v1/records/{id}/<leaf> on one CRM's listener: the plain-HTTP routes beside the
// RPCs (history, status in full) that the gRPC contract has no call for and that stay
// off it. Same URL, token and TLS files as the cluster's gRPC client. One module for the
// request, its deadline and what a failed answer means; history-client.ts and
// status-detail-client.ts only read their bodies.
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { ClusterConfig } from "../config/index.ts";
import { CrmError } from "./errors.ts";

/** The record routes the CRM ingress serves. */
export type RecordRouteLeaf = "history" | "status";

export interface RecordRouteOptions {
  /** The whole exchange (connect, send, answer read to the end) ends by then, ms. */
  readonly timeoutMs: number;
  readonly correlationId: string;
  /** Sent as ?namespace= (the CRM's configured namespace when absent). */
  readonly namespace?: string;
  /** Ends the exchange early (e.g. the status it was fetched for failed). */
  readonly signal?: AbortSignal;
}

/** What the CRM answered: its HTTP status and its body parsed as JSON (undefined when not JSON). */
export interface RecordRouteAnswer {
  readonly status: number;
  readonly json: unknown;
}

/**
 * Asks `cluster` for /api/v1/records/{deploymentId}/{leaf}. Resolves with whatever status
 * the CRM answered; throws CrmError "unreachable" when no whole answer came within
 * `timeoutMs` (or the connection failed, or `signal` aborted), with a message
 * `cluster "<name>": <leaf>: <why>`.
 */
export async function getRecordRoute(
  cluster: ClusterConfig,
  deploymentId: string,
  leaf: RecordRouteLeaf,
  options: RecordRouteOptions,
): Promise<RecordRouteAnswer> {
  const url = new URL(`/api/v1/records/${encodeURIComponent(deploymentId)}/${leaf}`, cluster.url);
  if (options.namespace) url.searchParams.set("namespace", options.namespace);
  const headers: Record<string, string> = {
    accept: "application/json",
    "x-correlation-id": options.correlationId,
  };
  if (cluster.token !== undefined) headers["authorization"] = `Bearer ${cluster.token}`;
  let answer: { status: number; body: string };
  try {
    answer = await get(url, headers, cluster, options);
  } catch (error) {
    throw new CrmError(
      cluster.name,
      "unreachable",
      undefined,
      `cluster "${cluster.name}": ${leaf}: ${(error as Error).message}`,
      { cause: error },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(answer.body);
  } catch {
    json = undefined;
  }
  return { status: answer.status, json };
}

/**
 * The CrmError for an answer a reader could not use: "unreachable" for 5xx (the CRM
 * could not ask its API server or Redis), "answered" for anything else. The message is
 * the CRM's {error} when it sent one, else the HTTP status.
 */
export function answerError(cluster: string, leaf: RecordRouteLeaf, answer: RecordRouteAnswer): CrmError {
  const sent = (answer.json as { error?: unknown } | undefined)?.error;
  const reason = typeof sent === "string" ? sent : `HTTP ${answer.status}`;
  return new CrmError(
    cluster,
    answer.status >= 500 ? "unreachable" : "answered",
    undefined,
    `cluster "${cluster}": ${leaf}: ${reason}`,
  );
}

function get(
  url: URL,
  headers: Record<string, string>,
  cluster: ClusterConfig,
  options: RecordRouteOptions,
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
    // A deadline on the whole exchange, not only on an idle socket: a CRM that trickles
    // its answer must not hold the caller past it. Capped to what a timer can hold.
    const timeoutMs = Math.min(options.timeoutMs, 2 ** 31 - 1);
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const onAbort = () => request.destroy(new Error("cancelled"));
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
    };
    if (options.signal?.aborted) onAbort();
    request.on("error", (error) => {
      done();
      reject(error);
    });
    request.on("response", (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => {
        done();
        resolve({ status: response.statusCode ?? 0, body });
      });
      response.on("error", (error) => {
        done();
        reject(error);
      });
      // Cut off mid-answer (the deadline, or the CRM went away): a rejection, never a hang.
      response.on("close", () => {
        if (response.complete) return;
        done();
        reject(new Error("the answer was cut short"));
      });
    });
    request.end();
  });
}
