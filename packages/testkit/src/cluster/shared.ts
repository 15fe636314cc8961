import * as k8s from "@kubernetes/client-node";
import { currentCluster, stopCluster } from "./lifecycle.ts";
import { startCluster } from "./start.ts";

/** The cluster a test run uses, with a loaded client config. */
export interface TestCluster {
  readonly kubeconfig: string;
  readonly kc: k8s.KubeConfig;
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

function load(kubeconfig: string): TestCluster {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  return { kubeconfig, kc };
}

/** Stops the cluster only if this process started it. */
export async function releaseTestCluster(): Promise<void> {
  if (ownedDir) await stopCluster(ownedDir);
  ownedDir = undefined;
  shared = undefined;
}
