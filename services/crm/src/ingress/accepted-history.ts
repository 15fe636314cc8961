// The first entry of a record's history: the ingress accepted a Deploy and stored the
// spec. Written by the ingress (not the reconciler) because only it knows the request:
// its correlation id is what the caller has in hand. Best effort: the record is already
// stored, so a Redis outage costs the entry (logged), never the Deploy.
import type { HistorySink } from "@oaas/queue";
import type { Logger } from "@oaas/telemetry";
import type { AcceptedDeploy } from "../deployments/service.ts";
import { processIdentity } from "../process/identity.ts";

/** How long a Deploy waits for its history entry before answering anyway, ms. */
const appendBoundMs = 1000;

/**
 * The DeploymentsService hook that appends "accepted" to the record's history.
 * Resolves once the entry is written, or after appendBoundMs, or on a Redis error
 * (logged as a warning with deployment_id and correlation_id); never rejects.
 */
export function acceptedHistory(
  history: HistorySink,
  logger: Logger,
): (event: AcceptedDeploy) => Promise<void> {
  const workerId = processIdentity("ingress");
  return async (event) => {
    const entry = {
      type: "accepted" as const,
      time: new Date().toISOString(),
      generation: event.generation,
      correlationId: event.correlationId,
      workerId,
      message: `Deploy ${event.result === "created" ? "created the record" : "updated the record"} (generation ${event.generation})`,
    };
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<"late">(
      (resolve) => (timer = setTimeout(() => resolve("late"), appendBoundMs)),
    );
    const log = { deployment_id: event.deploymentId, correlation_id: event.correlationId };
    try {
      const outcome = await Promise.race([history.append(event.namespace, event.name, entry), bound]);
      if (outcome === "late")
        logger.warn("history entry not written in time; the Deploy answers without waiting", {
          ...log,
          bound_ms: appendBoundMs,
        });
    } catch (error) {
      logger.warn("cannot write the accepted history entry", {
        ...log,
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      clearTimeout(timer);
    }
  };
}
