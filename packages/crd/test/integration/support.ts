// Real-API-server helpers for the CRD suite: install the CRD, typed record calls, raw GETs.
import { isDeepStrictEqual } from "node:util";
import * as k8s from "@kubernetes/client-node";
import {
  applyCrd as applyAnyCrd,
  installCrd as installAnyCrd,
  kubeRequest,
  waitFor,
  type ServedCrd,
} from "@oaas/testkit";
import { deploymentRecordCrd, group, plural, version, type DeploymentRecord } from "../../src/index.ts";

export const fieldManager = "oaas-crd-test";

/**
 * Installs the CRD (testkit's one install-and-wait) and waits until it serves this
 * schema. Idempotent and safe beside other suites doing the same; never deletes the CRD
 * (it is cluster-scoped and shared). `probe` is a record the served schema must keep intact.
 */
export async function installCrd(
  kc: k8s.KubeConfig,
  probe: DeploymentRecord,
  namespace: string,
): Promise<void> {
  await installAnyCrd(kc, deploymentRecordCrd(), fieldManager);
  // Established is set once; after an update the new schema reaches the handlers a moment
  // later. A strict dry-run create fails on any field the served schema does not know.
  const records = recordsApi(kc, namespace);
  await waitFor(async () => isDeepStrictEqual((await records.create(probe, "All")).spec, probe.spec), {
    description: "the API server to serve the current DeploymentRecord schema",
    timeoutMs: 30_000,
  });
}

/** Server-side apply of the CRD exactly as generated; the served CRD. */
export function applyCrd(kc: k8s.KubeConfig): Promise<ServedCrd> {
  return applyAnyCrd(kc, deploymentRecordCrd(), fieldManager);
}

/** DeploymentRecord calls in one namespace, through the main resource or /status. */
export function recordsApi(kc: k8s.KubeConfig, namespace: string) {
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  const at = { group, version, plural, namespace };
  return {
    create: async (body: DeploymentRecord, dryRun?: "All"): Promise<DeploymentRecord> =>
      (await api.createNamespacedCustomObject({
        ...at,
        body,
        fieldManager,
        fieldValidation: "Strict",
        ...(dryRun ? { dryRun } : {}),
      })) as DeploymentRecord,
    get: async (name: string): Promise<DeploymentRecord> =>
      (await api.getNamespacedCustomObject({ ...at, name })) as DeploymentRecord,
    replace: async (body: DeploymentRecord): Promise<DeploymentRecord> =>
      (await api.replaceNamespacedCustomObject({
        ...at,
        name: body.metadata.name,
        body,
        fieldManager,
      })) as DeploymentRecord,
    /** Server-side apply of a status fragment (apiVersion, kind, metadata.name, status). */
    applyStatus: async (body: Omit<DeploymentRecord, "spec">, manager: string) =>
      (await api.patchNamespacedCustomObjectStatus(
        { ...at, name: body.metadata.name, body, fieldManager: manager, force: true },
        k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.ServerSideApply),
      )) as DeploymentRecord,
    replaceStatus: async (body: DeploymentRecord): Promise<DeploymentRecord> =>
      (await api.replaceNamespacedCustomObjectStatus({
        ...at,
        name: body.metadata.name,
        body,
        fieldManager,
        fieldValidation: "Strict",
      })) as DeploymentRecord,
  };
}

/** The HTTP code and the API server's Status message of a failed call. */
export function apiFailure(error: unknown): { code: number; message: string } {
  if (!(error instanceof k8s.ApiException)) throw error;
  const body: unknown = typeof error.body === "string" ? JSON.parse(error.body) : error.body;
  const message = typeof body === "object" && body !== null && "message" in body ? String(body.message) : "";
  return { code: error.code, message };
}

export async function expectFailure(call: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await call;
  } catch (error) {
    return apiFailure(error);
  }
  throw new Error("expected the API server to reject the call");
}

/** A raw GET (for discovery documents and server-side Table output). */
export async function rawGet(
  kc: k8s.KubeConfig,
  path: string,
  accept = "application/json",
): Promise<unknown> {
  const res = await kubeRequest(kc, { method: "GET", path, accept });
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text}`);
  return JSON.parse(res.text);
}
