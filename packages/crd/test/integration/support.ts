// Real-API-server helpers for the CRD suite: install the CRD, record calls, raw GETs.
import { isDeepStrictEqual } from "node:util";
import { isKubeError, resourcePath, type KubeClient } from "@oaas/kube";
import { applyCrd as applyAnyCrd, installCrd as installAnyCrd, waitFor, type ServedCrd } from "@oaas/testkit";
import { deploymentRecordCrd, deploymentRecordType, type DeploymentRecord } from "../../src/index.ts";

export const fieldManager = "oaas-crd-test";

/**
 * Installs the CRD (testkit's one install-and-wait) and waits until it serves this
 * schema. Idempotent and safe beside other suites doing the same; never deletes the CRD
 * (it is cluster-scoped and shared). `probe` is a record the served schema must keep intact.
 */
export async function installCrd(
  kube: KubeClient,
  probe: DeploymentRecord,
  namespace: string,
): Promise<void> {
  await installAnyCrd(kube, deploymentRecordCrd(), fieldManager);
  // Established is set once; after an update the new schema reaches the handlers a moment
  // later. A strict dry-run create fails on any field the served schema does not know.
  const api = recordsApi(kube, namespace);
  await waitFor(async () => isDeepStrictEqual((await api.create(probe, "All")).spec, probe.spec), {
    description: "the API server to serve the current DeploymentRecord schema",
    timeoutMs: 30_000,
  });
}

/** Server-side apply of the CRD exactly as generated; the served CRD. */
export function applyCrd(kube: KubeClient): Promise<ServedCrd> {
  return applyAnyCrd(kube, deploymentRecordCrd(), fieldManager);
}

/** DeploymentRecord calls in one namespace, through the main resource or /status. */
export function recordsApi(kube: KubeClient, namespace: string) {
  const collection = resourcePath(deploymentRecordType, namespace);
  const one = (name: string) => resourcePath(deploymentRecordType, namespace, name);
  return {
    create: (body: DeploymentRecord, dryRun?: "All"): Promise<DeploymentRecord> =>
      kube.request({
        method: "POST",
        path: collection,
        query: { fieldManager, fieldValidation: "Strict", dryRun },
        body,
      }),
    get: (name: string): Promise<DeploymentRecord> => kube.request({ method: "GET", path: one(name) }),
    replace: (body: DeploymentRecord): Promise<DeploymentRecord> =>
      kube.request({ method: "PUT", path: one(body.metadata.name), query: { fieldManager }, body }),
    /** Server-side apply of a status fragment (apiVersion, kind, metadata.name, status). */
    applyStatus: (body: Omit<DeploymentRecord, "spec">, manager: string): Promise<DeploymentRecord> =>
      kube.request({
        method: "PATCH",
        path: `${one(body.metadata.name)}/status`,
        query: { fieldManager: manager, force: true },
        body,
        contentType: "application/apply-patch+yaml",
      }),
    replaceStatus: (body: DeploymentRecord): Promise<DeploymentRecord> =>
      kube.request({
        method: "PUT",
        path: `${one(body.metadata.name)}/status`,
        query: { fieldManager, fieldValidation: "Strict" },
        body,
      }),
  };
}

/** The HTTP code and the API server's Status message of a failed call. */
export function apiFailure(error: unknown): { code: number; message: string } {
  if (!isKubeError(error) || error.statusCode === undefined) throw error;
  return { code: error.statusCode, message: error.status?.message ?? "" };
}

export async function expectFailure(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call;
  } catch (error) {
    return apiFailure(error);
  }
  throw new Error("expected the API server to reject the call");
}

/** A GET with another Accept (server-side Table output), or of a discovery document. */
export function rawGet(kube: KubeClient, path: string, accept = "application/json"): Promise<unknown> {
  return kube.request({ method: "GET", path, accept });
}
