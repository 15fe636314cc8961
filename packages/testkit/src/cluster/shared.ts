import * as k8s from "@kubernetes/client-node";
import { KubeClient } from "@oaas/kube";
import { currentCluster, stopCluster } from "./lifecycle.ts";
import { startCluster } from "./start.ts";

/** The cluster a test run uses, with a loaded client config and a client on it. */
export interface TestCluster {
  readonly kubeconfig: string;
  /** For code that builds its own client (an ingress, a CRM harness) or a variant config. */
  readonly kc: k8s.KubeConfig;
  /**
   * The one way tests and test support talk to the API server (admin credentials).
   * Shared by every suite of the run: never close it.
   */
  readonly kube: KubeClient;
}

let shared: Promise<TestCluster> | undefined;
let ownedDir: string | undefined;

/**
 * The one cluster shared by every suite of a test run, in this order: $OAAS_KUBECONFIG
 * if set; the cluster `npm run cluster:up` left running; else a new one started now
 * (under $OAAS_TEST_RUN_DIR when set, so scripts/test.sh can reap it even after a crash)
 * and stopped by releaseTestCluster() at the end of the run.
 */
export function testCluster(): Promise<TestCluster> {
  shared ??= locate();
  return shared;
}

async function locate(): Promise<TestCluster> {
  const configured = process.env["OAAS_KUBECONFIG"];
  if (configured) return load(configured);
  const running = currentCluster();
  if (running) return load(running.kubeconfig);
  const started = await startCluster({
    ...(process.env["OAAS_TEST_RUN_DIR"] ? { parentDir: process.env["OAAS_TEST_RUN_DIR"] } : {}),
    log: (m) => console.error(`[testkit] ${m}`),
  });
  ownedDir = started.dir;
  return load(started.kubeconfig);
}

async function load(kubeconfig: string): Promise<TestCluster> {
  // client-node's KubeConfig (tests use its other methods); the programs use @oaas/kube's loader.
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  return { kubeconfig, kc, kube: await KubeClient.create(kc) };
}

/** Closes the shared client; stops the cluster only if this process started it. */
export async function releaseTestCluster(): Promise<void> {
  const current = await shared?.catch(() => undefined);
  await current?.kube.close();
  if (ownedDir) await stopCluster(ownedDir);
  ownedDir = undefined;
  shared = undefined;
}
