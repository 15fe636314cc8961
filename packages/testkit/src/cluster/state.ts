import fs from "node:fs";
import path from "node:path";
import { isOurs, type StartedProcess } from "../processes.ts";

/** Everything needed to use and to stop one running test cluster; stored as <dir>/state.json. */
export interface ClusterState {
  /** Temp directory holding PKI, etcd data, logs and this state. Removed on stop. */
  readonly dir: string;
  readonly kubeconfig: string;
  readonly server: string;
  readonly kubernetesVersion: string;
  /** In start order; stopped in reverse. */
  readonly processes: readonly StartedProcess[];
  readonly startedAt: string;
}

export function stateFile(dir: string): string {
  return path.join(dir, "state.json");
}

export function writeState(state: ClusterState): void {
  fs.writeFileSync(stateFile(state.dir), JSON.stringify(state, null, 2));
}

export function readState(dir: string): ClusterState | undefined {
  try {
    return JSON.parse(fs.readFileSync(stateFile(dir), "utf8")) as ClusterState;
  } catch {
    return undefined;
  }
}

/** True when every recorded process is still alive and ours. */
export function isRunning(state: ClusterState): boolean {
  return state.processes.length > 0 && state.processes.every(isOurs);
}
