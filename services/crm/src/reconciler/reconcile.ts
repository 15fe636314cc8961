// What happens when a record changes (not deleting), as gather -> plan -> act:
// render (plan.ts planDesired) -> read the live children (snapshot.ts) -> plan the writes
// (plan.ts planChildren) -> write them (act.ts) -> observe the children (observe.ts), with
// the pods of each workload that is not available (observe.ts podReads; none when all
// are). The wrapper (handler.ts) concludes the status, history and Events (conclude.ts).
import type { DeploymentRecord } from "@oaas/crd";
import type { RenderContext } from "@oaas/templates";
import { actOnChildren } from "./act.ts";
import { servedKinds } from "./children.ts";
import type { ReconcilerIo } from "./io.ts";
import type { PodRead } from "../children/pod-health.ts";
import { observe, podReads, type PodReadRequest, type ReconcileOutcome } from "./observe.ts";
import { planChildren, planDesired, type PlanOptions } from "./plan.ts";
import { gatherChildren } from "./snapshot.ts";

export type { ReconcileOutcome } from "./observe.ts";

export interface ReconcileOptions extends PlanOptions {
  /** plan.ts isFirstRun: read the desired names only, list nothing. */
  readonly firstRun: boolean;
  /**
   * Settles when writing may begin (the finalizer is in place); rejects to stop before any
   * write. The reads (and the NameConflict check) run meanwhile: one API round trip less
   * per new record.
   */
  readonly writesAllowed?: Promise<unknown>;
}

/** One run for a live record. Throws a ReconcileFailure when the plan stops it (bad spec, NameConflict). */
export async function reconcileRecord(
  io: ReconcilerIo,
  record: DeploymentRecord,
  context: RenderContext,
  options: ReconcileOptions,
): Promise<ReconcileOutcome> {
  // A bad spec stops here, before anything running is touched.
  const desired = planDesired(record, context);
  if (!desired.ok) throw desired.failure;
  const rendered = desired.value;
  const live = await gatherChildren(
    io,
    record,
    rendered.objects,
    servedKinds(context.capabilities),
    options.firstRun,
  );
  const plan = planChildren(record, rendered.objects, live, options);
  if (!plan.ok) throw plan.failure;
  await options.writesAllowed;
  const acted = await actOnChildren(io, plan.value, options);
  return observe(record, rendered, acted, await readPods(io, podReads(rendered, acted)));
}

/**
 * The pods of each workload asked for, by workload name. A read that fails does not stop
 * the run (the pods only explain a state the workload already shows): its error is
 * reported in that workload's message instead.
 */
async function readPods(
  io: ReconcilerIo,
  requests: readonly PodReadRequest[],
): Promise<Map<string, PodRead>> {
  const reads = await Promise.allSettled(requests.map((r) => io.listPods(r.namespace, r.labelSelector)));
  return new Map(
    requests.map((r, i): [string, PodRead] => {
      const read = reads[i];
      return [
        r.workload,
        read?.status === "fulfilled" ? { pods: read.value } : { error: String(read?.reason) },
      ];
    }),
  );
}
