// Kubernetes' name rules, in one place for every package and service. Source:
// apimachinery's validation (IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label,
// IsQualifiedName, IsValidLabelValue) in
// https://github.com/kubernetes/apimachinery/blob/master/pkg/util/validation/validation.go,
// described at https://kubernetes.io/docs/concepts/overview/working-with-objects/names/
// and .../labels/#syntax-and-character-set. The names oracle suite
// (packages/crd/test/integration/names-oracle.test.ts) checks them against a real API server.

/** Longest DNS label (RFC 1123 / RFC 1035 label): 63 characters; also a label value's and a label name's limit. */
export const maxLabelLength = 63;
/** Longest DNS-1123 subdomain (most object names): 253 characters. */
export const maxSubdomainLength = 253;

const dns1123LabelRule = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1035LabelRule = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const labelNameRule = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A DNS-1035 label: starts with a letter, [a-z0-9-], ends alphanumeric, <= 63 (Service names). */
export function isDns1035Label(name: string): boolean {
  return name.length <= maxLabelLength && dns1035LabelRule.test(name);
}

/** A DNS-1123 label: [a-z0-9-], alphanumeric at both ends, <= 63 (namespace names). */
export function isDns1123Label(name: string): boolean {
  return name.length <= maxLabelLength && dns1123LabelRule.test(name);
}

/** A DNS-1123 subdomain: dot-separated DNS-1123 labels, <= 253 (most object names). */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= maxSubdomainLength && name.split(".").every(isDns1123Label);
}

/** A label value: empty, or <= 63 of [A-Za-z0-9-_.] with alphanumeric ends. */
export function isLabelValue(value: string): boolean {
  return value === "" || (value.length <= maxLabelLength && labelNameRule.test(value));
}

/** A label (or annotation) key: optional DNS-1123 subdomain prefix and "/", then a name of <= 63. */
export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf("/");
  const name = slash < 0 ? key : key.slice(slash + 1);
  if (name.length > maxLabelLength || !labelNameRule.test(name)) return false;
  return slash < 0 || isDns1123Subdomain(key.slice(0, slash));
}
