// OPRC_CRM_PROM_MATCH_LABELS: `k=v,k2=v2` checked against Kubernetes' label rules
// here, at startup, rather than by the API server when the first ServiceMonitor is
// applied (where the failure would surface per record, long after the rollout).
import type { Parser } from "./values.ts";

const nameRule = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const prefixPartRule = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A label key: optional DNS-1123 subdomain prefix and "/", then a name of <= 63 chars. */
export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  if (name.length > 63 || !nameRule.test(name)) return false;
  if (prefix === undefined) return true;
  return (
    prefix.length > 0 &&
    prefix.length <= 253 &&
    prefix.split(".").every((part) => part.length <= 63 && prefixPartRule.test(part))
  );
}

/** A label value: empty, or <= 63 chars of [A-Za-z0-9-_.] with alphanumeric ends. */
export function isLabelValue(value: string): boolean {
  return value === "" || (value.length <= 63 && nameRule.test(value));
}

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
