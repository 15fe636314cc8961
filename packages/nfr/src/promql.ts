// PromQL text pieces: escaped label matchers and Prometheus' label-name sanitizing, so
// no value from a record (a namespace, a function key) can break out of its quotes.
// Grammar: https://prometheus.io/docs/prometheus/latest/querying/basics/#string-literals

/**
 * A label value as a PromQL double-quoted string literal, quotes included: `\` `"` and
 * line breaks escaped (Go string-literal rules, which PromQL uses).
 */
export function quote(value: string): string {
  const escaped = value.replace(/[\\"\n\r\t]/g, (c) => escapes[c] ?? c);
  return `"${escaped}"`;
}

const escapes: Readonly<Record<string, string>> = {
  "\\": "\\\\",
  '"': '\\"',
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** `name="value"` (op "="), `name!="value"` (op "!="): an exact matcher, value escaped. */
export function matcher(name: string, value: string, op: "=" | "!=" = "="): string {
  return `${name}${op}${quote(value)}`;
}

/**
 * The Prometheus label name a Kubernetes label becomes (every character outside
 * [a-zA-Z0-9_] turned into "_"), as kube-state-metrics (`label_` prefix on
 * kube_pod_labels) and the Prometheus Operator's podTargetLabels do:
 * `oaas.io/owner` -> `oaas_io_owner`.
 */
export function promLabelName(kubernetesLabel: string): string {
  return kubernetesLabel.replace(/[^a-zA-Z0-9_]/g, "_");
}
