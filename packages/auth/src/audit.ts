// Audit entries: one JSON line per write, naming who did what to which object and how it
// ended (Kubernetes audit events and Argo CD's audit log carry the same facts). Pure: the
// caller stamps the time and writes the line through its logger.
import type { Principal } from "./principal.ts";

/** The message every audit line carries, so a log pipeline can select them. */
export const auditMessage = "audit";

/** How the write ended: `denied` by the gate, `succeeded`, or `failed` (the error code follows in `code`). */
export type AuditOutcome = "denied" | "succeeded" | "failed";

/** The fields of one audit line (snake case, as every log field of the project). */
export interface AuditEntry {
  readonly audit_time: string;
  readonly principal: string;
  readonly role: string;
  readonly auth_method: string;
  /** The verb: an RPC name (`Deploy`) or a route (`POST /api/v1/deployments`). */
  readonly action: string;
  /** What it acted on, e.g. `deployment/hello-greeter` or `package/shop`; `-` when none. */
  readonly object: string;
  readonly namespace?: string;
  readonly outcome: AuditOutcome;
  /** HTTP status or gRPC code name of the answer. */
  readonly code: string;
  readonly correlation_id: string;
}

export interface AuditFacts {
  readonly at: Date;
  readonly principal: Principal;
  readonly action: string;
  readonly object?: string | undefined;
  readonly namespace?: string | undefined;
  readonly outcome: AuditOutcome;
  readonly code: string | number;
  readonly correlationId: string;
}

/** Shapes one audit line from the facts of a write. */
export function auditEntry(facts: AuditFacts): AuditEntry {
  return {
    audit_time: facts.at.toISOString(),
    principal: facts.principal.name,
    role: facts.principal.role,
    auth_method: facts.principal.via,
    action: facts.action,
    object: facts.object ?? "-",
    ...(facts.namespace === undefined ? {} : { namespace: facts.namespace }),
    outcome: facts.outcome,
    code: String(facts.code),
    correlation_id: facts.correlationId,
  };
}
