// The `crm` program (services/crm/src/main.ts) as real child processes, the one helper
// every suite uses: a bare child with given args and settings (startCrm), or a managed
// `crm all` slot (startCrmProcess) that owns a namespace, a port, a queue prefix and a
// watcher lease, and can be stopped, killed and started again on the same port and
// prefix (an outage and its recovery). Settings the runner has (OPRC_CRM_*) are dropped
// so only what a test gives reaches the process.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { repoRoot } from "./paths.ts";
import { freePort } from "./ports.ts";
import { testRedis } from "./redis.ts";
import { waitFor } from "./wait.ts";

const mainTs = path.join(repoRoot, "services/crm/src/main.ts");

/** Spawns `crm <args>` through tsx with the runner's env minus OPRC_CRM_*, plus `env`. */
export function spawnCrm(args: readonly string[], env: Readonly<Record<string, string>>): ChildProcess {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("OPRC_CRM_") && k !== "HTTP_PORT"),
  );
  return spawn(process.execPath, ["--import", "tsx", mainTs, ...args], {
    cwd: repoRoot,
    env: { ...clean, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Everything a child prints, stdout and stderr interleaved. */
function capture(child: ChildProcess, sink: (text: string) => void): void {
  child.stdout?.on("data", (d: Buffer) => sink(d.toString()));
  child.stderr?.on("data", (d: Buffer) => sink(d.toString()));
}

/** Sends `signal` unless the child already ended, then resolves with its exit code. */
async function end(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  child.kill(signal);
  return exited;
}

/** GET url/readyz until 200; fails at once with the output tail when the child exits. */
export async function waitCrmReady(
  child: ChildProcess,
  url: string,
  output: () => string,
  timeoutMs = 120_000,
): Promise<void> {
  await waitFor(
    async () => {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`crm exited (${child.exitCode ?? child.signalCode}):\n${output().slice(-3000)}`);
      try {
        return (await fetch(`${url}/readyz`)).status === 200;
      } catch {
        return false;
      }
    },
    { description: `crm on ${url} to answer /readyz 200`, timeoutMs, intervalMs: 250 },
  );
}

/** `crm crds`: installs (or upgrades) the DeploymentRecord CRD and waits until it is served. */
export async function installCrdWithCrm(kubeconfig: string): Promise<void> {
  const child = spawnCrm(["crds"], { KUBECONFIG: kubeconfig });
  let output = "";
  capture(child, (t) => (output += t));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`crm crds exited ${code}: ${output}`);
}

/** A bare `crm <args>` child (startCrm). */
export interface CrmChild {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  output(): string;
  readonly exited: Promise<number | null>;
  /** SIGTERM (or the given signal), then waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `crm <args>` with only the given OPRC_CRM_* settings, on OPRC_CRM_HTTP_PORT or a
 * free port, logging at debug. Does not wait for readiness (waitCrmReady).
 */
export async function startCrm(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<CrmChild> {
  const port = env["OPRC_CRM_HTTP_PORT"] ? Number(env["OPRC_CRM_HTTP_PORT"]) : await freePort();
  const child = spawnCrm(args, { OPRC_CRM_LOG: "debug", ...env, OPRC_CRM_HTTP_PORT: String(port) });
  let output = "";
  capture(child, (t) => (output += t));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    stop: (signal = "SIGTERM") => end(child, signal),
  };
}

/** waitCrmReady for a child of startCrm. */
export function waitCrmChildReady(crm: CrmChild, timeoutMs = 120_000): Promise<void> {
  return waitCrmReady(crm.child, crm.url, () => crm.output(), timeoutMs);
}

/** A managed `crm all` slot (startCrmProcess). */
export interface CrmProcess {
  readonly port: number;
  readonly url: string;
  readonly namespace: string;
  /** The queue and history key prefix in Redis. */
  readonly prefix: string;
  /** Everything the process printed (JSON log lines), across restarts. */
  output(): string;
  /** Starts the process again (same port, namespace, prefix) and waits until it is ready. */
  start(): Promise<void>;
  /** SIGTERM and wait for the exit (a no-op when not running). */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit: a crash, no graceful drain. */
  kill(): Promise<void>;
  /** stop(), then deletes this process's queue keys from Redis. */
  release(): Promise<void>;
}

/**
 * Starts `crm all` against the cluster of `kubeconfig`, in `namespace`, with a fresh
 * queue prefix on the test Redis (two CRMs sharing queues would reconcile each other's
 * records) and its own watcher lease; `env` adds or overrides OPRC_CRM_* settings.
 * Resolves once /readyz answers 200.
 */
export async function startCrmProcess(options: {
  kubeconfig: string;
  namespace: string;
  env?: Record<string, string>;
}): Promise<CrmProcess> {
  const port = await freePort();
  const redis = await testRedis();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let output = "";
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
    capture(c, (t) => (output += t));
    await waitCrmReady(c, url, () => output, 90_000);
  };
  const stop = async () => {
    if (child) await end(child, "SIGTERM");
  };
  await start();
  return {
    port,
    url,
    namespace: options.namespace,
    prefix: redis.prefix,
    output: () => output,
    start,
    stop,
    kill: async () => {
      if (child) await end(child, "SIGKILL");
    },
    release: async () => {
      await stop();
      await redis.cleanup();
    },
  };
}
