// The audit trail of the ingress: one JSON line per write RPC (Deploy, DeleteDeployment:
// `write` in access.ts), refused or served, naming the principal, the action, the object
// and how it ended, with the correlation id (@oaas/auth auditEntry). Denied calls are
// written by the gate (auth-gate.ts), served ones by the interceptor here.
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { auditEntry, auditMessage, type AuditFacts } from "@oaas/auth";
import type { Logger } from "@oaas/telemetry";
import { accessOf } from "./access.ts";
import { deploymentIdOf } from "./interceptor.ts";
import { correlationHeader, correlationIdFrom, correlationKey } from "./metadata.ts";
import { namespaceKey, principalKey } from "./principal-context.ts";

/** Writes one audit line (info level, message "audit"); `at` is stamped now. */
export type AuditLog = (facts: Omit<AuditFacts, "at">) => void;

export function auditLog(logger: Logger): AuditLog {
  return (facts) => {
    const deploymentId = facts.object?.startsWith("deployment/") ? facts.object.slice(11) : undefined;
    logger.info(auditMessage, {
      ...auditEntry({ ...facts, at: new Date() }),
      ...(deploymentId !== undefined ? { deployment_id: deploymentId } : {}),
    });
  };
}

/** `deployment/<id>` of a request message, or undefined. */
export function objectOf(message: unknown): string | undefined {
  const id = deploymentIdOf(message);
  return id === undefined || id === "" ? undefined : `deployment/${id}`;
}

/** Audits every write RPC the gate let through: succeeded (OK) or failed (its code). */
export function auditRpcs(audit: AuditLog): Interceptor {
  return (next) => async (req) => {
    if (!accessOf(req.service.typeName, req.method.name).write) return next(req);
    const facts = {
      principal: req.contextValues.get(principalKey),
      action: req.method.name,
      object: req.stream ? undefined : objectOf(req.message),
      namespace: req.contextValues.get(namespaceKey),
      correlationId:
        req.contextValues.get(correlationKey) || correlationIdFrom(req.header.get(correlationHeader)),
    };
    try {
      const res = await next(req);
      audit({ ...facts, outcome: "succeeded", code: "OK" });
      return res;
    } catch (error) {
      const code = error instanceof ConnectError ? Code[error.code] : Code[Code.Internal];
      audit({ ...facts, outcome: "failed", code });
      throw error;
    }
  };
}
