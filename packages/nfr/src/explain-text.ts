// A record's NFR explanation as text: what `crm nfr explain` and `oaasctl nfr` print (one
// formatter for both; oaasctl rebuilds the explanation from the PM's JSON). The requirements,
// the enforcement settings and the NfrObserved condition, recommendations per component
// (target, unit, confidence, basis), the enforcer's last decisions and why, what would be
// applied now, and a what-if when asked. Pure; imports only types, so a client can load it
// through the `@oaas/nfr/explain-text` entry without the rest of the package.
import type { RecordExplanation } from "./explain.ts";
import type { Decision, EnforcementDimension, NfrRequirements } from "./types.ts";

/** The what-if part: the load asked about and what the analysis of it gave. */
export interface WhatIfResult {
  atRps: number;
  /** Per component; `observed` says what the cost per request came from. */
  components: {
    component: string;
    observed: string;
    analysis: {
      recommendations: readonly {
        dimension: EnforcementDimension;
        target: number;
        confidence: number;
        basis: string;
      }[];
      unknown: readonly { dimension: EnforcementDimension; why: string }[];
    };
  }[];
}

/** A component as people read it: "function f1" or "odgm". */
export function componentText(component: string): string {
  return component === "odgm" ? "odgm" : `function ${component}`;
}

function decisionLine(d: Decision): string {
  const next =
    d.nextEligibleAtMs === undefined
      ? ""
      : ` (next eligible at ${new Date(d.nextEligibleAtMs).toISOString()})`;
  return `  ${componentText(d.component)} ${d.dimension}: current ${d.current ?? "unknown"}, recommended ${d.recommended} -> ${d.summary}${d.summary.includes("next eligible") ? "" : next}`;
}

function checksLines(d: Decision): string[] {
  return d.checks.map((c) => `      ${c.verdict.padEnd(6)} ${c.check}: ${c.reason}`);
}

/** "max_latency_ms 200, min_throughput_rps 50", or "none" when nothing is set. */
function requirementsText(r: NfrRequirements): string {
  const set = Object.entries(r);
  return set.length === 0 ? "none" : set.map(([k, v]) => `${k} ${String(v)}`).join(", ");
}

/** The explanation (and what-if) as lines of text, no trailing newline. */
export function formatExplanation(e: RecordExplanation, whatIf?: WhatIfResult): string {
  const lines: string[] = [];
  lines.push(`NFR of ${e.namespace}/${e.record} at ${e.at}`);
  lines.push(
    `enforcement: mode ${e.enforcement.mode}, dimensions [${e.enforcement.dimensions.join(", ")}], global flag ${e.enforcement.enabled ? "on" : "off (OPRC_CRM_FEATURES_NFR_ENFORCEMENT)"}`,
  );
  if (e.nfrObserved)
    lines.push(
      `NfrObserved: ${e.nfrObserved.status} (${e.nfrObserved.reason}) since ${e.nfrObserved.lastTransitionTime}${e.nfrObserved.message ? `: ${e.nfrObserved.message}` : ""}`,
    );
  else if (e.requirements) lines.push("NfrObserved: not written yet (no analysis)");
  if (e.stale) lines.push(`analysis not current: ${e.stale}`);
  if (e.lastAppliedAt) lines.push(`last applied at ${e.lastAppliedAt}`);
  if (e.requirements) {
    lines.push("", "requirements:");
    for (const r of e.requirements)
      lines.push(`  ${componentText(r.component)}: ${requirementsText(r.requirements)}`);
  }
  lines.push("", "recommendations:");
  if (e.recommendations.length === 0) lines.push("  (none yet)");
  for (const r of e.recommendations)
    lines.push(
      `  ${componentText(r.component)} ${r.dimension}: ${r.target} ${r.unit} (confidence ${r.confidence.toFixed(2)})`,
      `      basis: ${r.basis}`,
    );
  if (e.lastApplied && e.lastApplied.length > 0) {
    lines.push("", "last applied:");
    for (const r of e.lastApplied)
      lines.push(`  ${componentText(r.component)} ${r.dimension}: ${r.target} ${r.unit}`);
  }
  lines.push("", "last decisions:");
  if (e.lastDecisions.length === 0) lines.push("  (none recorded)");
  for (const d of e.lastDecisions) lines.push(decisionLine(d));
  lines.push("", "would apply now:");
  if (e.wouldApplyNow.length === 0) lines.push("  (nothing to decide)");
  for (const d of e.wouldApplyNow) lines.push(decisionLine(d), ...checksLines(d));
  if (whatIf) {
    lines.push("", `what if the load were ${whatIf.atRps} requests/s (nothing written):`);
    for (const c of whatIf.components) {
      lines.push(`  ${componentText(c.component)} (${c.observed}):`);
      for (const r of c.analysis.recommendations)
        lines.push(`      ${r.dimension}: ${r.target} (confidence ${r.confidence.toFixed(2)}) - ${r.basis}`);
      for (const u of c.analysis.unknown) lines.push(`      ${u.dimension}: unknown - ${u.why}`);
    }
  }
  return lines.join("\n");
}
