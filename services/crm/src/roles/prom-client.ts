// The Prometheus client of a CRM process, from OPRC_CRM_PROM_URL and
// OPRC_CRM_PROM_QUERY_TIMEOUT_SECS: one construction for the analyzer, `crm nfr explain`
// and the ingress's GetNfrDetail what-if.
import type { CrmConfig } from "@oaas/config";
import { PromClient } from "@oaas/prom";

/** `{ prom }` when OPRC_CRM_PROM_URL is set, else `{}` (no Prometheus to ask). */
export function promClientOf(config: CrmConfig): { prom?: PromClient } {
  const url = config.prometheus.url;
  return url === undefined
    ? {}
    : { prom: new PromClient({ url, timeoutMs: config.prometheus.queryTimeoutSeconds * 1000 }) };
}
