// The condition refresh (the resync): every OPRC_PM_STATUS_REFRESH_SECS the PM settles
// every dispatched deployment, so the stored state follows the clusters without anyone
// asking. Each sweep first marks interrupted dispatches (interrupted-sweep.ts), then
// settles each deployment in a condition that clusters can change (settle.ts).
import { randomUUID } from "node:crypto";
import type { DeploymentCondition } from "@oaas/models";
import type { Logger } from "@oaas/telemetry";
import type { CallContext } from "../crm/manager.ts";
import { StorageUnavailableError } from "../storage/index.ts";
import { keyLog, type ActorDeps } from "./deps.ts";
import { NotFoundError } from "./errors.ts";
import { sweepInterrupted } from "./interrupted-sweep.ts";
import type { DeploymentSettler } from "./settle.ts";

/** Conditions whose deployments the resync looks at (PENDING: see interrupted-sweep.ts). */
const settledConditions: readonly DeploymentCondition[] = ["UNKNOWN", "DEPLOYING", "RUNNING", "DOWN"];

/**
 * One sweep: a PENDING deployment older than any dispatch can take becomes UNKNOWN
 * first, then every UNKNOWN, DEPLOYING, RUNNING and DOWN deployment is settled. One
 * deployment's failure is logged and skipped; the store itself failing
 * (StorageUnavailableError) ends the sweep, thrown. Resolves with the number settled.
 */
export async function refreshConditions(
  deps: ActorDeps,
  settler: DeploymentSettler,
  ctx: CallContext,
): Promise<number> {
  let read = 0;
  await sweepInterrupted(deps, ctx);
  for (const condition of settledConditions) {
    for (const d of await deps.storage.listDeployments({ condition })) {
      try {
        await settler.settle(d.key, ctx);
        read++;
      } catch (error) {
        if (error instanceof NotFoundError) continue; // deleted meanwhile
        // The store itself failing fails every other key too: one line for the sweep.
        if (error instanceof StorageUnavailableError) throw error;
        keyLog(deps, d.key, ctx).warn("condition refresh failed", { error: (error as Error).message });
      }
    }
  }
  return read;
}

/**
 * Runs `sweep` every `intervalMs` (0: never), one sweep at a time: the next waits for the
 * previous to end; each has its own correlation id. A failed sweep is logged. stop()
 * waits for a running sweep.
 */
export function startConditionRefresher(
  sweep: (ctx: CallContext) => Promise<unknown>,
  intervalMs: number,
  logger: Logger,
): { stop(): Promise<void> } {
  if (intervalMs <= 0) return { stop: () => Promise.resolve() };
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep({ correlationId: `refresh-${randomUUID()}` })
        .then(
          () => undefined,
          (error: unknown) => {
            logger.warn("condition refresh failed", { error: (error as Error).message });
          },
        )
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
