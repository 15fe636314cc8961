// The enforcer's history entries (type `enforced`), one per decision written: reason
// NFRApplied (a change made), NFRHeld (nothing written, and why) or NFRApplyFailed (the
// API server refused the write). The message is for a person ("held: stability 120/180 s;
// next eligible at 12:04:10Z"); `details` carries the decision as data, with its inputs and
// every check of the chain, for explain and the PM. Pure.
import { componentText, type Decision } from "@oaas/nfr";
import type { HistoryEntry } from "@oaas/queue";
import { changeNote, objectName, type Change } from "./apply-body.ts";

export type DecisionReason = "NFRApplied" | "NFRHeld" | "NFRApplyFailed";

/** Fields of an entry the caller fills in (time, worker, generation, correlation id). */
export type EntryBody = Pick<HistoryEntry, "type" | "reason" | "message" | "objects" | "details">;

function inputsOf(decision: Decision): Record<string, unknown> {
  return {
    component: decision.component,
    dimension: decision.dimension,
    current: decision.current ?? null,
    recommended: decision.recommended,
    value: decision.value ?? null,
    ...(decision.nextEligibleAtMs === undefined
      ? {}
      : { next_eligible_at: new Date(decision.nextEligibleAtMs).toISOString() }),
    checks: decision.checks.map((c) => ({
      check: c.check,
      verdict: c.verdict,
      reason: c.reason,
      ...(c.nextEligibleAtMs === undefined
        ? {}
        : { next_eligible_at: new Date(c.nextEligibleAtMs).toISOString() }),
      ...(c.value === undefined ? {} : { value: c.value }),
    })),
  };
}

/** "replicas of function f1 (current 2, recommended 3)". */
function subject(decision: Decision): string {
  return `${decision.dimension} of ${componentText(decision.component)} (current ${decision.current ?? "unknown"}, recommended ${decision.recommended})`;
}

/** A held decision: what holds it and when it could pass. */
export function heldEntry(decision: Decision): EntryBody {
  return {
    type: "enforced",
    reason: "NFRHeld",
    message: `${subject(decision)}: ${decision.summary}`,
    details: { decision: inputsOf(decision) },
  };
}

/** An applied change and the decision that made it. */
export function appliedEntry(change: Change, decision: Decision | undefined): EntryBody {
  return {
    type: "enforced",
    reason: "NFRApplied",
    message: `applied ${changeNote(change)} (${change.from ?? "unset"} -> ${change.to}) on ${objectName(change.at)}${decision ? `: ${decision.summary}` : ""}`,
    objects: [objectName(change.at)],
    details: decision ? { decision: inputsOf(decision) } : { change: { ...change } },
  };
}

/** A write the API server refused. */
export function failedEntry(change: Change, error: string): EntryBody {
  return {
    type: "enforced",
    reason: "NFRApplyFailed",
    message: `could not apply ${changeNote(change)} on ${objectName(change.at)}: ${error}`,
    objects: [objectName(change.at)],
    details: { change: { ...change } },
  };
}
