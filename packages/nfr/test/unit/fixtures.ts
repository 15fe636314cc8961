// Option builders for the NFR unit tests: records, components, series and settings.
//   record("shop", withFunction("cart", { min_scale: 2 }), withAddon("odgm"), withTemplate("knative"))
import type { DeploymentRecord, FunctionSpec, ProvisionConfig } from "@oaas/crd";
import type { EnforcementSettings, Sample, Series } from "../../src/index.ts";

export type RecordOption = (r: DeploymentRecord) => void;

export function record(name: string, ...options: RecordOption[]): DeploymentRecord {
  const built: DeploymentRecord = {
    apiVersion: "oaas.io/v1alpha1",
    kind: "DeploymentRecord",
    metadata: { name, namespace: "ns1" },
    spec: { functions: [] },
  };
  for (const option of options) option(built);
  return built;
}

export const withFunction =
  (key: string, provision: ProvisionConfig = {}, nfr?: FunctionSpec["nfr_requirements"]): RecordOption =>
  (r) => {
    r.spec.functions = [
      ...(r.spec.functions ?? []),
      {
        function_key: key,
        provision_config: { container_image: "ghcr.io/example/fn:1", ...provision },
        ...(nfr === undefined ? {} : { nfr_requirements: nfr }),
      },
    ];
  };

export const withAddon =
  (addon: string): RecordOption =>
  (r) => {
    r.spec.addons = [...(r.spec.addons ?? []), addon];
  };

export const withTemplate =
  (name: string): RecordOption =>
  (r) => {
    r.status = { ...r.status, selected_template: name };
  };

export const inNamespace =
  (namespace: string): RecordOption =>
  (r) => {
    r.metadata.namespace = namespace;
  };

/** One series: `values[i]` at `startMs + i * stepMs` (null = no point at that step). */
export function series(
  labels: Record<string, string>,
  values: (number | null)[],
  startMs = 0,
  stepMs = 30_000,
): Series {
  const samples: Sample[] = [];
  values.forEach((v, i) => {
    if (v !== null) samples.push({ t: startMs + i * stepMs, v });
  });
  return { labels, samples };
}

export const enforcement = (over: Partial<EnforcementSettings> = {}): EnforcementSettings => ({
  enabled: true,
  stabilityMs: 180_000,
  cooldownMs: 120_000,
  maxReplicaDeltaPct: 30,
  maxReplicas: 20,
  minConfidence: 0.8,
  ...over,
});

/** `value`, failing the test when it is undefined (instead of a non-null assertion). */
export function must<T>(value: T | undefined, what = "value"): T {
  if (value === undefined) throw new Error(`expected a ${what}, got undefined`);
  return value;
}
