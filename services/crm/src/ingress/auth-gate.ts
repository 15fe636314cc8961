// Authentication and authorization of every RPC, run once per call before its body is
// read (connect's requestGate, for gRPC, gRPC-Web and Connect alike): the RPC's need from
// access.ts, the namespace it acts in (x-namespace, default the CRM's), then the CRM gate
// (process/gate.ts: credential, role, the principal's scope cut to the served namespaces).
// A refusal is decided before any lookup, so it never says whether a record exists, and
// maps once to a status code (error-map.ts). A refused write gets its audit line here.
import { Code, type HandlerContext } from "@connectrpc/connect";
import { unauthenticated, type Gate, type GateResult } from "@oaas/auth";
import { accessOf } from "./access.ts";
import type { AuditLog } from "./audit-log.ts";
import { refusalError, verifierUnavailable } from "./error-map.ts";
import { correlationGate } from "./interceptor.ts";
import { correlationIdOf, namespaceFrom, namespaceHeader } from "./metadata.ts";
import { namespaceKey, peerKey, principalKey } from "./principal-context.ts";

export interface AuthGateOptions {
  readonly gate: Gate;
  /** The namespace of a call without x-namespace (OPRC_CRM_K8S_NAMESPACE). */
  readonly defaultNamespace: string;
  readonly audit: AuditLog;
}

/**
 * The ingress's request gate: sets the correlation id (correlationGate), then the principal
 * (principalKey) and the authorized namespace (namespaceKey), or throws UNAUTHENTICATED,
 * PERMISSION_DENIED, RESOURCE_EXHAUSTED (a source past its failed-authentication burst) or
 * UNAVAILABLE (an OIDC issuer out of reach). An x-namespace that is not a namespace name is
 * left to the handler (INVALID_ARGUMENT) once the caller is authenticated.
 */
export function authGate(options: AuthGateOptions): (context: HandlerContext) => Promise<void> {
  return async (context) => {
    correlationGate(context);
    const access = accessOf(context.service.typeName, context.method.name);
    if (access.need === "public") return;
    const resolved = access.namespaced
      ? namespaceFrom(context.requestHeader.get(namespaceHeader), options.defaultNamespace)
      : undefined;
    const namespace = resolved !== undefined && "namespace" in resolved ? resolved.namespace : undefined;
    const peer = context.values.get(peerKey);
    let result: GateResult;
    try {
      result = await options.gate(
        {
          authorization: context.requestHeader.get("authorization") ?? undefined,
          peerIdentities: peer.identities,
          source: peer.source,
        },
        access.need,
        namespace,
      );
    } catch (error) {
      throw verifierUnavailable(error);
    }
    if (!result.ok) {
      const error = refusalError(result);
      if (access.write)
        options.audit({
          principal: result.principal ?? unauthenticated,
          action: context.method.name,
          // Refused before the body is read: the object is not known.
          namespace,
          outcome: "denied",
          code: Code[error.code],
          correlationId: correlationIdOf(context),
        });
      throw error;
    }
    context.values.set(principalKey, result.principal);
    if (namespace !== undefined) context.values.set(namespaceKey, namespace);
  };
}
