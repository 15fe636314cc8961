// Whether the analyzer may ask Prometheus at all, and if not why (the NfrObserved message
// of every record). Analysis needs only OPRC_CRM_PROM_URL: a Prometheus scraping the
// workloads by its own configuration works without the Prometheus Operator. With
// OPRC_CRM_FEATURES_PROMETHEUS on, the CRM itself makes the workloads scraped (the
// reconciler renders a ServiceMonitor/PodMonitor per record), which needs the Operator's
// CRDs: missing, nothing the CRM set up is scraped and the analyzer stands down saying so,
// whatever OPRC_CRM_FEATURES_PROMETHEUS says. The CRDs are looked up
// at startup and again every minute (installing the Operator needs no restart).
import type { CrmConfig } from "@oaas/config";

export type Gate = { readonly open: true } | { readonly open: false; readonly message: string };

/** The decision from the settings and what discovery found (pure). */
export function gateFor(
  config: Pick<CrmConfig, "features" | "prometheus">,
  operatorInstalled: boolean | undefined,
): Gate {
  if (config.prometheus.url === undefined)
    return {
      open: false,
      message:
        "OPRC_CRM_PROM_URL is not set, so the analyzer has no Prometheus to ask; set it to the base URL of the Prometheus HTTP API (e.g. http://prometheus.monitoring:9090)",
    };
  if (config.features.prometheus && operatorInstalled === false)
    return {
      open: false,
      message:
        "OPRC_CRM_FEATURES_PROMETHEUS is on but the Prometheus Operator CRDs (monitoring.coreos.com/v1 servicemonitors, podmonitors) are not installed, so no ServiceMonitor/PodMonitor scrapes this record's workloads and the analyzer asks nothing; install the Prometheus Operator, or set OPRC_CRM_FEATURES_PROMETHEUS=false to analyze series your Prometheus scrapes by its own configuration",
    };
  return { open: true };
}

export interface GateSourceOptions {
  /** Re-discovery period, ms. Default 60 000. */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

/**
 * The gate, with the Operator's CRDs discovered at most every ttlMs (only when the
 * Prometheus feature is on: otherwise they do not matter). A failed discovery keeps the
 * last answer; with none yet it throws (the job is retried next interval).
 */
export function gateSource(
  config: Pick<CrmConfig, "features" | "prometheus">,
  discover: () => Promise<boolean>,
  options: GateSourceOptions = {},
): () => Promise<Gate> {
  const ttl = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  let known: { at: number; installed: boolean } | undefined;
  let asking: Promise<boolean> | undefined;
  return async () => {
    if (!config.features.prometheus || config.prometheus.url === undefined) return gateFor(config, undefined);
    if (known === undefined || now() - known.at >= ttl) {
      try {
        asking ??= discover().finally(() => (asking = undefined));
        known = { at: now(), installed: await asking };
      } catch (error) {
        if (known === undefined) throw error;
      }
    }
    return gateFor(config, known.installed);
  };
}
