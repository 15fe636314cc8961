// `crm nfr explain` as text: recommendations per component (target, unit, confidence,
// basis), the enforcer's last decisions and why, what would be applied now, and a what-if
// when asked. Pure.
import type { Analysis, Decision } from "@oaas/nfr";
import { componentText, type RecordExplanation } from "@oaas/nfr";

/** The what-if part: the load asked about and what the analysis of it gave. */
export interface WhatIfResult {
  atRps: number;
  /** Per component; `observed` says what the cost per request came from. */
  components: { component: string; observed: string; analysis: Analysis }[];
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

export function formatExplanation(e: RecordExplanation, whatIf?: WhatIfResult): string {
  const lines: string[] = [];
  lines.push(`NFR of ${e.namespace}/${e.record} at ${e.at}`);
  lines.push(
    `enforcement: mode ${e.enforcement.mode}, dimensions [${e.enforcement.dimensions.join(", ")}], global flag ${e.enforcement.enabled ? "on" : "off (OPRC_CRM_FEATURES_NFR_ENFORCEMENT)"}`,
  );
  if (e.stale) lines.push(`analysis not current: ${e.stale}`);
  if (e.lastAppliedAt) lines.push(`last applied at ${e.lastAppliedAt}`);
  lines.push("", "recommendations:");
  if (e.recommendations.length === 0) lines.push("  (none yet)");
  for (const r of e.recommendations)
    lines.push(
      `  ${componentText(r.component)} ${r.dimension}: ${r.target} ${r.unit} (confidence ${r.confidence.toFixed(2)})`,
      `      basis: ${r.basis}`,
    );
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
