// The CRM's Prometheus client from its settings, made in one place for the analyzer role
// and `crm nfr explain`: OPRC_CRM_PROM_URL, each query bounded by the query timeout.
import type { CrmConfig } from "@oaas/config";
import { PromClient } from "@oaas/prom";

/** A client of config.prometheus.url; undefined when no URL is set (analysis is then off). */
export function promClientOf(config: CrmConfig): PromClient | undefined {
  return config.prometheus.url === undefined
    ? undefined
    : new PromClient({
        url: config.prometheus.url,
        timeoutMs: config.prometheus.queryTimeoutSeconds * 1000,
      });
}
