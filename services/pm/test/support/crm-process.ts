// Real CRM processes for the PM's integration suites: `crm all` (ingress + watcher +
// reconciler) from services/crm, as operators run it, against the shared test cluster
// and the test Redis, each in its own namespace, on its own port, with its own queue
// prefix and watcher lease. stop()/start() end and restart the same process slot on the
// same port and prefix (a CRM outage and its recovery).
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freePort, repoRoot, testRedis, waitFor } from "@oaas/testkit";

export interface CrmProcess {
  readonly port: number;
  readonly url: string;
  /** Everything the process printed (JSON log lines), across restarts. */
  output(): string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** stop(), then deletes this process's queue keys from Redis. */
  release(): Promise<void>;
}

const mainTs = path.join(repoRoot, "services/crm/src/main.ts");

function spawnCrm(args: string[], env: Record<string, string>): ChildProcess {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("OPRC_CRM_")));
  return spawn(process.execPath, ["--import", "tsx", mainTs, ...args], {
    cwd: repoRoot,
    env: { ...clean, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** `crm crds`: installs (or upgrades) the DeploymentRecord CRD and waits until it is served. */
export async function installCrdWithCrm(kubeconfig: string): Promise<void> {
  const child = spawnCrm(["crds"], { KUBECONFIG: kubeconfig });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`crm crds exited ${code}: ${output}`);
}

export async function startCrmProcess(options: {
  kubeconfig: string;
  namespace: string;
  env?: Record<string, string>;
}): Promise<CrmProcess> {
  const port = await freePort();
  // One prefix per CRM: two CRMs sharing queues would reconcile each other's records.
  const redis = await testRedis();
  let child: ChildProcess | undefined;
  let output = "";
  const url = `http://127.0.0.1:${port}`;
  const start = async () => {
    const c = spawnCrm(["all"], {
      KUBECONFIG: options.kubeconfig,
      OPRC_CRM_HTTP_PORT: String(port),
      OPRC_CRM_K8S_NAMESPACE: options.namespace,
      OPRC_CRM_REDIS_URL: `redis://${redis.host}:${redis.port}`,
      OPRC_CRM_QUEUE_PREFIX: redis.prefix,
      OPRC_CRM_LEASE_NAME: `watcher-${redis.prefix}`,
      ...options.env,
    });
    child = c;
    c.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    c.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    await waitFor(
      async () => {
        if (c.exitCode !== null) throw new Error(`crm exited ${c.exitCode}: ${output.slice(-2000)}`);
        return (await fetch(`${url}/readyz`)).status === 200;
      },
      { description: `crm all on ${port} ready`, timeoutMs: 90_000, intervalMs: 250 },
    );
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((resolve) => c.once("exit", resolve));
    c.kill("SIGTERM");
    await exited;
  };
  const release = async () => {
    await stop();
    await redis.cleanup();
  };
  await start();
  return { port, url, output: () => output, start, stop, release };
}
