// The ingress's GetNfrDetail: the enforcer's explain (its store in Redis, the record's
// workloads) and, when asked, the what-if from Prometheus. Wiring only; the same steps
// `crm nfr explain` and the dashboard's NFR section take.
import type { CrmConfig } from "@oaas/config";
import type { KubeClient } from "@oaas/kube";
import { nfrSettings } from "@oaas/nfr";
import type { RedisClient } from "@oaas/queue";
import { createEnforcerStore, explainRecord } from "../enforcer/index.ts";
import { whatIfFor } from "../enforcer/what-if.ts";
import type { NfrExplainer } from "../ingress/record-detail-handlers.ts";
import { promClientOf } from "./prom-client.ts";

/** An explainer over `redis` (the enforcer's store) and `kube`, with the process's NFR settings. */
export function nfrExplainer(config: CrmConfig, kube: KubeClient, redis: RedisClient): NfrExplainer {
  const settings = nfrSettings(config);
  const store = createEnforcerStore(redis, config.redis.prefix);
  const whatIfDeps = { ...promClientOf(config), settings, range: config.prometheus.range };
  return async (record, atRps, signal) => {
    const nowMs = Date.now();
    const [explanation, whatIf] = await Promise.all([
      explainRecord({ kube, store, settings: settings.enforcement }, record, nowMs, signal),
      atRps === undefined ? undefined : whatIfFor(whatIfDeps, record, atRps, nowMs),
    ]);
    return whatIf === undefined ? { explanation } : { explanation, whatIf };
  };
}
