// The interrupted-dispatch sweep: a deployment PENDING for longer than any dispatch can
// take (CrmManager.dispatchBoundMs) was cut short — the PM stopped, or its store failed,
// between storing it and recording the clusters' answers. Gather (the PENDING
// deployments), decide (@oaas/models isInterrupted, interruptedWrite), act (one
// compare-and-swap each): it becomes UNKNOWN and the next settle sends it again.
import { interruptedWrite, isInterrupted } from "@oaas/models";
import type { CallContext } from "../crm/manager.ts";
import { StorageNotFoundError } from "../storage/index.ts";
import { keyLog, type ActorDeps } from "./deps.ts";

/**
 * Marks every interrupted dispatch UNKNOWN, with an UNKNOWN mapping for every target
 * cluster that has no confirmed one. Only while it is still PENDING with the same
 * updated_at: a live dispatch is untouched. A deployment deleted meanwhile is skipped;
 * any other store failure is thrown.
 */
export async function sweepInterrupted(deps: ActorDeps, ctx: CallContext): Promise<void> {
  const boundMs = deps.crm.dispatchBoundMs();
  const nowMs = deps.now().getTime();
  for (const d of await deps.storage.listDeployments({ condition: "PENDING" })) {
    if (!isInterrupted(d, nowMs, boundMs)) continue;
    const outcome = { marked: false }; // set inside the CAS callback
    try {
      await deps.storage.updateDeployment(d.key, (current, mappings) => {
        const next = interruptedWrite(d, current, mappings, deps.now().toISOString());
        outcome.marked = next !== undefined;
        return next ?? { deployment: current };
      });
      if (outcome.marked)
        keyLog(deps, d.key, ctx).warn(
          "interrupted dispatch: PENDING deployment is UNKNOWN until its clusters answer",
          { pending_since: d.updated_at },
        );
    } catch (error) {
      if (!(error instanceof StorageNotFoundError)) throw error; // deleted meanwhile
    }
  }
}
