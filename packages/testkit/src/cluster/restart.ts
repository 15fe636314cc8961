// One process of a test cluster taken away and brought back with the same command line
// (an API server restart, an etcd crash), for suites that own their cluster: the chaos
// suite starts a private one. The new PID is written to the cluster's state.json, so
// stopCluster and scripts/test.sh still reap it. Never used on the shared cluster.
import fs from "node:fs";
import path from "node:path";
import { isOurs, startProcess, type StartedProcess } from "../processes.ts";
import { waitFor } from "../wait.ts";
import { type ClusterState, readState, writeState } from "./state.ts";

/** The recorded process `name` ("kube-apiserver", "etcd", ...) of the cluster in `dir`; throws when absent. */
export function clusterProcess(dir: string, name: string): StartedProcess {
  const found = readState(dir)?.processes.find((p) => p.name === name);
  if (!found) throw new Error(`no ${name} recorded in ${dir}/state.json`);
  return found;
}

/** Sends `signal` to the cluster's process `name` (SIGSTOP, SIGCONT, SIGKILL...) if it still runs and is ours. */
export function signalClusterProcess(dir: string, name: string, signal: NodeJS.Signals): void {
  const p = clusterProcess(dir, name);
  if (isOurs(p)) process.kill(p.pid, signal);
}

/**
 * SIGKILLs the cluster's process `name`, waits until it is gone, and returns a function
 * that starts it again with the same binary and arguments (read from /proc before the
 * kill), appending to the same log, and records the new PID. The caller waits for
 * readiness (each process has its own probe).
 */
export async function killClusterProcess(dir: string, name: string): Promise<() => StartedProcess> {
  const p = clusterProcess(dir, name);
  const argv = fs.readFileSync(`/proc/${p.pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  process.kill(p.pid, "SIGKILL");
  await waitFor(() => !isOurs(p), {
    description: `${name} (pid ${p.pid}) to die`,
    timeoutMs: 10_000,
    intervalMs: 50,
  });
  return () => {
    const started = startProcess(name, argv[0] ?? p.binary, argv.slice(1), path.dirname(p.log));
    const state = readState(dir);
    if (state) {
      const next: ClusterState = {
        ...state,
        processes: state.processes.map((q) => (q.name === name ? started : q)),
      };
      writeState(next);
    }
    return started;
  };
}
