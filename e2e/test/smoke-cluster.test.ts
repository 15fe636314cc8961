import type * as k8s from "@kubernetes/client-node";
import { deleteObject, getObject, listObjects, resourcePath, type KubeClient } from "@oaas/kube";
import { builtIn, testCluster, useTestNamespace, waitFor } from "@oaas/testkit";
import { expect } from "chai";

// The real control plane end to end: Deployment -> ReplicaSet (controller-manager) ->
// Pods bound to nodes (scheduler) -> Running and Ready (KWOK).
describe("smoke: local Kubernetes cluster", function () {
  this.timeout(180_000);
  const ns = useTestNamespace("smoke");
  let kube: KubeClient;

  before(async () => {
    ({ kube } = await testCluster());
  });

  it("runs a 2-replica Deployment to 2 Ready pods and removes them on delete", async () => {
    const labels = { app: "smoke" };
    const body: k8s.V1Deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "smoke" },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: "app", image: "registry.invalid/smoke:1" }] },
        },
      },
    };
    await kube.request({ method: "POST", path: resourcePath(builtIn.deployments, ns.name), body });
    const listPods = () =>
      listObjects<k8s.V1Pod>(kube, builtIn.pods, ns.name, { labelSelector: "app=smoke" });
    const readDeployment = () => getObject<k8s.V1Deployment>(kube, builtIn.deployments, ns.name, "smoke");

    const ready = await waitFor(
      async () => {
        const pods = (await listPods()).filter(isPodReady);
        return pods.length === 2 ? pods : undefined;
      },
      { description: "2 Ready pods", timeoutMs: 90_000 },
    );
    expect(new Set(ready.map((p) => p.spec?.nodeName))).to.satisfy((nodes: Set<string>) =>
      [...nodes].every((n) => n.startsWith("kwok-node-")),
    );
    const deployment = await readDeployment();
    await waitFor(async () => (await readDeployment())?.status?.readyReplicas === 2, {
      description: "Deployment status readyReplicas=2",
      timeoutMs: 30_000,
    });
    expect(deployment?.spec?.replicas).to.equal(2);

    await deleteObject(kube, builtIn.deployments, ns.name, "smoke", { propagationPolicy: "Foreground" });
    await waitFor(async () => (await listPods()).length === 0, {
      description: "the pods to be gone",
      timeoutMs: 90_000,
    });
  });
});

function isPodReady(pod: k8s.V1Pod): boolean {
  return (
    pod.status?.phase === "Running" &&
    (pod.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false)
  );
}
