// The system under chaos, all real processes the suite owns so it may break any of
// them: a private test cluster (its own etcd and API server), a private Redis, the PM's
// own etcd, the CRM in roles mode (one ingress, two watchers contending for the Lease,
// two reconcilers) and the PM, which reaches the ingress through a TCP proxy the test
// controls. Built from the test kit's helpers; close() stops everything, also after a
// half-done start.
import { KubeClient, loadKubeConfig } from "@oaas/kube";
import { parseCrmConfig } from "@oaas/config";
import { detectCapabilities, renderContextFor } from "@oaas/crm";
import type { RenderContext } from "@oaas/templates";
import {
  createTestNamespace,
  installCrdWithCrm,
  startCluster,
  startCrm,
  startPmProcess,
  startPrivateRedis,
  startTestEtcd,
  stopCluster,
  waitCrmChildReady,
  type ClusterState,
  type CrmChild,
  type PmProcess,
  type PrivateRedis,
  type TestEtcd,
} from "@oaas/testkit";
import { startProxy, type TcpProxy } from "./proxy.ts";

/** The PM's name of the one cluster (PM unit ids are `<key>-<cluster>`). */
export const clusterName = "a";
/** The package and class every PM deployment uses; its one function. */
export const chaosPackage = "chaos";
export const chaosClass = "svc";
export const chaosFunction = "fn";

export type RoleName = "ingress" | "watcher-0" | "watcher-1" | "reconciler-0" | "reconciler-1";
export const roleNames: readonly RoleName[] = [
  "ingress",
  "watcher-0",
  "watcher-1",
  "reconciler-0",
  "reconciler-1",
];

export interface ChaosSystem {
  readonly cluster: ClusterState;
  readonly kube: KubeClient;
  readonly namespace: string;
  readonly redis: PrivateRedis;
  readonly pmEtcd: TestEtcd;
  readonly proxy: TcpProxy;
  readonly pm: PmProcess;
  /** The CRM's settings (every role gets them), for the render context and restarts. */
  readonly crmEnv: Readonly<Record<string, string>>;
  /** What @oaas/templates renders with, as the CRM computes it from crmEnv and the cluster. */
  readonly renderContext: RenderContext;
  /** The running process of a role (replaced by restartRole). */
  role(name: RoleName): CrmChild;
  /** Starts a role again on its port with its settings (after a kill) and waits until it is ready. */
  restartRole(name: RoleName): Promise<void>;
  /** The Lease the watchers contend for. */
  readonly leaseName: string;
  close(): Promise<void>;
}

export interface ChaosSystemOptions {
  /** Parent of the private cluster's directory (scripts/test.sh's run dir reaps it). */
  readonly parentDir?: string;
  /** Extra OPRC_CRM_* settings of every role. */
  readonly crmEnv?: Record<string, string>;
  readonly log?: (message: string) => void;
}

/** Short Lease and resync so faults and their recovery fit a quick run; the rest is the dev profile. */
const crmDefaults: Record<string, string> = {
  OPRC_CRM_PROFILE: "dev",
  OPRC_CRM_LOG: "info",
  OPRC_CRM_LEASE_DURATION_SECS: "6",
  OPRC_CRM_LEASE_RENEW_DEADLINE_SECS: "4",
  OPRC_CRM_LEASE_RETRY_PERIOD_SECS: "1",
  OPRC_CRM_RESYNC_SECS: "20",
};

