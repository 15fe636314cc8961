// Request metadata the ingress reads and writes, and the per-call values the
// interceptor hands to handlers through Connect context values.
import { randomUUID } from "node:crypto";
import { isDns1123Label } from "@oaas/kube-rules";
import { createContextKey, type HandlerContext } from "@connectrpc/connect";
import type { FieldError } from "../deployments/errors.ts";

export const correlationHeader = "x-correlation-id";
/** Names the namespace to use instead of the configured one. */
export const namespaceHeader = "x-namespace";
/**
 * The end user a caller (the PM) acts for: recorded in the record (oaas.io/on-behalf-of) and
 * its history, never used to decide anything: the caller's own credential is what is authorized.
 */
export const onBehalfOfHeader = "x-oaas-on-behalf-of";
/** Selects a template (dev, edge, full, knative or an alias) for Deploy. */
export const templateHeader = "x-template";

/** The correlation id of the current call (set by the interceptor). */
export const correlationKey = createContextKey<string>("", { description: "x-correlation-id of the call" });

const maxCorrelationLength = 128;

/**
 * The caller's correlation id when it is usable as an annotation value and log field
 * (printable ASCII, at most 128 chars); otherwise a fresh UUID.
 */
export function correlationIdFrom(header: string | null): string {
  if (header && header.length <= maxCorrelationLength && /^[\x21-\x7e]+$/.test(header)) return header;
  return randomUUID();
}

/** The namespace named by x-namespace, or the default; an invalid name is a field error. */
export function namespaceFrom(header: string | null, fallback: string): { namespace: string } | FieldError {
  if (header === null || header === "") return { namespace: fallback };
  if (isDns1123Label(header)) return { namespace: header };
  return {
    field: namespaceHeader,
    message: `"${header.slice(0, 70)}" is not a valid namespace name (DNS-1123 label)`,
  };
}

/** The on-behalf-of name when it is printable text of at most 128 characters (an annotation value and log field), else undefined. */
export function onBehalfOfFrom(header: string | null): string | undefined {
  if (header && header.length <= maxCorrelationLength && /^[\x20-\x7e]+$/.test(header))
    return header.trim() || undefined;
  return undefined;
}

export function correlationIdOf(context: HandlerContext): string {
  return (
    context.values.get(correlationKey) || correlationIdFrom(context.requestHeader.get(correlationHeader))
  );
}
