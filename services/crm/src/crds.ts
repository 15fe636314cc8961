// `crm crds`: installs or upgrades the DeploymentRecord CRD and waits until it is served.
// Helm installs charts/oaas-crm/crds once and never upgrades CRDs; this is the upgrade
// path (run it from a pre-upgrade hook or by hand), and `npm start` uses it locally.
import { setTimeout as delay } from "node:timers/promises";
import { crdName, deploymentRecordCrd } from "@oaas/crd";
import { applyObject, customResourceDefinitions, getObject, type KubeClient } from "@oaas/kube";

interface CrdStatus {
  status?: { conditions?: { type: string; status: string; message?: string }[] };
}

/** Server-side-applies the CRD (field manager oaas-crm-crds) and waits for Established. */
export async function applyCrds(kube: KubeClient, timeoutMs = 60_000): Promise<void> {
  await applyObject(kube, customResourceDefinitions, deploymentRecordCrd(), {
    fieldManager: "oaas-crm-crds",
    force: true,
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const crd = await getObject<CrdStatus>(kube, customResourceDefinitions, undefined, crdName);
    const established = crd?.status?.conditions?.find((c) => c.type === "Established");
    if (established?.status === "True") return;
    if (Date.now() > deadline) {
      throw new Error(
        `CRD ${crdName} not Established after ${timeoutMs} ms: ${established?.message ?? "no condition"}`,
      );
    }
    await delay(250);
  }
}
