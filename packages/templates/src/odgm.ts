// The ODGM addon: one ODGM Deployment + Service per record (never a sidecar), and the
// variables that point function pods at it. ODGM_SERVICE names the port the Service
// really listens on (the reference implementation advertised 8081 while ODGM served 8080).
import type { V1Deployment, V1Service } from "@kubernetes/client-node";
import { functionChildName, odgmChildName, type DeploymentRecordSpec, type FunctionRoute } from "@oaas/crd";
import type { EnvVar } from "./container.ts";
import type { FunctionPlan } from "./functions.ts";
import { objectMeta, odgmSelector, type Owner } from "./meta.ts";
import { restrictedPod } from "./pod-security.ts";
import type { TemplateTraits } from "./traits.ts";

type Runtime = TemplateTraits["runtime"];

/** ODGM's HTTP/gRPC port; the Service listens on the same number. */
export const odgmPort = 8080;
export const defaultShardType = "mst";

/** One entry of ODGM_COLLECTION (the ODGM collection-creation request, JSON). */
export interface CollectionEntry {
  name: string;
  partition_count: number;
  replica_count: number;
  shard_type: string;
  options: Record<string, string>;
  invocations: { fn_routes: Record<string, FunctionRoute>; disabled_fn: string[] };
}

export interface OdgmPlan {
  name: string;
  image: string;
  replicas: number;
  collections: CollectionEntry[];
  /** Set on every function container. */
  functionEnv: EnvVar[];
}

/**
 * Collections: odgm_config.collections (validated by validateSpec), or one named after
 * the record when none are given. Invocation routes default to each function's URL
 * inside the namespace; explicit fn_routes win per function key.
 */
export function planOdgm(
  owner: Owner,
  spec: DeploymentRecordSpec,
  image: string,
  functions: readonly FunctionPlan[],
  runtime: Runtime,
): OdgmPlan {
  const config = spec.odgm_config ?? {};
  const names =
    config.collections !== undefined && config.collections.length > 0 ? config.collections : [owner.name];
  const routes: Record<string, FunctionRoute> = {};
  for (const fn of functions) {
    routes[fn.key] = {
      url: functionUrl(owner, fn, runtime),
      stateless: false,
      standby: false,
      active_group: [],
    };
  }
  Object.assign(routes, config.invocations?.fn_routes ?? {});
  const collections = names.map((name) => ({
    name,
    partition_count: config.partition_count ?? 1,
    replica_count: Math.max(1, config.replica_count ?? 1),
    shard_type: config.shard_type ?? defaultShardType,
    options: { ...config.options },
    invocations: { fn_routes: routes, disabled_fn: [...(config.invocations?.disabled_fn ?? [])] },
  }));
  const odgmName = odgmChildName(owner.name);
  return {
    name: odgmName,
    image,
    // Zero ODGM replicas would leave every function without its data grid.
    replicas: Math.max(1, config.replica_count ?? 1),
    collections,
    functionEnv: [
      { name: "ODGM_ENABLED", value: "true" },
      { name: "ODGM_SERVICE", value: `${odgmName}:${odgmPort}` },
      ...collectionEnv(names, collections),
    ],
  };
}

/** Where ODGM reaches a function: its Service's port, or the Knative route (port 80). */
function functionUrl(owner: Owner, fn: FunctionPlan, runtime: Runtime): string {
  const name = functionChildName(owner.name, fn.key);
  return runtime === "knative" ? `http://${name}` : `http://${name}:${fn.port}`;
}

function collectionEnv(names: readonly string[], collections: readonly CollectionEntry[]): EnvVar[] {
  return [
    { name: "ODGM_COLLECTIONS", value: names.join(",") },
    { name: "ODGM_COLLECTION", value: JSON.stringify(collections) },
  ];
}

export function renderOdgm(owner: Owner, plan: OdgmPlan): [V1Deployment, V1Service] {
  const selector = odgmSelector(owner, plan.name);
  const labels = { ...owner.common, ...selector };
  const env: EnvVar[] = [
    { name: "ODGM_CLUSTER_ID", value: owner.name },
    { name: "ODGM_HTTP_PORT", value: String(odgmPort) },
    ...collectionEnv(
      plan.collections.map((c) => c.name),
      plan.collections,
    ),
  ];
  const probe = { tcpSocket: { port: "http" } };
  return [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: objectMeta(owner, plan.name, labels),
      spec: {
        replicas: plan.replicas,
        selector: { matchLabels: selector },
        template: {
          metadata: { labels },
          spec: restrictedPod({
            containers: [
              {
                name: "odgm",
                image: plan.image,
                ports: [{ name: "http", containerPort: odgmPort, protocol: "TCP" }],
                env,
                readinessProbe: { ...probe, periodSeconds: 5 },
                livenessProbe: { ...probe, initialDelaySeconds: 10, periodSeconds: 10 },
              },
            ],
          }),
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: objectMeta(owner, plan.name, labels),
      spec: { selector, ports: [{ name: "http", port: odgmPort, targetPort: "http", protocol: "TCP" }] },
    },
  ];
}
