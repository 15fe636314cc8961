// Pure decisions about one child: is the live object ours, was our desired state applied
// already, and does the live object still hold every value we set? These decide whether a
// reconcile writes at all, so a converged record costs zero mutating calls.
import { createHash } from "node:crypto";
import { labelValue, ownerLabel, reconcilerFieldManager, type DeploymentRecord } from "@oaas/crd";
import { compareQuantities, parseQuantity } from "@oaas/kube-rules";
import type { RenderedObject } from "@oaas/templates";
import type { LiveObject } from "../children/live-object.ts";

// The reconciler's files name the live shape through this module.
export type { LiveObject };

/** Annotation on every child: hash of the desired object last applied to it. */
export const appliedHashAnnotation = "oaas.io/applied-hash";

/** The desired object with its hash annotation: what apply sends. */
export function withAppliedHash(desired: RenderedObject): RenderedObject {
  const hash = createHash("sha256").update(canonicalJson(desired)).digest("hex").slice(0, 16);
  const copy = structuredClone(desired);
  copy.metadata ??= {};
  copy.metadata.annotations = { ...copy.metadata.annotations, [appliedHashAnnotation]: hash };
  return copy;
}

/** The owner label value render puts on children (the record name, label-safe). */
export function ownerLabelValue(record: DeploymentRecord): string {
  return labelValue(record.metadata.name);
}

export type Ownership = { owned: true } | { owned: false; owner: string };

/**
 * Ours when an owner reference names this record's uid; also an orphan that is plainly
 * ours (no owner reference at all, this record's owner label `recordLabel`, and written by
 * the reconciler's field manager): its reference was lost (a hand edit, a backup restored,
 * `kubectl get -o yaml | kubectl replace`), and the next apply puts it back, as
 * controller-runtime adopts orphans its selector matches. Anything else (another record,
 * a previous incarnation of this one, a hand-made object) is not ours and must not be
 * touched; `owner` says who has it, for the NameConflict message.
 */
export function ownership(live: LiveObject, recordUid: string, recordLabel?: string): Ownership {
  const refs = live.metadata?.ownerReferences ?? [];
  if (refs.some((r) => r.uid === recordUid)) return { owned: true };
  const written = (live.metadata?.managedFields ?? []).some((m) => m.manager === reconcilerFieldManager);
  if (
    refs.length === 0 &&
    recordLabel !== undefined &&
    live.metadata?.labels?.[ownerLabel] === recordLabel &&
    written
  )
    return { owned: true };
  const controller = refs.find((r) => r.controller === true) ?? refs[0];
  if (controller) {
    return {
      owned: false,
      owner: `${controller.kind ?? "object"} ${controller.name ?? ""} (uid ${controller.uid ?? "?"})`,
    };
  }
  const label = live.metadata?.labels?.[ownerLabel];
  if (label !== undefined) return { owned: false, owner: `no owner reference, label ${ownerLabel}=${label}` };
  const managers = [...new Set((live.metadata?.managedFields ?? []).map((m) => m.manager ?? "?"))];
  return {
    owned: false,
    owner: `nobody (no owner reference; written by ${managers.length > 0 ? managers.join(", ") : "an unknown client"})`,
  };
}

/**
 * True when every value in `want` is present and equal in `have`. Defaults the API server
 * adds are extra keys and do not matter; quantities compare by value ("0.5" = "500m");
 * an empty list or map matches an absent one (the server drops them).
 */
export function contains(have: unknown, want: unknown): boolean {
  if (want === undefined) return true;
  if (Array.isArray(want)) {
    if (have === undefined && want.length === 0) return true;
    return Array.isArray(have) && have.length === want.length && want.every((w, i) => contains(have[i], w));
  }
  if (typeof want === "object" && want !== null) {
    if (have === undefined && Object.keys(want).length === 0) return true;
    if (typeof have !== "object" || have === null || Array.isArray(have)) return false;
    const h = have as Record<string, unknown>;
    return Object.entries(want).every(([k, w]) => contains(h[k], w));
  }
  if (typeof want === "string" && typeof have === "string" && want !== have) {
    const a = parseQuantity(want);
    const b = parseQuantity(have);
    return a !== undefined && b !== undefined && compareQuantities(a, b) === 0;
  }
  return have === want;
}

/** JSON with object keys sorted: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
