// `crm nfr explain <deployment-id> [--namespace ns] [--at-rps n] [-o json]`: why a record
// has the recommendations it has, what the enforcer last decided and why, and what it
// would apply now; `--at-rps` adds a what-if: the recommendation for that request rate,
// from the cost per request Prometheus shows now. Reads only: nothing is written.
import { parseArgs } from "node:util";
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
import { PromClient } from "@oaas/prom";
import { explainRecord } from "../enforcer/explain.ts";
import { formatExplanation, type WhatIfResult } from "../enforcer/explain-text.ts";
import { createEnforcerStore } from "../enforcer/state-store.ts";
import { getRecord } from "../deployments/record-resource.ts";
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
    let what: WhatIfResult | undefined;
    if (atRps !== undefined) {
      const prom =
        config.prometheus.url === undefined
          ? undefined
          : new PromClient({
              url: config.prometheus.url,
              timeoutMs: config.prometheus.queryTimeoutSeconds * 1000,
            });
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
