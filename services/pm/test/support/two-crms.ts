// Two real CRM processes (services/crm `crm all`: ingress + watcher + reconciler, on real
// Redis) on the shared test cluster, each in its own namespace, as the PM's clusters "a"
// and "b": CRM "a" has ODGM on and "b" has it off, so a unit with odgm_config is accepted
// by "a" and refused by "b" (FAILED_PRECONDITION): a real, deterministic partial failure.
// Shared by the pm-crm*.test.ts suites, with the helpers they read the CRMs through.
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { create } from "@bufbuild/protobuf";
import { DeploymentService, GetDeploymentStatusRequestSchema } from "@oaas/proto";
import { listObjects } from "@oaas/kube";
import {
  builtIn,
  createTestNamespace,
  installCrdWithCrm,
  startCrmProcess,
  testCluster,
  waitFor,
  type CrmProcess,
  type TestNamespace,
} from "@oaas/testkit";

/** The availability both CRMs report (OPRC_CRM_ENV_AVAILABILITY_OVERRIDE): the PM sizes replicas from it. */
export const availability = "0.9";

/** GetDeploymentStatus of `id`, straight from the CRM at `url` (not through the PM). */
export function crmStatus(url: string, id: string) {
  const client = createClient(DeploymentService, createGrpcTransport({ baseUrl: url }));
  return client.getDeploymentStatus(create(GetDeploymentStatusRequestSchema, { deploymentId: id }), {
    timeoutMs: 5000,
  });
}

/** True once the CRM at `url` answers NOT_FOUND for `id` (the record and its finalizer are gone). */
export async function crmGone(url: string, id: string): Promise<boolean> {
  try {
    await crmStatus(url, id);
    return false;
  } catch (error) {
    if (error instanceof ConnectError && error.code === Code.NotFound) return true;
    throw error;
  }
}

/** Waits (up to 120 s) until crmGone. */
export async function waitGone(url: string, id: string): Promise<void> {
  await waitFor(() => crmGone(url, id), {
    description: `${id} NOT_FOUND on ${url}`,
    timeoutMs: 120_000,
    intervalMs: 500,
  });
}

/** Names of the Deployments in `namespace` that a DeploymentRecord owns (label oaas.io/owner). */
export async function ownedDeployments(namespace: string): Promise<string[]> {
  const { kube } = await testCluster();
  const owned = await listObjects<{ metadata: { name: string } }>(kube, builtIn.deployments, namespace, {
    labelSelector: "oaas.io/owner",
  });
  return owned.map((d) => d.metadata.name);
}

/** The PM's answer to POST /api/v1/deployments, as these suites read it. */
export interface Created {
  key: string;
  condition: string;
  replicas: number;
  achieved_availability: number;
  units: { cluster: string; unit_id: string; state: string }[];
  failed_clusters?: string[];
}

/** CRMs "a" (ODGM on) and "b" (ODGM off), started by startTwoCrms. */
export interface TwoCrms {
  readonly a: CrmProcess;
  readonly b: CrmProcess;
  readonly nsA: string;
  readonly nsB: string;
  /** Their namespaces; a suite may push more for stopTwoCrms to delete. */
  readonly namespaces: TestNamespace[];
}

/**
 * Starts CRMs "a" and "b" in fresh namespaces, both reporting `availability`. On a
 * failure half-way, whatever started is stopped and the namespaces deleted.
 */
export async function startTwoCrms(): Promise<TwoCrms> {
  const { kubeconfig } = await testCluster();
  await installCrdWithCrm(kubeconfig);
  const namespaces = await Promise.all([createTestNamespace("pm-a"), createTestNamespace("pm-b")]);
  const [nsA = "", nsB = ""] = namespaces.map((n) => n.name);
  const started = await Promise.allSettled([
    startCrmProcess({
      kubeconfig,
      namespace: nsA,
      env: { OPRC_CRM_FEATURES_ODGM: "true", OPRC_CRM_ENV_AVAILABILITY_OVERRIDE: availability },
    }),
    startCrmProcess({
      kubeconfig,
      namespace: nsB,
      env: { OPRC_CRM_ENV_AVAILABILITY_OVERRIDE: availability },
    }),
  ]);
  const [a, b] = started;
  if (a.status !== "fulfilled" || b.status !== "fulfilled") {
    await Promise.all(started.map(async (s) => (s.status === "fulfilled" ? s.value.release() : undefined)));
    await Promise.all(namespaces.map((n) => n.cleanup()));
    const failed = started.find((s) => s.status === "rejected");
    throw failed?.reason instanceof Error ? failed.reason : new Error("starting the CRMs failed");
  }
  return { a: a.value, b: b.value, nsA, nsB, namespaces };
}

/** Stops what startTwoCrms started (nothing when it never did) and deletes every namespace of `crms`. */
export async function stopTwoCrms(crms: TwoCrms | undefined): Promise<void> {
  if (!crms) return;
  await Promise.all([crms.a.release(), crms.b.release()]);
  await Promise.all(crms.namespaces.map((n) => n.cleanup()));
}

/** The PM settings naming CRMs "a" (the default cluster) and "b", plus `extra`. */
export function twoCrmEnv(crms: TwoCrms, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OPRC_PM_CRM_CLUSTERS: "a,b",
    OPRC_PM_CRM_A_URL: crms.a.url,
    OPRC_PM_CRM_B_URL: crms.b.url,
    OPRC_PM_CRM_DEFAULT_CLUSTER: "a",
    OPRC_PM_RETRY_BASE_MS: "20",
    ...extra,
  };
}
