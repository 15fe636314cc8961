// The setup every suite of real `crm` processes shares: the shared test cluster with the
// CRD installed, a namespace of its own, a Redis key prefix of its own (unless the suite
// brings its own Redis), and the processes it starts killed after each test, their
// output printed when the test failed.
import { KubeClient } from "@oaas/kube";
import {
  startCrm,
  testCluster,
  useTestNamespace,
  useTestRedis,
  type CrmChild,
  type TestRedis,
} from "@oaas/testkit";
import { installCrd } from "./ingress.ts";

export interface CrmSuiteOptions {
  /** Namespace prefix, e.g. "pipe". */
  readonly namespace: string;
  /** OPRC_CRM_* settings every process of the suite gets (a process's own `extra` wins). */
  readonly env?: Readonly<Record<string, string>>;
  /** Default true: a Redis prefix of the suite's own, set as OPRC_CRM_REDIS_URL and _QUEUE_PREFIX. */
  readonly redis?: boolean;
  /** Characters of each process's output printed for a failed test. Default 6000. */
  readonly outputTail?: number;
}

export interface CrmSuite {
  /** The suite's namespace (read inside tests and hooks). */
  readonly namespace: string;
  /** A client of the test cluster's API server (admin). */
  readonly kube: KubeClient;
  readonly kubeconfig: string;
  /** The suite's Redis (throws when the suite was created with redis: false). */
  redis(): TestRedis;
  /**
   * The settings a process gets: kubeconfig, namespace, the suite's Redis (URL, queue
   * prefix, a Lease name of its own), `options.env`, then `extra`.
   */
  env(extra?: Readonly<Record<string, string>>): Record<string, string>;
  /** Starts `crm <args>` with env(extra); it is SIGKILLed after the test. */
  crm(args: readonly string[], extra?: Readonly<Record<string, string>>): Promise<CrmChild>;
}

/** Registers the mocha hooks and returns the suite's handles (see CrmSuite). */
export function useCrmSuite(options: CrmSuiteOptions): CrmSuite {
  const namespace = useTestNamespace(options.namespace);
  const redis = options.redis === false ? undefined : useTestRedis();
  const running: CrmChild[] = [];
  let kube: KubeClient | undefined;
  let kubeconfig: string | undefined;

  before(async function () {
    const cluster = await testCluster();
    kubeconfig = cluster.kubeconfig;
    await installCrd(cluster.kc);
    kube = await KubeClient.create(cluster.kc);
  });
  afterEach(async function () {
    if (this.currentTest?.state === "failed")
      for (const p of running) console.error(p.output().slice(-(options.outputTail ?? 6000)));
    await Promise.all(running.splice(0).map((p) => p.stop("SIGKILL")));
  });
  after(async function () {
    await kube?.close();
    kube = undefined;
  });

  const suite: CrmSuite = {
    get namespace() {
      return namespace.name;
    },
    get kube() {
      if (!kube) throw new Error("useCrmSuite: the API client is read outside a test");
      return kube;
    },
    get kubeconfig() {
      if (kubeconfig === undefined) throw new Error("useCrmSuite: kubeconfig read outside a test");
      return kubeconfig;
    },
    redis() {
      if (!redis) throw new Error("useCrmSuite: this suite has no Redis of its own");
      return redis();
    },
    env(extra = {}) {
      const r = redis?.();
      return {
        KUBECONFIG: suite.kubeconfig,
        OPRC_CRM_K8S_NAMESPACE: namespace.name,
        ...(r
          ? {
              OPRC_CRM_REDIS_URL: `redis://${r.host}:${r.port}`,
              OPRC_CRM_QUEUE_PREFIX: r.prefix,
              OPRC_CRM_LEASE_NAME: `watcher-${r.prefix}`,
            }
          : {}),
        ...options.env,
        ...extra,
      };
    },
    async crm(args, extra = {}) {
      const p = await startCrm(args, suite.env(extra));
      running.push(p);
      return p;
    },
  };
  return suite;
}
