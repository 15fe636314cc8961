// What the cluster can serve, found by API discovery (not by configuration), and the
// RenderContext built from it and the CRM's settings.
import type { CrmConfig } from "@oaas/config";
import type { KubeClient } from "@oaas/kube";
import type { Capabilities, RenderContext } from "@oaas/templates";

interface ApiResourceList {
  resources?: { name?: string }[];
}

/** True when every named resource of group/version is served (404 = not installed). */
async function serves(
  kube: KubeClient,
  groupVersion: string,
  names: readonly string[],
  signal?: AbortSignal,
): Promise<boolean> {
  const res = await kube.exchange({
    method: "GET",
    path: `/apis/${groupVersion}`,
    ...(signal ? { signal } : {}),
  });
  if (res.statusCode === 404) return false;
  if (res.statusCode < 200 || res.statusCode > 299) {
    throw new Error(`discovery of ${groupVersion}: HTTP ${res.statusCode}`);
  }
  const served = new Set(((res.body as ApiResourceList | undefined)?.resources ?? []).map((r) => r.name));
  return names.every((n) => served.has(n));
}

export async function detectCapabilities(kube: KubeClient, signal?: AbortSignal): Promise<Capabilities> {
  const [knativeInstalled, prometheusOperatorInstalled] = await Promise.all([
    serves(kube, "serving.knative.dev/v1", ["services"], signal),
    serves(kube, "monitoring.coreos.com/v1", ["servicemonitors", "podmonitors"], signal),
  ]);
  return { knativeInstalled, prometheusOperatorInstalled };
}

/**
 * The RenderContext for the CRM's settings on a cluster with `capabilities`. Monitors are
 * rendered only when the Prometheus feature is on (then with the configured scrape kind
 * and match labels; render still skips them when the operator's CRDs are missing).
 */
export function renderContextFor(config: CrmConfig, capabilities: Capabilities): RenderContext {
  return {
    profile: config.profile,
    features: { odgm: config.features.odgm, hpa: config.features.hpa, knative: config.features.knative },
    capabilities,
    ...(config.odgm.image === undefined ? {} : { odgmImage: config.odgm.image }),
    ...(config.features.prometheus
      ? {
          monitoring: {
            scrapeKind: config.prometheus.scrapeKind,
            matchLabels: config.prometheus.matchLabels,
          },
        }
      : {}),
  };
}

/**
 * A RenderContext source that re-runs discovery at most every `ttlMs` (default 60 000 ms),
 * so installing Knative or the Prometheus Operator is noticed without a restart. A failed
 * discovery keeps the last known capabilities (and throws only when there are none yet).
 */
export function discoveredRenderContext(
  kube: KubeClient,
  config: CrmConfig,
  options: { ttlMs?: number; now?: () => number } = {},
): () => Promise<RenderContext> {
  const ttl = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  let cached: { at: number; capabilities: Capabilities } | undefined;
  return async () => {
    if (cached === undefined || now() - cached.at >= ttl) {
      try {
        cached = { at: now(), capabilities: await detectCapabilities(kube) };
      } catch (error) {
        if (cached === undefined) throw error;
      }
    }
    return renderContextFor(config, cached.capabilities);
  };
}
