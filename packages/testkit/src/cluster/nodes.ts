import type * as k8s from "@kubernetes/client-node";
import { getObject, listObjects, nodes, resourcePath, type KubeClient } from "@oaas/kube";
import { builtIn } from "../resource-types.ts";
import { waitFor } from "../wait.ts";

/** Annotation KWOK selects its nodes by (see --manage-nodes-with-annotation-selector). */
export const kwokNodeAnnotation = "kwok.x-k8s.io/node";

/** What a fake node offers the scheduler by default (KWOK's fake nodes run nothing). */
const defaultCapacity: Readonly<Record<string, string>> = { cpu: "32", memory: "256Gi", pods: "110" };

/**
 * Registers the fake nodes `names`, which KWOK keeps Ready, each offering `capacity`
 * (default 32 CPUs, 256Gi, 110 pods), and waits until every one is Ready. Pods bound to
 * them become Running and Ready without a kubelet.
 */
export async function addFakeNodes(
  kube: KubeClient,
  names: readonly string[],
  capacity: Readonly<Record<string, string>> = defaultCapacity,
): Promise<void> {
  for (const name of names)
    await kube.request({ method: "POST", path: resourcePath(nodes), body: fakeNode(name, capacity) });
  await waitFor(
    async () => {
      const ready = await listObjects<k8s.V1Node>(kube, nodes, undefined);
      return names.every((name) => ready.some((n) => n.metadata?.name === name && isNodeReady(n)));
    },
    { description: `${names.length} KWOK nodes to be Ready`, timeoutMs: 60_000 },
  );
  // The TaintNodesByCondition admission plugin gives every new node the not-ready
  // NoSchedule taint; the node-lifecycle controller would lift it once Ready, but the test
  // cluster runs without that controller (start.ts says why), so the taint goes here.
  for (const name of names)
    await kube.request({
      method: "PATCH",
      path: `${resourcePath(nodes)}/${name}`,
      contentType: "application/merge-patch+json",
      body: { spec: { taints: null } },
    });
}

/**
 * The test cluster's own `count` fake nodes (kwok-node-0, ...). Also waits for the
 * default ServiceAccount, which proves the controller-manager is working too.
 */
export async function createFakeNodes(kube: KubeClient, count: number): Promise<void> {
  await addFakeNodes(
    kube,
    Array.from({ length: count }, (_, i) => `kwok-node-${i}`),
  );
  await waitFor(() => getObject(kube, builtIn.serviceAccounts, "default", "default"), {
    description: "the default ServiceAccount (controller-manager running)",
    timeoutMs: 60_000,
  });
}

export function isNodeReady(node: k8s.V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

function fakeNode(name: string, capacity: Readonly<Record<string, string>>): k8s.V1Node {
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      annotations: { [kwokNodeAnnotation]: "fake", "node.alpha.kubernetes.io/ttl": "0" },
      labels: {
        type: "kwok",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
      },
    },
    spec: { providerID: `kwok://${name}` },
    status: { allocatable: { ...capacity }, capacity: { ...capacity } },
  };
}
