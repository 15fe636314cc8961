// How the convergence benchmark (converge.ts) times and tidies a round: watching objects
// until each record is done, the figures of a round, and removing what a round or a run
// left behind.
import { ownerLabel, type DeploymentRecord } from "@oaas/crd";
import { deploymentHealth, deploymentRecords, type LiveObject } from "@oaas/crm";
import { Informer, KubeClient, listObjects, type KubeObject, type ResourceType } from "@oaas/kube";
import { waitFor, type TestNamespace, type TestRedis } from "@oaas/testkit";
import type { apiDelta } from "./converge-api.ts";
import { stopRoles, type Role } from "./converge-roles.ts";
import { timeoutMs } from "./converge-setup.ts";
import { deleteNamespaceAndWait, percentiles, removeNodes, round2, runAll } from "./converge-support.ts";

/**
 * Watches one kind in a namespace (an informer: one list, then watch events, so no
 * polling load on the API server and no polling resolution in the figures) and notes the
 * first time each key is done. `doneKey(obj)` returns the key an object's change finished,
 * if any. Resolves when `total` keys are done, rejects at the deadline; stops the watch.
 */
export async function trackDone(
  kube: KubeClient,
  type: ResourceType,
  namespace: string,
  total: number,
  doneKey: (obj: KubeObject) => string | undefined,
  seen: Map<string, number>,
): Promise<void> {
  const note = (obj: KubeObject) => {
    const key = doneKey(obj);
    if (key !== undefined && !seen.has(key)) seen.set(key, performance.now());
  };
  const informer = new Informer<KubeObject>({
    kube,
    type,
    namespace,
    handlers: { add: note, update: (_old, obj) => note(obj) },
  });
  informer.start();
  try {
    await waitFor(() => seen.size >= total, {
      description: `${total} ${type.plural} done`,
      timeoutMs,
      intervalMs: 200,
    });
  } finally {
    await informer.stop();
  }
}

/**
 * A doneKey for Deployments: the owner-label value (the record's name) once all
 * `perRecord` Deployments labelled with it are available.
 */
export function allDeploymentsAvailable(perRecord: number): (obj: KubeObject) => string | undefined {
  const byOwner = new Map<string, Map<string, boolean>>();
  return (obj) => {
    const d = obj as LiveObject;
    const owner = d.metadata?.labels?.[ownerLabel];
    if (owner === undefined) return undefined;
    const states = byOwner.get(owner) ?? new Map<string, boolean>();
    byOwner.set(owner, states);
    // The reconciler's own rule for a Deployment's health (@oaas/crm deploymentHealth).
    states.set(d.metadata?.name ?? "", deploymentHealth(d, "").state === "available");
    return states.size === perRecord && [...states.values()].every(Boolean) ? owner : undefined;
  };
}

export interface RoundFigures {
  readonly seconds: number;
  readonly throughput_rps: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  readonly mutating_requests_per_record: number;
  readonly mutating_by_resource: Record<string, number>;
  /** GET and LIST requests by resource (cluster-wide), per record. */
  readonly reads_per_record: Record<string, number>;
  readonly apiserver_cpu_cores: number;
  /** Cores the whole machine kept busy (every process: cluster, CRM, bench). */
  readonly machine_cores_busy: number;
  /** CPU seconds per kind of process during the round (who took the machine's cores). */
  readonly cpu_seconds_by_process: Record<string, number>;
}

export function figures(
  sentAt: ReadonlyMap<string, number>,
  doneAt: ReadonlyMap<string, number>,
  started: number,
  api: ReturnType<typeof apiDelta>,
): RoundFigures {
  const seconds = (Math.max(...doneAt.values()) - started) / 1000;
  const latencies = [...doneAt].map(([k, t]) => t - (sentAt.get(k) ?? started));
  return {
    seconds: round2(seconds),
    throughput_rps: round2(doneAt.size / seconds),
    ...percentiles(latencies),
    mutating_requests_per_record: round2(api.total / doneAt.size),
    mutating_by_resource: api.byResource,
    reads_per_record: Object.fromEntries(
      Object.entries(api.reads)
        .filter(([, n]) => n >= doneAt.size)
        .map(([k, n]) => [k, round2(n / doneAt.size)]),
    ),
    apiserver_cpu_cores: round2(api.cpuSeconds / seconds),
    machine_cores_busy: api.machineBusyCores,
    cpu_seconds_by_process: api.cpuSecondsByProcess,
  };
}

/** Records carry the CRM finalizer: drop it so their namespace can go without a reconciler. */
export async function releaseFinalizers(kube: KubeClient, namespace: string): Promise<void> {
  const records = await listObjects<DeploymentRecord>(kube, deploymentRecords, namespace);
  await runAll(records.length, 32, (i) =>
    kube.request({
      method: "PATCH",
      path: `/apis/oaas.io/v1alpha1/namespaces/${namespace}/deploymentrecords/${records[i]?.metadata.name ?? ""}`,
      body: { metadata: { finalizers: null } },
      contentType: "application/merge-patch+json",
    }),
  );
}

/** Everything a run creates, so `finally` can remove it whatever failed. */
export interface Leftovers {
  namespaces: TestNamespace[];
  /** Bench KWOK nodes (addPodCapacity). */
  nodes: string[];
  roles: Role[];
  redis: TestRedis[];
}

/**
 * Removes a finished round's namespace (finalizers released first: its reconcilers are
 * stopped) and waits until it is gone, outside the round's timing, so every round starts
 * on an empty cluster with the same pod capacity.
 */
export async function endRound(kube: KubeClient, ns: TestNamespace, left: Leftovers): Promise<void> {
  await releaseFinalizers(kube, ns.name);
  await deleteNamespaceAndWait(kube, ns.name, timeoutMs);
  left.namespaces.splice(left.namespaces.indexOf(ns), 1);
}

/** Stops every process and deletes every namespace and Redis prefix of the run; never throws. */
export async function cleanUp(kube: KubeClient, left: Leftovers): Promise<void> {
  await stopRoles(left.roles.splice(0));
  for (const ns of left.namespaces.splice(0)) {
    await releaseFinalizers(kube, ns.name).catch((e: unknown) => console.error(`finalizers ${ns.name}:`, e));
    await ns.cleanup().catch((e: unknown) => console.error(`delete ${ns.name}:`, e));
  }
  for (const r of left.redis.splice(0))
    await r.cleanup().catch((e: unknown) => console.error("redis cleanup:", e));
  await removeNodes(kube, left.nodes.splice(0));
}
