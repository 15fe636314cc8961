// Pure: whether to put a drifted child back again, or stop because the repair does not
// hold. Two writers fighting over a field (another controller, a script re-applying its
// edit, a mutating webhook) would otherwise make the CRM repair it forever, one history
// entry and one rollout per round. The count lives on the child itself (an annotation the
// repair writes), so it holds across runs, reconciler processes and restarts.
import { jsonPointerToken, type JsonPatchOperation } from "@oaas/kube";
import type { LiveObject } from "./compare.ts";

/** Annotation on a child the CRM put back: which fields, how often, when (JSON of DriftMarker). */
export const driftRepairAnnotation = "oaas.io/drift-repair";

/** Repairs of the same fields, each within `repairHoldMs` of the previous, before the CRM stops. */
export const maxRepairTries = 2;

/**
 * A repair counts as held once the same fields stayed ours this long (ms). Ten minutes:
 * a writer that fights back does so within seconds (a controller's next sync, a script's
 * loop); a person repeating an edit later is a new drift, repaired and recorded again.
 */
export const repairHoldMs = 10 * 60_000;

export interface DriftMarker {
  /** Drift paths (drift.ts), sorted. */
  paths: string[];
  /** Repairs of exactly these paths in a row. */
  tries: number;
  /** RFC 3339: the last repair, or when the CRM gave up. */
  at: string;
  /** The CRM stopped putting these paths back (Degraded DriftNotRepaired). */
  gaveUp?: boolean;
}

/** The marker on a live child; undefined when there is none or it is not ours to read. */
export function readMarker(live: LiveObject | undefined): DriftMarker | undefined {
  const text = live?.metadata?.annotations?.[driftRepairAnnotation];
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as Partial<DriftMarker>;
    if (!Array.isArray(value.paths) || typeof value.tries !== "number" || typeof value.at !== "string")
      return undefined;
    return {
      paths: value.paths.map(String),
      tries: value.tries,
      at: value.at,
      ...(value.gaveUp === true ? { gaveUp: true } : {}),
    };
  } catch {
    // Hand-edited into something else: as if absent (the next repair writes a good one).
    return undefined;
  }
}

export type RepairDecision =
  /** Put it back, and write `marker`. */
  | { act: "repair"; marker: DriftMarker }
  /** Stop: write `marker` (gaveUp) and report the paths as not repaired. */
  | { act: "give-up"; marker: DriftMarker }
  /** Already given up on exactly these paths: no write, still not repaired. */
  | { act: "hold-off" };

/**
 * What to do about drift at `paths` given the child's marker. The same paths repaired
 * `maxRepairTries` times, each within `repairHoldMs` of the previous, and back again: give
 * up. Other paths, or an older repair, start the count again.
 */
export function decideRepair(
  previous: DriftMarker | undefined,
  paths: readonly string[],
  now: Date,
): RepairDecision {
  const sorted = [...new Set(paths)].sort();
  const same = previous !== undefined && JSON.stringify(previous.paths) === JSON.stringify(sorted);
  if (same && previous.gaveUp === true) return { act: "hold-off" };
  const recent = same && now.getTime() - Date.parse(previous.at) < repairHoldMs;
  const at = now.toISOString();
  if (recent && previous.tries >= maxRepairTries)
    return { act: "give-up", marker: { paths: sorted, tries: previous.tries, at, gaveUp: true } };
  return { act: "repair", marker: { paths: sorted, tries: recent ? previous.tries + 1 : 1, at } };
}

/** The annotation's value for `marker`. */
export function formatMarker(marker: DriftMarker): string {
  return JSON.stringify(marker);
}

/**
 * JSON patch operations that set the marker on `live` to `marker`, or remove it
 * (undefined) when present; [] when there is nothing to change.
 */
export function markerOperations(live: LiveObject, marker: DriftMarker | undefined): JsonPatchOperation[] {
  const annotations = live.metadata?.annotations;
  const path = `/metadata/annotations/${jsonPointerToken(driftRepairAnnotation)}`;
  if (marker === undefined)
    return annotations?.[driftRepairAnnotation] === undefined ? [] : [{ op: "remove", path }];
  if (annotations === undefined)
    return [
      { op: "add", path: "/metadata/annotations", value: { [driftRepairAnnotation]: formatMarker(marker) } },
    ];
  return [{ op: "add", path, value: formatMarker(marker) }];
}
