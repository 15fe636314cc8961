// What the analyzer (and enforcer) suites share: records written straight to the API
// server (no reconciler needed: the analyzer reads only the record and Prometheus), the
// series of a steady workload on a synthetic exporter, the analyzer's own ServiceAccount
// built from the chart's list of its calls (so a call the list lacks fails the test), and
// the API server's own count of status writes.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as k8s from "@kubernetes/client-node";
import {
  apiVersion,
  findCondition,
  kind,
  recordName,
  type Condition,
  type DeploymentRecord,
  type DeploymentRecordSpec,
} from "@oaas/crd";
import { applyObject, getObject, resourcePath, type KubeClient } from "@oaas/kube";
import { builtIn, publishPod, publishRequests, repoRoot, type SyntheticExporter } from "@oaas/testkit";
import { deploymentRecords } from "../../src/deployments/record-resource.ts";

/** A hand-written record with one function "f1" (image only), as kubectl would apply it. */
export async function putRecord(
  kube: KubeClient,
  namespace: string,
  deploymentId: string,
  spec: Partial<DeploymentRecordSpec> = {},
): Promise<DeploymentRecord> {
  return applyObject<DeploymentRecord>(
    kube,
    deploymentRecords,
    {
      apiVersion,
      kind,
      metadata: { name: recordName(deploymentId), namespace },
      spec: {
        deployment_id: deploymentId,
        selected_template: "dev",
        functions: [
          { function_key: "f1", provision_config: { container_image: "ghcr.io/oaas/f1:1", port: 8080 } },
        ],
        ...spec,
      },
    },
    { fieldManager: "kubectl", force: true },
  );
}

/** The record's NfrObserved condition and recommendations, read from the API server. */
export async function nfrOf(
  kube: KubeClient,
  namespace: string,
  deploymentId: string,
): Promise<{ condition: Condition | undefined; targets: string[]; record: DeploymentRecord | undefined }> {
  const record = await getObject<DeploymentRecord>(
    kube,
    deploymentRecords,
    namespace,
    recordName(deploymentId),
  );
  return {
    record,
    condition: findCondition(record?.status?.conditions, "NfrObserved"),
    targets: (record?.status?.nfr_recommendations ?? [])
      .map((r) => `${r.component}/${r.dimension}=${r.target}`)
      .sort(),
  };
}

/**
 * A steady load on function f1 of the record: `pods` pods each using `cpuCores` and
 * `memoryBytes`, serving `rps` requests per second in total.
 */
export function steadyLoad(
  exporter: SyntheticExporter,
  load: {
    namespace: string;
    deploymentId: string;
    pods: number;
    cpuCores: number;
    memoryBytes: number;
    rps: number;
  },
): void {
  const record = recordName(load.deploymentId);
  for (let i = 0; i < load.pods; i++) {
    const pod = `${record}-f1-${i}`;
    publishPod(exporter, {
      namespace: load.namespace,
      pod,
      record,
      component: "function",
      functionKey: "f1",
      cpuCores: load.cpuCores,
      memoryBytes: load.memoryBytes,
    });
    publishRequests(exporter, {
      namespace: load.namespace,
      record,
      functionKey: "f1",
      rps: load.rps / load.pods,
      pod,
    });
  }
}

/**
 * PATCHes of deploymentrecords/status the API server itself counted
 * (apiserver_request_total from its /metrics). Pointed at a private API server only the
 * analyzer talks to, that is exactly the analyzer's status writes.
 */
export async function statusPatches(kube: KubeClient): Promise<number> {
  const text = await kube.request<string>({ method: "GET", path: "/metrics", accept: "text/plain" });
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? "", m[2] ?? ""]),
    );
    if (
      labels["verb"] === "PATCH" &&
      labels["resource"] === "deploymentrecords" &&
      labels["subresource"] === "status"
    )
      total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

interface ApiCall {
  group: string;
  resources: string[];
  verbs: string[];
  scope: string;
  when: string;
}

/** The analyzer's calls as the chart lists them (charts/oaas-crm/files/roles/analyzer.yaml). */
export function analyzerCalls(): ApiCall[] {
  const file = path.join(repoRoot, "charts/oaas-crm/files/roles/analyzer.yaml");
  return k8s.loadYaml<ApiCall[]>(fs.readFileSync(file, "utf8"));
}

/**
 * A ServiceAccount "crm-analyzer" in `namespace` bound to a Role of exactly the chart's
 * analyzer rules, and a kubeconfig file that authenticates as it (a bound token) against
 * `server`. Returns the file's path; the namespace's deletion removes the rest.
 */
export async function analyzerKubeconfig(
  kube: KubeClient,
  admin: k8s.KubeConfig,
  namespace: string,
  server: string,
): Promise<string> {
  const name = "crm-analyzer";
  const rbac = "rbac.authorization.k8s.io";
  await applyObject(
    kube,
    builtIn.serviceAccounts,
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace } },
    { fieldManager: "test" },
  );
  const rules = analyzerCalls()
    .filter((c) => c.when === "always" && c.scope !== "cluster")
    .map((c) => ({ apiGroups: [c.group], resources: c.resources, verbs: c.verbs }));
  await applyObject(
    kube,
    builtIn.roles,
    { apiVersion: `${rbac}/v1`, kind: "Role", metadata: { name, namespace }, rules } as never,
    { fieldManager: "test" },
  );
  await applyObject(
    kube,
    builtIn.roleBindings,
    {
      apiVersion: `${rbac}/v1`,
      kind: "RoleBinding",
      metadata: { name, namespace },
      roleRef: { apiGroup: rbac, kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name, namespace }],
    } as never,
    { fieldManager: "test" },
  );
  const answer = await kube.request<{ status?: { token?: string } }>({
    method: "POST",
    path: `${resourcePath(builtIn.serviceAccounts, namespace, name)}/token`,
    body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } },
  });
  const token = answer.status?.token;
  if (!token) throw new Error("TokenRequest gave no token");
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error("the admin kubeconfig has no current cluster");
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ ...cluster, name: "test", server }],
    users: [{ name, token }],
    contexts: [{ name: "test", cluster: "test", user: name, namespace }],
    currentContext: "test",
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oaas-analyzer-kubeconfig-"));
  const file = path.join(dir, "kubeconfig");
  fs.writeFileSync(file, kc.exportConfig(), { mode: 0o600 });
  return file;
}
