// Helpers of the convergence benchmark (converge.ts): bounded-concurrency load, latency
// summaries, REST types of rendered objects, and the bench's KWOK nodes and namespaces.
// The API server's counters are in converge-api.ts, the CRM processes in converge-roles.ts.
import type { KubeClient, ResourceType } from "@oaas/kube";
import { addFakeNodes, waitFor } from "@oaas/testkit";

/** Runs call(0..n-1) with `concurrency` calls in flight; resolves when all are done. */
export async function runAll(
  n: number,
  concurrency: number,
  call: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, n) }, async () => {
      for (let i = next++; i < n; i = next++) await call(i);
    }),
  );
}

export const round2 = (x: number) => Math.round(x * 100) / 100;

/** p50/p99/max (ms, rounded) of a list of durations in ms. */
export function percentiles(values: readonly number[]): { p50_ms: number; p99_ms: number; max_ms: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    round2(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN);
  return { p50_ms: at(0.5), p99_ms: at(0.99), max_ms: at(1) };
}

/** The REST type of a rendered object (built-in kinds only: plural = lower-case kind + "s"). */
export function typeOf(object: { apiVersion?: string; kind?: string }): ResourceType {
  const apiVersion = object.apiVersion ?? "v1";
  const slash = apiVersion.indexOf("/");
  return {
    group: slash < 0 ? "" : apiVersion.slice(0, slash),
    version: apiVersion.slice(slash + 1),
    plural: `${(object.kind ?? "").toLowerCase()}s`,
    namespaced: true,
  };
}
const benchNodePods = 500;

/**
 * Registers extra KWOK nodes (testkit's fake nodes) so `pods` more pods can be scheduled:
 * the test cluster's two nodes hold 110 pods each, which 200 units (600 pods) already
 * exceed. Each bench node holds 500 pods.
 * @returns the node names, for removeNodes.
 */
export async function addPodCapacity(kube: KubeClient, pods: number): Promise<string[]> {
  const count = Math.ceil(pods / benchNodePods);
  const names = Array.from({ length: count }, (_, i) => `kwok-bench-${process.pid}-${i}`);
  await addFakeNodes(kube, names, { cpu: "500", memory: "4Ti", pods: String(benchNodePods) });
  return names;
}

/** Deletes nodes made by addPodCapacity; never throws (logs instead). */
export async function removeNodes(kube: KubeClient, names: readonly string[]): Promise<void> {
  for (const name of names)
    await kube
      .exchange({ method: "DELETE", path: `/api/v1/nodes/${name}` })
      .catch((e: unknown) => console.error(`delete node ${name}:`, e));
}

/**
 * Deletes a round's namespace and waits until the API server has removed it (its pods,
 * ReplicaSets and Services gone), so the next round starts on an empty cluster and does
 * not pay for the previous round's garbage collection.
 */
export async function deleteNamespaceAndWait(
  kube: KubeClient,
  name: string,
  timeoutMs: number,
): Promise<void> {
  await kube.exchange({ method: "DELETE", path: `/api/v1/namespaces/${name}` });
  await waitFor(
    async () =>
      (await kube.exchange({ method: "GET", path: `/api/v1/namespaces/${name}` })).statusCode === 404,
    { description: `namespace ${name} deleted`, timeoutMs, intervalMs: 1000 },
  );
}
