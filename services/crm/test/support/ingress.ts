// An in-process ingress on a free port for integration tests, against a real API
// server, with its log lines captured for assertions.
import type * as k8s from "@kubernetes/client-node";
import { parseCrmConfig } from "@oaas/config";
import { KubeClient } from "@oaas/kube";
import { createLogger, createMetrics } from "@oaas/telemetry";
import { captureLogLines, testCluster, type LogLine } from "@oaas/testkit";
import { applyCrds } from "../../src/crds.ts";
import { startIngress, type Ingress, type IngressDeps } from "../../src/ingress/ingress.ts";

export type { LogLine } from "@oaas/testkit";

export interface TestIngress {
  readonly port: number;
  readonly url: string;
  readonly ingress: Ingress;
  /** A client on the same cluster, for setting up and inspecting records. */
  readonly kube: KubeClient;
  readonly logs: LogLine[];
  close(): Promise<void>;
}

export interface TestIngressOptions {
  readonly namespace: string;
  /** Extra OPRC_CRM_* variables (ODGM, mTLS, ...). */
  readonly env?: Readonly<Record<string, string>>;
  /** Default: the shared test cluster's. */
  readonly kubeConfig?: k8s.KubeConfig;
  readonly kubeDefaultTimeoutMs?: number;
  readonly healthWatchIntervalMs?: number;
  /** false: reads go straight to the API server instead of the informer cache. */
  readonly recordCache?: false;
  /** Records' history (GetHistory, and the entries Deploy and DeleteDeployment write). */
  readonly history?: IngressDeps["history"];
}

export async function startTestIngress(options: TestIngressOptions): Promise<TestIngress> {
  const kc = options.kubeConfig ?? (await testCluster()).kc;
  const config = parseCrmConfig({ OPRC_CRM_K8S_NAMESPACE: options.namespace, ...options.env });
  const { lines: logs, stream } = captureLogLines();
  const logger = createLogger({ service: "crm-ingress-test", level: "debug", stream });
  const metrics = createMetrics({ serviceName: "oaas-crm-test" });
  const kube = await KubeClient.create(kc, {
    ...(options.kubeDefaultTimeoutMs ? { defaultTimeoutMs: options.kubeDefaultTimeoutMs } : {}),
  });
  const ingress = await startIngress({
    config,
    kube,
    logger,
    metrics,
    crmVersion: "0.1.0-test",
    host: "127.0.0.1",
    ...(options.recordCache === false ? { recordCache: false as const } : {}),
    ...(options.history ? { history: options.history } : {}),
    port: 0,
    ...(options.healthWatchIntervalMs ? { healthWatchIntervalMs: options.healthWatchIntervalMs } : {}),
  });
  const scheme = config.features.mtls ? "https" : "http";
  return {
    port: ingress.port,
    url: `${scheme}://127.0.0.1:${ingress.port}`,
    ingress,
    kube,
    logs,
    close: async () => {
      await ingress.close(1000);
      await kube.close();
      await metrics.shutdown();
    },
  };
}

/**
 * Installs (server-side apply) the DeploymentRecord CRD and waits until it is served.
 * Never deleted afterwards: other suites on the cluster share it.
 */
export async function installCrd(kc: k8s.KubeConfig): Promise<void> {
  const kube = await KubeClient.create(kc);
  try {
    // The same code path as `crm crds`: one CRD install-and-wait for the product and its tests.
    await applyCrds(kube, 30_000);
  } finally {
    await kube.close();
  }
}
