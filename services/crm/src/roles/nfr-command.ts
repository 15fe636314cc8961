// `crm nfr explain <deployment-id> [--namespace ns] [--at-rps n] [-o json]`: why a record
// has the recommendations it has, what the enforcer last decided and why, and what it
// would apply now; `--at-rps` adds a what-if: the recommendation for that request rate,
// from the cost per request Prometheus shows now. Reads only: nothing is written. Its
// arguments are parsed in ../command-line.ts.
import type { CrmConfig } from "@oaas/config";
import { recordName } from "@oaas/crd";
import { KubeClient, loadKubeConfig } from "@oaas/kube";
import { formatExplanation, nfrSettings, type WhatIfResult } from "@oaas/nfr";
import { explainRecord } from "../enforcer/explain.ts";
import { createEnforcerStore } from "../enforcer/state-store.ts";
import { whatIfFor } from "../enforcer/what-if.ts";
import { getRecord } from "../deployments/record-resource.ts";
import { promClientOf } from "./prom-client.ts";
import { queueRedisClient } from "./queue-redis.ts";

/** `crm nfr explain` options as given; the namespace defaults to the CRM's configured one. */
export interface NfrExplainOptions {
  readonly namespace?: string;
  /** A request rate (per second, 0 or more) to show the recommendation for. */
  readonly atRps?: number;
  /** "json": one JSON document; anything else: text. */
  readonly output?: string;
}

/** Exit codes: 0 printed, 1 the cluster or Redis cannot be read, 3 no such record. */
export async function runNfrCommand(
  config: CrmConfig,
  id: string,
  options: NfrExplainOptions,
): Promise<number> {
  const { atRps } = options;
  const namespace = options.namespace ?? config.namespace;
  const settings = nfrSettings(config);
  const kube = await KubeClient.create(loadKubeConfig());
  const redis = queueRedisClient(config, "producer", undefined);
  redis.on("error", () => undefined); // reported through the failed command below
  const signal = AbortSignal.timeout(30_000);
  try {
    const record = await getRecord(kube, namespace, recordName(id), signal);
    if (record === undefined) {
      console.error(`crm nfr explain: no record for ${id} in namespace ${namespace}`);
      return 3;
    }
    await redis.connect();
    const store = createEnforcerStore(redis, config.redis.prefix);
    const explanation = await explainRecord(
      { kube, store, settings: settings.enforcement },
      record,
      Date.now(),
      signal,
    );
    const what: WhatIfResult | undefined =
      atRps === undefined
        ? undefined
        : await whatIfFor(
            { ...promClientOf(config), settings, range: config.prometheus.range },
            record,
            atRps,
            Date.now(),
          );
    if (options.output === "json") console.log(JSON.stringify({ ...explanation, whatIf: what }, null, 2));
    else console.log(formatExplanation(explanation, what));
    return 0;
  } catch (error) {
    console.error(`crm nfr explain: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    redis.disconnect();
    await kube.close();
  }
}
