// `oaasctl nfr` as text: each cluster's NFR state printed by the formatter `crm nfr explain`
// uses (@oaas/nfr/explain-text, one place), after rebuilding its explanation from the PM's
// JSON (@oaas/pm-api NfrDetail). Pure.
import type { CheckName, Decision, RecordExplanation } from "@oaas/nfr";
import { formatExplanation, type WhatIfResult } from "@oaas/nfr/explain-text";
import type { DeploymentNfr, NfrDecision, NfrDetail } from "@oaas/pm-api";

const ms = (iso: string | undefined) => (iso === undefined ? {} : { nextEligibleAtMs: Date.parse(iso) });

function decision(d: NfrDecision): Decision {
  return {
    component: d.component,
    dimension: d.dimension,
    current: d.current,
    recommended: d.recommended,
    verdict: d.verdict,
    value: d.value,
    checks: d.checks.map((c) => ({
      // The CRM names its own checks; the text only prints the name.
      check: c.check as CheckName,
      verdict: c.verdict,
      reason: c.reason,
      ...ms(c.next_eligible_at),
      ...(c.value !== undefined ? { value: c.value } : {}),
    })),
    ...ms(d.next_eligible_at),
    summary: d.summary,
  };
}

/** The explanation `crm nfr explain` would print, from one cluster's answer. */
export function explanationOf(n: NfrDetail): { explanation: RecordExplanation; whatIf?: WhatIfResult } {
  const observed = n.nfr_observed;
  const explanation: RecordExplanation = {
    record: n.record,
    namespace: n.namespace,
    at: n.at,
    enforcement: { ...n.enforcement, dimensions: [...n.enforcement.dimensions] },
    recommendations: n.recommendations.map((r) => ({ ...r })),
    lastDecisions: n.last_decisions.map(decision),
    wouldApplyNow: n.would_apply_now.map(decision),
    ...(n.stale !== undefined ? { stale: n.stale } : {}),
    ...(n.last_applied_at !== undefined ? { lastAppliedAt: n.last_applied_at } : {}),
    requirements: n.requirements.map((r) => ({
      component: r.component,
      requirements: { ...r.requirements },
    })),
    lastApplied: n.last_applied.map((r) => ({ ...r })),
    ...(observed
      ? {
          nfrObserved: {
            status: observed.status,
            reason: observed.reason ?? "",
            message: observed.message ?? "",
            lastTransitionTime: observed.last_transition_time ?? "",
          },
        }
      : {}),
  };
  const w = n.what_if;
  if (w === undefined) return { explanation };
  return {
    explanation,
    whatIf: {
      atRps: w.at_rps,
      components: w.components.map((c) => ({
        component: c.component,
        observed: c.observed,
        analysis: { recommendations: c.recommendations, unknown: c.unknown },
      })),
    },
  };
}

/** Every cluster's explanation; with several clusters (or an error) each under a `cluster <name>:` line. */
export function nfrText(body: DeploymentNfr): string {
  if (body.clusters.length === 0) return "No NFR state found.\n";
  const headed = body.clusters.length > 1 || body.clusters.some((c) => c.error !== undefined);
  const parts = body.clusters.map((c) => {
    const text =
      c.nfr !== undefined
        ? (() => {
            const { explanation, whatIf } = explanationOf(c.nfr);
            return formatExplanation(explanation, whatIf);
          })()
        : `error: ${c.error ?? "no answer"}`;
    return headed ? `cluster ${c.cluster} (${c.deployment_id}):\n${text}` : text;
  });
  return `${parts.join("\n\n")}\n`;
}
