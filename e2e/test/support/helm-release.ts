// Helm releases of the charts on the test cluster for the chart suites: install with
// --wait (saying where it stuck when it times out) and wait until a release's workloads
// are Ready.
import type { V1Deployment, V1Pod, V1StatefulSet } from "@kubernetes/client-node";
import { listObjects, type KubeClient, type ResourceType } from "@oaas/kube";
import { builtIn, runHelm, waitFor, type HelmResult } from "@oaas/testkit";

export interface ReleaseTarget {
  readonly kube: KubeClient;
  readonly kubeconfig: string;
  readonly namespace: string;
}

/**
 * `helm install <release> <chartPath> [args] --wait` in `target.namespace`: every
 * Deployment and StatefulSet has its replicas Ready (KWOK) before helm returns. Throws
 * with helm's stderr and the pods' phases and conditions when it fails.
 */
export async function installRelease(
  target: ReleaseTarget,
  release: string,
  chartPath: string,
  args: readonly string[] = [],
): Promise<HelmResult> {
  const full = ["install", release, chartPath, ...args, "--wait", "--timeout", "240s"];
  const result = await runHelm([...full, "--namespace", target.namespace], { kubeconfig: target.kubeconfig });
  if (result.code !== 0) {
    // On the shared, loaded cluster say where it stuck: the pods' phases and conditions.
    const pods = await listObjects<V1Pod>(target.kube, builtIn.pods, target.namespace);
    const state = pods.map(
      (p) =>
        `${p.metadata?.name ?? "?"} node=${p.spec?.nodeName ?? "-"} ${p.status?.phase ?? "?"} ${JSON.stringify(p.status?.conditions?.map((c) => `${c.type}=${c.status}${c.message ? ` (${c.message})` : ""}`))}`,
    );
    throw new Error(`helm ${full.join(" ")}: ${result.stderr}\npods: ${state.join("\n  ")}`);
  }
  return result;
}

/**
 * Waits (120 s) until the release's Deployments and StatefulSets are exactly the named
 * ones, each with all its replicas Ready.
 */
export async function expectAllReady(
  kube: KubeClient,
  namespace: string,
  release: string,
  deployments: string[],
  statefulSets: string[],
): Promise<void> {
  const workloads = <T>(type: ResourceType) =>
    listObjects<T>(kube, type, namespace, { labelSelector: `app.kubernetes.io/instance=${release}` });
  await waitFor(
    async () => {
      const ds = await workloads<V1Deployment>(builtIn.deployments);
      const ss = await workloads<V1StatefulSet>(builtIn.statefulSets);
      const ready = (o: V1Deployment | V1StatefulSet) =>
        (o.status?.readyReplicas ?? 0) === (o.spec?.replicas ?? 1) && (o.spec?.replicas ?? 1) > 0;
      return sameNames(ds, deployments) && sameNames(ss, statefulSets) && ds.every(ready) && ss.every(ready);
    },
    { description: `every workload of ${release} Ready`, timeoutMs: 120_000 },
  ).catch(async (error: unknown) => {
    const ds = await workloads<V1Deployment>(builtIn.deployments);
    const state = ds.map((d) => `${d.metadata?.name ?? "?"}: ${JSON.stringify(d.status)}`);
    throw new Error(`${String(error)}; deployments: ${state.join("; ")}`);
  });
}

function sameNames(items: { metadata?: { name?: string } }[], names: string[]): boolean {
  const got = items.map((i) => i.metadata?.name ?? "").sort();
  return JSON.stringify(got) === JSON.stringify([...names].sort());
}
