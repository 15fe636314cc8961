// The request pipeline every RPC of the ingress goes through, in one place: the deadline
// cap (deadline-cap.ts), the Connect adapter serving gRPC, gRPC-Web and Connect with the
// request gate (correlation id, then authentication and authorization, auth-gate.ts),
// tracing, the audit of writes, the observing interceptor (which maps domain errors to
// status codes once, error-map.ts), the in-flight bound per principal, and the plain-HTTP
// fallback. ingress.ts gives it
// the services; tests give it a few, and get exactly what the CRM serves.
import type { DescMethod } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { Logger, Metrics } from "@oaas/telemetry";
import { capDeadlineHeaders } from "./deadline-cap.ts";
import type { HandlerContext } from "@connectrpc/connect";
import { auditRpcs, type AuditLog } from "./audit-log.ts";
import { boundInFlight } from "./in-flight.ts";
import { correlationGate, observeRpcs } from "./interceptor.ts";
import { peerValues } from "./principal-context.ts";
import { traceRpcs } from "./tracing.ts";

export type NodeHandlerFn = ReturnType<typeof connectNodeAdapter>;

/** Largest request message accepted; a DeploymentUnit above validate.ts's limit fails there. */
export const readMaxBytes = 4 * 1024 * 1024;

export interface RpcHandlerOptions {
  /** Registers the services. */
  readonly routes: (router: ConnectRouter) => void;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Serves every path that is not an RPC (http-endpoints.ts). */
  readonly fallback: NodeHandlerFn;
  /** Aborted on shutdown: calls in flight see their signal end. */
  readonly shutdownSignal: AbortSignal;
  /** Runs before each body is read (auth-gate.ts). Default: the correlation id only (tests of other concerns). */
  readonly requestGate?: (context: HandlerContext) => void | Promise<void>;
  /** Where write RPCs are audited; absent: not audited. */
  readonly audit?: AuditLog;
  /** RPCs one principal may have in flight (config ingress.maxInFlightPerPrincipal); absent: unbounded. */
  readonly maxInFlightPerPrincipal?: number;
}

/** The handler, and every RPC its router registered (the inventory access.ts must cover). */
export type RpcHandler = NodeHandlerFn & { readonly rpcs: readonly DescMethod[] };

/** The Node request handler of the ingress listener. */
export function rpcHandler(options: RpcHandlerOptions): RpcHandler {
  const rpcs: DescMethod[] = [];
  const handler = connectNodeAdapter({
    routes: (router) => {
      options.routes(router);
      rpcs.push(...router.handlers.map((h) => h.method));
    },
    grpc: true,
    grpcWeb: true,
    connect: true,
    readMaxBytes,
    shutdownSignal: options.shutdownSignal,
    requestGate: options.requestGate ?? correlationGate,
    // The peer (address, verified client certificate) for the gate.
    contextValues: peerValues,
    // Tracing outermost: the RPC's log line and metrics are taken inside its span. The audit
    // sees the mapped code; the in-flight refusal is logged and counted like any answer.
    interceptors: [
      traceRpcs(),
      ...(options.audit ? [auditRpcs(options.audit)] : []),
      observeRpcs(options.logger, options.metrics),
      ...(options.maxInFlightPerPrincipal !== undefined
        ? [boundInFlight(options.maxInFlightPerPrincipal)]
        : []),
    ],
    fallback: options.fallback,
  });
  const handle: NodeHandlerFn = (req, res) => {
    capDeadlineHeaders(req.headers);
    handler(req, res);
  };
  return Object.assign(handle, { rpcs });
}
