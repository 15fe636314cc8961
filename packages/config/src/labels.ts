// OPRC_CRM_PROM_MATCH_LABELS: `k=v,k2=v2` checked against Kubernetes' label rules
// here, at startup, rather than by the API server when the first ServiceMonitor is
// applied (where the failure would surface per record, long after the rollout).
// The rules themselves live with every other Kubernetes name rule (@oaas/kube-rules).
import { isLabelKey, isLabelValue } from "@oaas/kube-rules";
import type { Parser } from "./values.ts";

/** `k=v,k2=v2`; blanks around items are ignored; duplicate keys are refused. */
export const parseMatchLabels: Parser<Record<string, string>> = (raw) => {
  const labels: Record<string, string> = {};
  for (const item of raw.split(",").map((part) => part.trim())) {
    const eq = item.indexOf("=");
    if (eq < 0) return bad(`item ${JSON.stringify(item)} has no '='`);
    const key = item.slice(0, eq).trim();
    const value = item.slice(eq + 1).trim();
    if (!isLabelKey(key)) return bad(`${JSON.stringify(key)} is not a valid label key`);
    if (!isLabelValue(value)) return bad(`${JSON.stringify(value)} is not a valid label value`);
    if (Object.hasOwn(labels, key)) return bad(`label ${key} is given twice`);
    labels[key] = value;
  }
  return { ok: true, value: labels };
};

function bad(what: string): { ok: false; reason: string } {
  return {
    ok: false,
    reason: `${what}; allowed: key=value pairs separated by commas, e.g. release=prometheus,team=oaas`,
  };
}