export async function startChaosSystem(options: ChaosSystemOptions = {}): Promise<ChaosSystem> {
  const log = options.log ?? (() => undefined);
  const roles = new Map<RoleName, CrmChild>();
  let cluster: ClusterState | undefined;
  let kube: KubeClient | undefined;
  let redis: PrivateRedis | undefined;
  let pmEtcd: TestEtcd | undefined;
  let proxy: TcpProxy | undefined;
  let pm: PmProcess | undefined;
  const close = async () => {
    await pm?.stop().catch(() => undefined);
    await Promise.all([...roles.values()].map((r) => r.stop("SIGKILL")));
    await proxy?.close();
    await pmEtcd?.stop();
    await redis?.close();
    await kube?.close();
    if (cluster) await stopCluster(cluster.dir);
  };
  try {
    cluster = await startCluster({
      ...(options.parentDir ? { parentDir: options.parentDir } : {}),
      log,
      auditDeletes: true,
    });
    kube = await KubeClient.create(loadKubeConfig(cluster.kubeconfig));
    const [ns, startedRedis, startedEtcd] = await Promise.all([
      createTestNamespace("chaos", kube),
      startPrivateRedis(),
      startTestEtcd(),
      installCrdWithCrm(cluster.kubeconfig),
    ]);
    redis = startedRedis;
    pmEtcd = startedEtcd;
    const leaseName = "chaos-watcher";
    const crmEnv: Record<string, string> = {
      ...crmDefaults,
      KUBECONFIG: cluster.kubeconfig,
      OPRC_CRM_K8S_NAMESPACE: ns.name,
      OPRC_CRM_REDIS_URL: redis.url,
      OPRC_CRM_QUEUE_PREFIX: "chaos",
      OPRC_CRM_LEASE_NAME: leaseName,
      ...options.crmEnv,
    };
    const renderContext = renderContextFor(parseCrmConfig(crmEnv), await detectCapabilities(kube));
    const ports = new Map<RoleName, string>();
    const startRole = async (name: RoleName) => {
      const port = ports.get(name);
      const child = await startCrm([name.replace(/-\d$/, "")], {
        ...crmEnv,
        // The watchers log each enqueue (debug): the zombie-leader check reads them.
        ...(name.startsWith("watcher") ? { OPRC_CRM_LOG: "debug" } : {}),
        ...(port === undefined ? {} : { OPRC_CRM_HTTP_PORT: port }),
      });
      ports.set(name, String(child.port));
      roles.set(name, child);
      await waitCrmChildReady(child, 180_000);
    };
    // One after the other: tsx compiles the CRM in each, on a small shared machine.
    for (const name of roleNames) await startRole(name);
    log("crm roles ready");
    const ingress = roles.get("ingress");
    if (!ingress) throw new Error("no ingress");
    proxy = await startProxy(ingress.port);
    pm = await startPmProcess({
      STORAGE_TYPE: "etcd",
      ETCD_ENDPOINTS: pmEtcd.endpoint,
      ETCD_KEY_PREFIX: "/chaos",
      OPRC_PM_CRM_CLUSTERS: clusterName,
      OPRC_PM_CRM_DEFAULT_CLUSTER: clusterName,
      [`OPRC_PM_CRM_${clusterName.toUpperCase()}_URL`]: proxy.url,
      OPRC_PM_RETRY_BASE_MS: "20",
    });
    await createPackage(pm);
    log("pm ready");
    const started = { cluster, kube, redis, pmEtcd, proxy, pm };
    return {
      ...started,
      namespace: ns.name,
      crmEnv,
      renderContext,
      leaseName,
      role: (name) => {
        const r = roles.get(name);
        if (!r) throw new Error(`no role ${name}`);
        return r;
      },
      restartRole: startRole,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Stores the package every PM deployment of the workload uses: one class, one function. */
async function createPackage(pm: PmProcess): Promise<void> {
  const res = await fetch(`${pm.url}/api/v1/packages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${pm.token ?? ""}` },
    body: JSON.stringify({
      name: chaosPackage,
      classes: [
        {
          key: chaosClass,
          function_bindings: [{ name: chaosFunction, function_key: chaosFunction }],
        },
      ],
      functions: [
        {
          key: chaosFunction,
          provision_config: { container_image: "ghcr.io/oaas/chaos:1", port: 8080 },
        },
      ],
    }),
  });
  if (res.status !== 201)
    throw new Error(`creating package ${chaosPackage}: ${res.status} ${await res.text()}`);
}
