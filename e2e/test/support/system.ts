// The whole control plane as real processes for the e2e suites: the shared test cluster
// (KWOK nodes make pods Ready), the test Redis, a throw-away etcd (testkit), one
// `crm all` per "cluster" (each in its own namespace, with its own queue prefix) and the
// PM with etcd storage, configured with those CRMs as clusters. close() stops every
// process and deletes the namespaces, also when start() failed half-way.
import {
  createTestNamespace,
  installCrdWithCrm,
  startCrmProcess,
  startPmProcess,
  startTestEtcd,
  testCluster,
  type CrmProcess,
  type PmProcess,
  type TestEtcd,
  type TestNamespace,
} from "@oaas/testkit";

export interface SystemOptions {
  /** Cluster names, e.g. ["a", "b"]; the first is the PM's default cluster. */
  readonly clusters: readonly string[];
  /** Extra OPRC_CRM_* settings of every CRM. */
  readonly crmEnv?: Record<string, string>;
  /** Extra PM settings (e.g. DEPLOY_ROLLBACK_ON_PARTIAL). */
  readonly pmEnv?: Record<string, string>;
}

export interface System {
  readonly kubeconfig: string;
  readonly etcd: TestEtcd;
  readonly pm: PmProcess;
  /** By cluster name. */
  readonly crms: ReadonlyMap<string, CrmProcess>;
  crm(name: string): CrmProcess;
  /** The PM settings in use (for a restart with changes: pm.start({...system.pmEnv, X: "y"})). */
  readonly pmEnv: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Every CRM: ODGM on, HPA on (so "nothing left" covers HPAs too), availability 0.9
 * reported to the PM's sizing.
 */
const crmDefaults: Record<string, string> = {
  OPRC_CRM_PROFILE: "dev",
  OPRC_CRM_FEATURES_ODGM: "true",
  OPRC_CRM_FEATURES_HPA: "true",
  OPRC_CRM_ENV_AVAILABILITY_OVERRIDE: "0.9",
};

export async function startSystem(options: SystemOptions): Promise<System> {
  const namespaces: TestNamespace[] = [];
  const crms = new Map<string, CrmProcess>();
  let etcd: TestEtcd | undefined;
  let pm: PmProcess | undefined;
  const close = async () => {
    await pm?.stop();
    await Promise.all([...crms.values()].map((c) => c.release()));
    await etcd?.stop();
    await Promise.all(namespaces.map((n) => n.cleanup()));
  };
  try {
    const { kubeconfig } = await testCluster();
    const nsByCluster = new Map<string, TestNamespace>();
    const [, started] = await Promise.all([
      installCrdWithCrm(kubeconfig),
      startTestEtcd(),
      ...options.clusters.map(async (name) => {
        const ns = await createTestNamespace(`e2e-${name}`);
        namespaces.push(ns);
        nsByCluster.set(name, ns);
      }),
    ]);
    etcd = started;
    await Promise.all(
      options.clusters.map(async (name) => {
        crms.set(
          name,
          await startCrmProcess({
            kubeconfig,
            namespace: nsByCluster.get(name)?.name ?? "",
            env: { ...crmDefaults, ...options.crmEnv },
          }),
        );
      }),
    );
    const pmEnv: Record<string, string> = {
      STORAGE_TYPE: "etcd",
      ETCD_ENDPOINTS: etcd.endpoint,
      ETCD_KEY_PREFIX: `/e2e/${process.pid}`,
      OPRC_PM_CRM_CLUSTERS: options.clusters.join(","),
      OPRC_PM_CRM_DEFAULT_CLUSTER: options.clusters[0] ?? "",
      OPRC_PM_RETRY_BASE_MS: "20",
      ...Object.fromEntries(
        options.clusters.map((name) => [`OPRC_PM_CRM_${name.toUpperCase()}_URL`, crms.get(name)?.url ?? ""]),
      ),
      ...options.pmEnv,
    };
    pm = await startPmProcess(pmEnv);
    const pmStarted = pm;
    return {
      kubeconfig,
      etcd,
      pm: pmStarted,
      crms,
      crm: (name) => {
        const c = crms.get(name);
        if (!c) throw new Error(`no CRM for cluster ${name}`);
        return c;
      },
      pmEnv,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
