// Every Kubernetes name the CRM derives comes from this module, so naming bugs have
// one home. Rule: a readable part that is already valid is used as-is; anything that
// had to be changed (case, characters, length, a leading digit) gets a short hash of
// the original text appended, so distinct inputs stay distinct names.
// Kubernetes' own name rules (what is a valid label, value, subdomain) are @oaas/kube-rules'.
import { createHash } from "node:crypto";
import { isDns1035Label, isDns1123Label, isLabelValue, maxLabelLength } from "@oaas/kube-rules";

/** Longest record name: leaves room for "-<function key>" within a 63-char DNS-1035 label. */
export const maxRecordNameLength = 40;
const hashLength = 8;

/** 8 lowercase base-32 chars of SHA-256: 40 bits, ample for per-namespace uniqueness. */
export function shortHash(text: string): string {
  const digest = createHash("sha256").update(hashInput(text)).digest();
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  let out = "";
  for (let i = 0; i < hashLength; i++) out += alphabet.charAt((digest[i] ?? 0) % 32);
  return out;
}

/**
 * The bytes hashed for `text`, distinct for distinct strings. UTF-8 encoding alone is not:
 * it turns every lone surrogate (possible in a JS string, e.g. from a JSON "\ud800"
 * escape) into U+FFFD, so "\ud800", "\udfff" and "\ufffd" all hashed alike. Well-formed
 * text keeps its UTF-8 bytes (so existing names do not change); other text is hashed as
 * UTF-16 code units behind a 0xff byte, which never occurs in UTF-8.
 */
function hashInput(text: string): Buffer {
  // With the u flag a surrogate pair is one code point, so this finds only lone halves.
  if (!/[\uD800-\uDFFF]/u.test(text)) return Buffer.from(text, "utf8");
  return Buffer.concat([Buffer.from([0xff]), Buffer.from(text, "utf16le")]);
}

/** Lowercase, invalid runs to "-", trimmed of "-": the readable part of a DNS label. */
function readable(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^-+|-+$/g, "");
}

/**
 * A DNS-1035 label (starts with a letter, [a-z0-9-], ends alphanumeric, <= max chars)
 * built from `text`. Returned unchanged when already valid and short enough.
 */
export function dns1035Label(text: string, max = maxLabelLength): string {
  if (text.length <= max && isDns1035Label(text)) return text;
  let base = readable(text);
  if (!/^[a-z]/.test(base)) base = `x${base ? "-" + base : ""}`;
  base = base.slice(0, max - hashLength - 1).replace(/-+$/, "");
  return `${base}-${shortHash(text)}`;
}

/** The DeploymentRecord name for a deployment id (also a valid DNS-1035 label). */
export function recordName(deploymentId: string): string {
  return dns1035Label(deploymentId, maxRecordNameLength);
}

/**
 * Deployment, Service, HPA and Knative Service name of one function of a record.
 * Distinct (record, function key) pairs never share a name, also across records
 * ("shop" + "cart-api" vs "shop-cart" + "api"), so one record can never take over
 * another's child:
 * - readable form `<record>-<key>-<length of record>` when the record is a DNS-1035
 *   label, the key is [a-z0-9-] and the result fits 63 chars. The trailing length says
 *   where the record ends, so the name decodes to exactly one pair (injective);
 * - otherwise `<readable prefix>-<8-char hash of the pair>`. Its last segment has 8
 *   characters, the readable form's 1 or 2 digits, so the two forms never meet; two
 *   hashed names clash only on a 40-bit hash collision with the same prefix.
 * Neither form ends in "-odgm" or "-metrics", so no function child takes an addon's name.
 */
export function functionChildName(record: string, functionKey: string): string {
  if (isDns1035Label(record) && isDns1123Label(functionKey)) {
    const name = `${record}-${functionKey}-${record.length}`;
    if (name.length <= maxLabelLength) return name;
  }
  let base = readable(`${record}-${functionKey}`);
  if (!/^[a-z]/.test(base)) base = `x${base ? "-" + base : ""}`;
  base = base.slice(0, maxLabelLength - hashLength - 1).replace(/-+$/, "");
  return `${base}-${shortHash(JSON.stringify([record, functionKey]))}`;
}

/** Deployment and Service name of a record's ODGM addon. */
export function odgmChildName(record: string): string {
  return dns1035Label(`${record}-odgm`);
}

/** ServiceMonitor / PodMonitor name of a record. */
export function monitorName(record: string): string {
  return dns1035Label(`${record}-metrics`);
}

/**
 * A valid label value for any text: [A-Za-z0-9-_.], alphanumeric at both ends, <= 63,
 * unchanged when already valid.
 */
export function labelValue(text: string): string {
  if (isLabelValue(text)) return text;
  const base = text
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "")
    .slice(0, maxLabelLength - hashLength - 1)
    .replace(/[^A-Za-z0-9]+$/, "");
  return base ? `${base}-${shortHash(text)}` : shortHash(text);
}
