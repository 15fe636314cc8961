// A redis-server of one test's own, on a free port, that the test can take away and bring
// back on the same port: a Redis outage for the processes pointed at it. The shared test
// Redis (testRedis) is never stopped; other suites use it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, isListening } from "./ports.ts";
import { isOurs, startProcess, stopProcesses, type StartedProcess } from "./processes.ts";
import { baseArgs, redisServer } from "./redis-topologies.ts";
import { waitFor } from "./wait.ts";

export interface PrivateRedis {
  readonly port: number;
  /** redis://127.0.0.1:<port> */
  readonly url: string;
  /** Kills the server (SIGKILL: no goodbye to clients) and waits until the port is closed. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence) and waits until it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good and deletes its directory. */
  close(): Promise<void>;
  /** The running server's PID (undefined while killed), for a SIGSTOP. */
  pid(): number | undefined;
}

/** Starts a private redis-server (no persistence, noeviction) and waits until it listens. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oaas-private-redis-"));
  const binary = redisServer();
  let current: StartedProcess | undefined;
  const start = async () => {
    current = startProcess(`redis-${port}`, binary, baseArgs(port, dir), dir);
    await waitFor(() => isListening(port), { description: `redis-server on ${port}`, timeoutMs: 15_000 });
  };
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill: async () => {
      const killed = current;
      current = undefined;
      if (killed && isOurs(killed)) process.kill(killed.pid, "SIGKILL");
      await waitFor(async () => !(await isListening(port)), {
        description: `redis-server on ${port} gone`,
        timeoutMs: 10_000,
      });
    },
    start,
    pid: () => current?.pid,
    close: async () => {
      if (current) await stopProcesses([current]);
      current = undefined;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
