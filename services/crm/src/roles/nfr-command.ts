// `crm nfr explain <deployment-id> [--namespace ns] [--at-rps n] [-o json]`: why a record
// has the recommendations it has, what the enforcer last decided and why, and what it
// would apply now; `--at-rps` adds a what-if: the recommendation for that request rate,
// from the cost per request Prometheus shows now. Reads only: nothing is written. Its
// arguments are parsed in ../command-line.ts.
import type { CrmConfig } from "@oaas/config";
import { recordName } from "@oaas/crd";
import { KubeClient, loadKubeConfig } from "@oaas/kube";
import {
  componentQuery,
  componentsOf,
  nfrSettings,
  requirementsFor,
  whatIf,
  type ComponentRef,
} from "@oaas/nfr";
import type { PromClient } from "@oaas/prom";
import { promClientOf } from "../analyzer/prom-client.ts";
import { explainRecord } from "../enforcer/explain.ts";
import { formatExplanation, type WhatIfResult } from "../enforcer/explain-text.ts";
import { createEnforcerStore } from "../enforcer/state-store.ts";
import { getRecord } from "../deployments/record-resource.ts";
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
    let what: WhatIfResult | undefined;
    if (atRps !== undefined) {
      const prom = promClientOf(config);
      const query = { rateWindow: settings.analysis.rateWindow, range: config.prometheus.range };
      what = {
        atRps,
        components: await Promise.all(
          componentsOf(record)
            .filter((c) => c.kind === "function")
            .map(async (component) => {
              const observed = prom ? await observedLoad(prom, component, query) : undefined;
              return {
                component: component.name,
                observed: observed
                  ? `cost per request from ${observed.cpuCores.toFixed(3)} cores at ${observed.rps.toFixed(2)} requests/s now`
                  : prom
                    ? "no traffic or no data in Prometheus now: cost per request unknown"
                    : "OPRC_CRM_PROM_URL is not set: cost per request unknown",
                analysis: whatIf({
                  component: component.name,
                  atRps,
                  ...(observed ? { observed } : {}),
                  requirements: requirementsFor(record, component),
                  settings: settings.analysis,
                }),
              };
            }),
        ),
      };
    }
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

/** Total cores and requests/s of a component now (instant queries); undefined unless both are known and rps > 0. */
async function observedLoad(
  prom: PromClient,
  component: ComponentRef,
  options: { rateWindow: string; range: string },
): Promise<{ cpuCores: number; rps: number } | undefined> {
  const sum = async (expr: string | undefined): Promise<number | undefined> => {
    if (expr === undefined) return undefined;
    try {
      const series = await prom.instant(expr, Date.now());
      const values = series.flatMap((s) => s.samples.map((p) => p.v)).filter(Number.isFinite);
      return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0);
    } catch {
      return undefined;
    }
  };
  const [cpuCores, rps] = await Promise.all([
    sum(componentQuery(component, "cpu_cores", options)),
    sum(componentQuery(component, "rps", options)),
  ]);
  return cpuCores !== undefined && rps !== undefined && rps > 0 ? { cpuCores, rps } : undefined;
}
