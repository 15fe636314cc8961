// The request scope every RPC handler passes to the domain: the namespace (x-namespace,
// else the CRM's configured one; the auth gate already checked it), who asked (the gate's
// principal, and the end user the caller names), the correlation id, the client's deadline as an abort
// signal, and the trace context. One function, so DeploymentService and
// RecordDetailService choose a namespace by the same rule.
import type { HandlerContext } from "@connectrpc/connect";
import { currentTraceparent } from "@oaas/telemetry";
import { invalidArgument } from "../deployments/errors.ts";
import type { RequestScope } from "../deployments/service.ts";
import { describePrincipal } from "@oaas/auth";
import {
  correlationIdOf,
  namespaceFrom,
  namespaceHeader,
  onBehalfOfFrom,
  onBehalfOfHeader,
} from "./metadata.ts";
import { principalKey } from "./principal-context.ts";

/**
 * The scope of the call in `context`. Throws DeploymentError invalidArgument (field
 * x-namespace) when the header names something that is not a DNS-1123 label.
 */
export function requestScope(context: HandlerContext, defaultNamespace: string): RequestScope {
  const resolved = namespaceFrom(context.requestHeader.get(namespaceHeader), defaultNamespace);
  if (!("namespace" in resolved)) throw invalidArgument([resolved]);
  const traceparent = currentTraceparent();
  const principal = context.values.get(principalKey);
  const onBehalfOf = onBehalfOfFrom(context.requestHeader.get(onBehalfOfHeader));
  return {
    namespace: resolved.namespace,
    ...(principal.via !== "none" ? { requestedBy: describePrincipal(principal) } : {}),
    ...(onBehalfOf !== undefined ? { onBehalfOf } : {}),
    correlationId: correlationIdOf(context),
    signal: context.signal,
    ...(traceparent ? { traceparent } : {}),
  };
}
