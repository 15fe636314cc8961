// `crm nfr explain <deployment-id> [--namespace ns] [--at-rps n] [-o json]`: why a record
// has the recommendations it has, what the enforcer last decided and why, and what it
// would apply now; `--at-rps` adds a what-if: the recommendation for that request rate,
// from the cost per request Prometheus shows now. Reads only: nothing is written.
import { parseArgs } from "node:util";
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

const usage = "usage: crm nfr explain <deployment-id> [--namespace ns] [--at-rps n] [-o json]";

/** Exit codes: 0 printed, 1 the cluster or Redis cannot be read, 2 bad usage, 3 no such record. */
export async function runNfrCommand(config: CrmConfig, args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        namespace: { type: "string", short: "n" },
        "at-rps": { type: "string" },
        output: { type: "string", short: "o" },
      },
    });
  } catch (error) {
    console.error(`crm nfr: ${error instanceof Error ? error.message : String(error)}\n${usage}`);
    return 2;
  }
  const [verb, id] = parsed.positionals;
  if (verb !== "explain" || id === undefined || id === "") {
    console.error(usage);
    return 2;
  }
  const atRpsText = parsed.values["at-rps"];
  const atRps = atRpsText === undefined ? undefined : Number(atRpsText);
  if (atRps !== undefined && (!Number.isFinite(atRps) || atRps < 0)) {
    console.error("crm nfr explain: --at-rps must be a number of requests per second, 0 or more");
    return 2;
  }
  const namespace = parsed.values.namespace ?? config.namespace;
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
    if (parsed.values.output === "json")
      console.log(JSON.stringify({ ...explanation, whatIf: what }, null, 2));
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
