// Pure: what to do for one desired child, given the object the API server holds under its
// name (if any): create it, leave it, drop a stale repair marker, apply a new desired
// state, or put back a hand edit. A repair is a short loop (write, then check the API
// server's answer), so its decisions are a step function the actor calls after each
// answer (repairStep): no write of the loop is decided outside this file.
import type { JsonPatchOperation } from "@oaas/kube";
import type { RenderedObject } from "@oaas/templates";
import { displayName } from "./children.ts";
import type { LiveObject } from "./compare.ts";
import {
  childAction,
  findDrift,
  removalOperations,
  writersOf,
  type Drift,
  type DriftReport,
} from "./drift.ts";
import {
  decideRepair,
  markerOperations,
  maxRepairTries,
  readMarker,
  type DriftMarker,
} from "./drift-marker.ts";
import { replicaHandover } from "./replicas.ts";

/** Where one step of a repair stands, and what to write next. */
export type RepairStep =
  /** Write: a forced apply first when a value we render changed (`apply`), then a JSON patch (repairOperations) with `marker`. */
  | { act: "write"; apply: boolean; marker: DriftMarker }
  /** No drift left in the API server's answer: the repair held. */
  | { act: "held" }
  /** The same fields came back too often: write `operations` (the gaveUp marker), report `left`. */
  | { act: "give-up"; operations: JsonPatchOperation[]; left: DriftReport }
  /** Already given up on exactly these fields: no write, `left` stays not repaired. */
  | { act: "hold-off"; left: DriftReport };

/** One desired child's step. `object` is what apply sends (withAppliedHash). */
export type ChildStep =
  /** Nothing holds the name: apply (create). */
  | { kind: "create"; object: RenderedObject }
  /** Live is what we render: no write. */
  | { kind: "keep"; object: RenderedObject; live: LiveObject }
  /**
   * Clean again after the CRM gave up on it (someone took the edit out): drop the marker
   * (`operations`), so a later edit of the same fields is put back again.
   */
  | { kind: "forget-marker"; object: RenderedObject; live: LiveObject; operations: JsonPatchOperation[] }
  /**
   * A new desired state: apply it, then take out what others added inside what we own and
   * the repair marker (updateOperations on the answer). `handover`: a replica field to hand over first (replicas.ts).
   */
  | { kind: "update"; object: RenderedObject; live: LiveObject; handover: RenderedObject | undefined }
  /** Same desired state, but live drifted (`found`): repair, starting with `first`. */
  | {
      kind: "repair";
      object: RenderedObject;
      live: LiveObject;
      handover: RenderedObject | undefined;
      found: DriftReport;
      first: RepairStep;
    };

/**
 * The step for one desired child (with its hash annotation) and the live object holding
 * its name (undefined: none), which must be ours (plan.ts checks ownership first).
 * `fieldManager`: ours; `now`: this run's time (repairs are counted by it).
 */
export function planChild(
  object: RenderedObject,
  live: LiveObject | undefined,
  fieldManager: string,
  now: Date,
): ChildStep {
  if (live === undefined) return { kind: "create", object };
  const action = childAction(object, live);
  if (action === "none") {
    if (readMarker(live)?.gaveUp !== true) return { kind: "keep", object, live };
    return { kind: "forget-marker", object, live, operations: markerOperations(live, undefined) };
  }
  const handover = replicaHandover(object, live, fieldManager);
  if (action === "update") return { kind: "update", object, live, handover };
  return {
    kind: "repair",
    object,
    live,
    handover,
    found: driftReport(object, live, findDrift(object, live), fieldManager),
    first: repairStep(object, live, readMarker(live), 1, fieldManager, now),
  };
}

/**
 * The next step of a repair: `current` is the live child (the API server's last answer),
 * `marker` the repair marker last written (or read), `attempt` counts from 1 (the first
 * look, before any write). A drift still there after a write (a webhook or another writer
 * undoing it at once) is tried again; the same fields repaired maxRepairTries times within
 * drift-marker's window, and back, end in give-up. However the drift moves between
 * attempts, one run writes at most maxRepairTries times.
 */
export function repairStep(
  desired: RenderedObject,
  current: LiveObject,
  marker: DriftMarker | undefined,
  attempt: number,
  fieldManager: string,
  now: Date,
): RepairStep {
  const drift = findDrift(desired, current);
  if (drift.length === 0) return { act: "held" };
  let decision = decideRepair(
    marker,
    drift.map((d) => d.path),
    now,
  );
  if (decision.act === "repair" && attempt > maxRepairTries)
    decision = { act: "give-up", marker: { ...decision.marker, gaveUp: true } };
  if (decision.act === "hold-off")
    return { act: "hold-off", left: driftReport(desired, current, drift, fieldManager) };
  if (decision.act === "give-up")
    return {
      act: "give-up",
      operations: markerOperations(current, decision.marker),
      left: driftReport(desired, current, drift, fieldManager),
    };
  return { act: "write", apply: drift.some((d) => d.kind === "changed"), marker: decision.marker };
}

/**
 * The JSON patch of a repair write, on the answer to its apply (or on the live child when
 * nothing needed applying): the foreign items out (apply cannot remove them), and the
 * marker set, in one patch.
 */
export function repairOperations(
  desired: RenderedObject,
  current: LiveObject,
  marker: DriftMarker,
): JsonPatchOperation[] {
  return [...removalOperations(findDrift(desired, current)), ...markerOperations(current, marker)];
}

/**
 * The JSON patch after applying a new desired state, on the apply's answer: what others
 * added inside what we own goes, and any repair count starts afresh (marker removed).
 */
export function updateOperations(desired: RenderedObject, applied: LiveObject): JsonPatchOperation[] {
  return [...removalOperations(findDrift(desired, applied)), ...markerOperations(applied, undefined)];
}

function driftReport(
  desired: RenderedObject,
  live: LiveObject,
  drift: readonly Drift[],
  fieldManager: string,
): DriftReport {
  return {
    object: displayName(desired),
    paths: [...new Set(drift.map((d) => d.path))],
    writers: writersOf(live, drift, fieldManager),
  };
}
