// What a run writes, decided before anything is written (pure): the changes of the
// decisions that apply, grouped per object (one apply per object), the new
// status.last_applied_recommendations, and which decisions go to the record's history
// (every applied one; a held one when what holds it changed since the last one written,
// so a hold repeated at every analysis is one entry, not one per interval).
import type { Decision, Recommendation } from "@oaas/nfr";
import { stateKey } from "@oaas/nfr";
import type { Change } from "./apply-body.ts";
import type { LiveComponent } from "./workloads.ts";

/**
 * The changes of the decisions with verdict apply whose object is known. A decision of a
 * dimension the object cannot take (replicas of a component with no replica target) is
 * left out: the chain never applies without a current value, so this is a guard only.
 */
export function changesOf(decisions: readonly Decision[], live: readonly LiveComponent[]): Change[] {
  const out: Change[] = [];
  for (const d of decisions) {
    if (d.verdict !== "apply" || d.value === undefined) continue;
    const component = live.find((l) => l.component.name === d.component);
    const at = d.dimension === "replicas" ? component?.replicasAt : component?.resourcesAt;
    if (component === undefined || at === undefined) continue;
    out.push({
      component: d.component,
      dimension: d.dimension,
      from: d.current,
      to: d.value,
      at,
      container: component.container,
    });
  }
  return out;
}

/** Changes grouped by the object they are written to, in first-seen order. */
export function byObject(changes: readonly Change[]): Change[][] {
  const groups = new Map<string, Change[]>();
  for (const change of changes) {
    const key = `${change.at.kind}/${change.at.name}`;
    groups.set(key, [...(groups.get(key) ?? []), change]);
  }
  return [...groups.values()];
}

/**
 * status.last_applied_recommendations after `applied`: earlier entries of other
 * components and dimensions kept, each applied one replaced (target = the value written,
 * basis naming the change and what it came from, confidence of the recommendation).
 */
export function lastApplied(
  previous: readonly Recommendation[],
  applied: readonly Change[],
  recommendations: readonly Recommendation[],
): Recommendation[] {
  const out = previous.filter(
    (p) => !applied.some((c) => c.component === p.component && c.dimension === p.dimension),
  );
  for (const change of applied) {
    const rec = recommendations.find(
      (r) => r.component === change.component && r.dimension === change.dimension,
    );
    out.push({
      component: change.component,
      dimension: change.dimension,
      target: change.to,
      basis: `enforcer: ${change.from ?? "unset"} -> ${change.to}${rec ? ` (recommended ${rec.target}: ${rec.basis})` : ""}`,
      confidence: rec?.confidence ?? 1,
    });
  }
  return out;
}

/**
 * True when a held decision is news for the history (never for a dimension the record
 * does not enforce): no decision of its dimension was written yet, the last one applied
 * or had another recommended value, or another check is the first to hold it now. Time passing alone ("stability 120/180 s" -> "150/180 s", a
 * later check starting or ceasing to hold behind the first) is not news.
 */
export function heldIsNews(decision: Decision, previous: Decision | undefined): boolean {
  if (decision.verdict !== "hold") return false;
  // A dimension the record does not enforce is no decision to report.
  if (decision.checks.some((c) => c.verdict === "hold" && (c.check === "mode" || c.check === "dimension")))
    return false;
  if (previous === undefined || previous.verdict !== "hold") return true;
  if (previous.recommended !== decision.recommended || previous.current !== decision.current) return true;
  return firstHold(previous) !== firstHold(decision);
}

/** The first check of the chain that holds: what a person is told holds the change. */
function firstHold(decision: Decision): string | undefined {
  return decision.checks.find((c) => c.verdict === "hold")?.check;
}

/** The last decision per dimension after this run. */
export function rememberDecisions(
  previous: Readonly<Record<string, Decision>>,
  decisions: readonly Decision[],
): Record<string, Decision> {
  const out: Record<string, Decision> = { ...previous };
  for (const d of decisions) out[stateKey(d.component, d.dimension)] = d;
  return out;
}
