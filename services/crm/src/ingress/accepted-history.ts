// The entries the ingress writes into a record's history: "accepted" (a Deploy stored the
// spec) and "delete-requested" (a DeleteDeployment marked it for deletion). Written by the
// ingress (not the reconciler) because only it knows the request: its correlation id is
// what the caller has in hand, and its principal is who asked ("accepted by pm-prod via
// deployer for alice", so `oaasctl history` shows it). Best effort: the record is already
// written, so a Redis outage costs the entry (logged), never the call.
import type { HistoryEntry, HistorySink } from "@oaas/queue";
import type { Logger } from "@oaas/telemetry";
import type { AcceptedDeploy, RequestedDelete, WriteHooks } from "../deployments/service.ts";
import { processIdentity } from "../process/identity.ts";

/** How long a write waits for its history entry before answering anyway, ms. */
const appendBoundMs = 1000;

/** ", accepted by <principal> via <role> for <end user>", or "" when nobody is known (tests of the service alone). */
export function acceptedBy(event: Pick<AcceptedDeploy, "requestedBy" | "onBehalfOf">): string {
  if (event.requestedBy === undefined) return "";
  return `, accepted by ${event.requestedBy}${event.onBehalfOf !== undefined ? ` for ${event.onBehalfOf}` : ""}`;
}

/**
 * The DeploymentsService hooks that append "accepted" and "delete-requested" to the
 * record's history. Each resolves once the entry is written, or after appendBoundMs, or on
 * a Redis error (logged as a warning with deployment_id and correlation_id); never rejects.
 */
export function writeHistory(history: HistorySink, logger: Logger): Required<WriteHooks> {
  const workerId = processIdentity("ingress");
  const append = async (event: AcceptedDeploy | RequestedDelete, entry: HistoryEntry) => {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<"late">(
      (resolve) => (timer = setTimeout(() => resolve("late"), appendBoundMs)),
    );
    const log = { deployment_id: event.deploymentId, correlation_id: event.correlationId };
    try {
      const outcome = await Promise.race([history.append(event.namespace, event.name, entry), bound]);
      if (outcome === "late")
        logger.warn("history entry not written in time; the call answers without waiting", {
          ...log,
          bound_ms: appendBoundMs,
        });
    } catch (error) {
      logger.warn(`cannot write the ${entry.type} history entry`, {
        ...log,
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    accepted: (event) =>
      append(event, {
        type: "accepted",
        time: new Date().toISOString(),
        generation: event.generation,
        correlationId: event.correlationId,
        workerId,
        message: `Deploy ${event.result === "created" ? "created the record" : "updated the record"} (generation ${event.generation})${acceptedBy(event)}`,
      }),
    deleteRequested: (event) =>
      append(event, {
        type: "delete-requested",
        time: new Date().toISOString(),
        correlationId: event.correlationId,
        workerId,
        message: `DeleteDeployment marked the record for deletion${acceptedBy(event)}`,
      }),
  };
}

/** The "accepted" hook alone (tests and callers that only deploy). */
export function acceptedHistory(
  history: HistorySink,
  logger: Logger,
): (event: AcceptedDeploy) => Promise<void> {
  return writeHistory(history, logger).accepted;
}
