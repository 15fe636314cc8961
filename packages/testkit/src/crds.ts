// CRDs in tests: one install-and-wait for every suite that needs a CustomResourceDefinition
// (the DeploymentRecord CRD of packages/crd, the minimal Knative and Prometheus Operator
// CRDs of the templates suite). Raw requests on purpose: client-node's typed models
// rename or drop the wire-named `enum` and `x-kubernetes-*` fields of a manifest.
// The product's own path (`crm crds`, services/crm/src/crds.ts) stays the CRM suites' one.
import type * as k8s from "@kubernetes/client-node";
import { kubeRequest } from "./kube-request.ts";
import { waitFor } from "./wait.ts";

const crdsPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

/** The parts of a served CRD the helpers read. */
export interface ServedCrd {
  metadata: { name: string; generation?: number };
  status?: { conditions?: { type: string; status: string; message?: string }[] };
}

/**
 * Server-side-applies `crd` exactly as given (field manager `fieldManager`, forced).
 * Resolves with the served object; throws with the API server's answer otherwise.
 */
export async function applyCrd(kc: k8s.KubeConfig, crd: object, fieldManager: string): Promise<ServedCrd> {
  const name = (crd as { metadata?: { name?: string } }).metadata?.name;
  if (!name) throw new Error("the CRD has no metadata.name");
  const query = new URLSearchParams({ fieldManager, force: "true" });
  const res = await kubeRequest(kc, {
    method: "PATCH",
    path: `${crdsPath}/${name}?${query.toString()}`,
    body: JSON.stringify(crd),
    contentType: "application/apply-patch+yaml",
  });
  if (res.status !== 200 && res.status !== 201)
    throw new Error(`apply CRD ${name}: ${res.status} ${res.text.slice(0, 300)}`);
  return JSON.parse(res.text) as ServedCrd;
}

/** The served CRD, or undefined when there is none. */
export async function readCrd(kc: k8s.KubeConfig, name: string): Promise<ServedCrd | undefined> {
  const res = await kubeRequest(kc, { method: "GET", path: `${crdsPath}/${name}` });
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw new Error(`GET CRD ${name}: ${res.status} ${res.text.slice(0, 300)}`);
  return JSON.parse(res.text) as ServedCrd;
}

/** Waits until the CRD's Established condition is True (default 30 s). */
export async function waitForCrdEstablished(
  kc: k8s.KubeConfig,
  name: string,
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    async () =>
      (await readCrd(kc, name))?.status?.conditions?.some(
        (c) => c.type === "Established" && c.status === "True",
      ),
    { description: `CRD ${name} Established`, timeoutMs },
  );
}

/**
 * Applies `crd` and waits until it is Established. Idempotent and safe beside other
 * suites doing the same; never deletes anything (CRDs are cluster-scoped and shared).
 */
export async function installCrd(kc: k8s.KubeConfig, crd: object, fieldManager: string): Promise<ServedCrd> {
  const served = await applyCrd(kc, crd, fieldManager);
  await waitForCrdEstablished(kc, served.metadata.name);
  return served;
}

/** Deletes a CRD; one that is already gone is fine. */
export async function deleteCrd(kc: k8s.KubeConfig, name: string): Promise<void> {
  const res = await kubeRequest(kc, { method: "DELETE", path: `${crdsPath}/${name}` });
  if (res.status !== 200 && res.status !== 202 && res.status !== 404)
    throw new Error(`DELETE CRD ${name}: ${res.status} ${res.text.slice(0, 300)}`);
}
