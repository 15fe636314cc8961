import * as k8s from "@kubernetes/client-node";
import { testCluster, useTestNamespace, waitFor } from "@oaas/testkit";
import { expect } from "chai";

// The real control plane end to end: Deployment -> ReplicaSet (controller-manager) ->
// Pods bound to nodes (scheduler) -> Running and Ready (KWOK).
describe("smoke: local Kubernetes cluster", function () {
  this.timeout(180_000);
  const ns = useTestNamespace("smoke");
  let apps: k8s.AppsV1Api;
  let core: k8s.CoreV1Api;

  before(async () => {
    const { kc } = await testCluster();
    apps = kc.makeApiClient(k8s.AppsV1Api);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });

  it("runs a 2-replica Deployment to 2 Ready pods and removes them on delete", async () => {
    const labels = { app: "smoke" };
    await apps.createNamespacedDeployment({
      namespace: ns.name,
      body: {
        metadata: { name: "smoke" },
        spec: {
          replicas: 2,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: { containers: [{ name: "app", image: "registry.invalid/smoke:1" }] },
          },
        },
      },
    });
    const listPods = () => core.listNamespacedPod({ namespace: ns.name, labelSelector: "app=smoke" });

    const ready = await waitFor(
      async () => {
        const pods = (await listPods()).items.filter(isPodReady);
        return pods.length === 2 ? pods : undefined;
      },
      { description: "2 Ready pods", timeoutMs: 90_000 },
    );
    expect(new Set(ready.map((p) => p.spec?.nodeName))).to.satisfy((nodes: Set<string>) =>
      [...nodes].every((n) => n.startsWith("kwok-node-")),
    );
    const deployment = await apps.readNamespacedDeployment({ name: "smoke", namespace: ns.name });
    await waitFor(
      async () =>
        (await apps.readNamespacedDeployment({ name: "smoke", namespace: ns.name })).status?.readyReplicas ===
        2,
      { description: "Deployment status readyReplicas=2", timeoutMs: 30_000 },
    );
    expect(deployment.spec?.replicas).to.equal(2);

    await apps.deleteNamespacedDeployment({
      name: "smoke",
      namespace: ns.name,
      propagationPolicy: "Foreground",
    });
    await waitFor(async () => (await listPods()).items.length === 0, {
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
