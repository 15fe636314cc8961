// GET /api/v1/records/{deployment_id}/status[?namespace=ns] on the ingress listener: a
// record's status in full (deployments/status-detail.ts) as JSON, so the PM can show
// conditions, function readiness and URLs without a new RPC (the gRPC contract is fixed
// by existing clients). It reads the way GetDeploymentStatus does (the same service
// call: the informer cache within its staleness bound, else the API server) and sits
// behind the same listener, so mTLS guards it exactly like the RPCs.
import type { IncomingHttpHeaders } from "node:http";
import type { DeploymentRecord } from "@oaas/crd";
import { withContext, type Logger } from "@oaas/telemetry";
import { isDeploymentError, type DeploymentErrorCode } from "../deployments/errors.ts";
import type { RequestScope } from "../deployments/service.ts";
import { statusDetail, type StatusDetail } from "../deployments/status-detail.ts";
import { correlationHeader, correlationIdFrom } from "./metadata.ts";
import { parseRecordRequest } from "./record-path.ts";

/** Finding a deployment's record; DeploymentsService.find satisfies it as it is. */
export interface StatusSource {
  /** The record of `deploymentId`; throws DeploymentError notFound / unavailable / deadlineExceeded. */
  find(deploymentId: string, scope: RequestScope): Promise<DeploymentRecord>;
}

export interface StatusRouteOptions {
  readonly source: StatusSource;
  /** Used when the query names none. */
  readonly namespace: string;
  /** Gets a line for each answer the CRM could not give (5xx), with deployment_id and correlation_id. */
  readonly logger?: Logger;
  /** Longest a read may take before the answer is 503, ms. Default 10 000. */
  readonly timeoutMs?: number;
}

/** The answer to a request, by the domain error it failed with. */
const statuses: Partial<Record<DeploymentErrorCode, number>> = {
  invalidArgument: 400,
  notFound: 404,
  // Kubernetes could not be asked (down, overloaded, CRD missing), or not in time.
  unavailable: 503,
  deadlineExceeded: 503,
};

/**
 * Handles the request when its path is the status route and returns true; false leaves
 * it to the next handler. `send` writes a JSON answer; `signal` aborts when the client
 * goes away (the read stops with it). Answers 200 StatusDetail; 400 {error} for an id or
 * namespace record-path.ts refuses; 404 {error} naming the id when no record of it
 * exists in the namespace; 503 {error} when the API server cannot be asked (or not
 * within `timeoutMs`); 500 {error} for anything else.
 */
export function serveStatus(
  request: { readonly url: string; readonly headers: IncomingHttpHeaders },
  send: (status: number, body: unknown) => void,
  signal: AbortSignal,
  options: StatusRouteOptions,
): boolean {
  const parsed = parseRecordRequest(request.url, "status", options.namespace);
  if (parsed === undefined) return false;
  if (!parsed.ok) {
    send(400, { error: parsed.error });
    return true;
  }
  const header = request.headers[correlationHeader];
  const correlationId = correlationIdFrom(typeof header === "string" ? header : null);
  const scope: RequestScope = {
    namespace: parsed.namespace,
    correlationId,
    signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs ?? 10_000)]),
  };
  options.source.find(parsed.id, scope).then(
    (record) => send(200, statusDetail(record, parsed.namespace) satisfies StatusDetail),
    (error: unknown) => {
      if (signal.aborted) return; // the client went away: nobody to answer, nothing wrong here
      const status = (isDeploymentError(error) ? statuses[error.code] : undefined) ?? 500;
      const message =
        status === 500 ? "internal error" : error instanceof Error ? error.message : String(error);
      if (status >= 500 && options.logger) {
        withContext(options.logger, { deploymentId: parsed.id, correlationId }).warn("record status failed", {
          status,
          error: error instanceof Error ? error.message : String(error),
        });
      }
      send(status, { error: status === 503 ? `cannot read the record: ${message}` : message });
    },
  );
  return true;
}
