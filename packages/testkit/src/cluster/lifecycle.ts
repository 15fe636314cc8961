import fs from "node:fs";
import path from "node:path";
import { cacheDir } from "../paths.ts";
import { stopProcesses } from "../processes.ts";
import { startCluster, type StartOptions } from "./start.ts";
import { type ClusterState, isRunning, readState } from "./state.ts";

/** File naming the state directory of the cluster `npm run cluster:up` started. */
function currentPointer(): string {
  return path.join(cacheDir(), "current-cluster");
}

/** The cluster started by `cluster:up`, when it is still running. */
export function currentCluster(): ClusterState | undefined {
  let dir: string;
  try {
    dir = fs.readFileSync(currentPointer(), "utf8").trim();
  } catch {
    return undefined;
  }
  const state = readState(dir);
  return state && isRunning(state) ? state : undefined;
}

/** Starts the shared local cluster unless one is already running; returns it either way. */
export async function upCurrentCluster(options: StartOptions = {}): Promise<ClusterState> {
  const running = currentCluster();
  if (running) return running;
  await downCurrentCluster(); // a half-dead previous cluster: reap what is left of it
  const state = await startCluster(options);
  fs.mkdirSync(cacheDir(), { recursive: true });
  fs.writeFileSync(currentPointer(), state.dir + "\n");
  return state;
}

export async function downCurrentCluster(): Promise<void> {
  let dir: string;
  try {
    dir = fs.readFileSync(currentPointer(), "utf8").trim();
  } catch {
    return;
  }
  await stopCluster(dir);
  fs.rmSync(currentPointer(), { force: true });
}

/**
 * Stops the processes recorded in <dir>/state.json and removes the directory.
 * Guarantees: only PIDs still running the recorded binaries are signalled.
 * Caveat: a process started but not yet recorded (crash during start) is reaped by
 * startCluster's own error path, not here.
 */
export async function stopCluster(dir: string): Promise<void> {
  const state = readState(dir);
  if (state) await stopProcesses(state.processes);
  if (path.basename(dir).startsWith("oaas-cluster-")) fs.rmSync(dir, { recursive: true, force: true });
}

/** Stops every cluster whose state lies directly under parentDir (a test run's scratch dir). */
export async function stopClustersUnder(parentDir: string): Promise<void> {
  if (!fs.existsSync(parentDir)) return;
  const entries = fs.readdirSync(parentDir).filter((e) => e.startsWith("oaas-cluster-"));
  for (const entry of entries) await stopCluster(path.join(parentDir, entry));
}
