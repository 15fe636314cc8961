// CRDs in tests: one install-and-wait for every suite that needs a CustomResourceDefinition
// (the DeploymentRecord CRD of packages/crd, the minimal Knative and Prometheus Operator
// CRDs of the templates suite). The manifest goes to the API server exactly as given
// (KubeClient sends plain JSON, so the wire-named `enum` and `x-kubernetes-*` fields that
// client-node's typed models rename or drop arrive intact).
// The product's own path (`crm crds`, services/crm/src/crds.ts) stays the CRM suites' one.
import {
  applyObject,
  customResourceDefinitions,
  deleteObject,
  getObject,
  type KubeClient,
  type KubeObject,
} from "@oaas/kube";
import { waitFor } from "./wait.ts";

/** The parts of a served CRD the helpers read. */
export interface ServedCrd {
  metadata: { name: string; generation?: number };
  status?: { conditions?: { type: string; status: string; message?: string }[] };
}

/**
 * Server-side-applies `crd` exactly as given (field manager `fieldManager`, forced).
 * Resolves with the served object; throws KubeError with the API server's answer otherwise.
 */
export async function applyCrd(kube: KubeClient, crd: object, fieldManager: string): Promise<ServedCrd> {
  const served = await applyObject(kube, customResourceDefinitions, crd as KubeObject, {
    fieldManager,
    force: true,
  });
  return served as ServedCrd;
}

/** The served CRD, or undefined when there is none. */
export async function readCrd(kube: KubeClient, name: string): Promise<ServedCrd | undefined> {
  return getObject<ServedCrd>(kube, customResourceDefinitions, undefined, name);
}

/** Waits until the CRD's Established condition is True (default 30 s). */
export async function waitForCrdEstablished(
  kube: KubeClient,
  name: string,
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    async () =>
      (await readCrd(kube, name))?.status?.conditions?.some(
        (c) => c.type === "Established" && c.status === "True",
      ),
    { description: `CRD ${name} Established`, timeoutMs },
  );
}

/**
 * Applies `crd` and waits until it is Established. Idempotent and safe beside other
 * suites doing the same; never deletes anything (CRDs are cluster-scoped and shared).
 */
export async function installCrd(kube: KubeClient, crd: object, fieldManager: string): Promise<ServedCrd> {
  const served = await applyCrd(kube, crd, fieldManager);
  await waitForCrdEstablished(kube, served.metadata.name);
  return served;
}

/** Deletes a CRD; one that is already gone is fine. */
export async function deleteCrd(kube: KubeClient, name: string): Promise<void> {
  await deleteObject(kube, customResourceDefinitions, undefined, name);
}
