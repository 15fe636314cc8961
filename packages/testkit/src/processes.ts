import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { waitFor } from "./wait.ts";

/** A process this harness started: enough to find it again and to be sure it is still ours. */
export interface StartedProcess {
  readonly name: string;
  readonly pid: number;
  readonly binary: string;
  readonly log: string;
}

/**
 * Starts a binary in its own process group, detached, with stdout+stderr in <logDir>/<name>.log,
 * so it outlives a short-lived `cluster up` command.
 */
export function startProcess(
  name: string,
  binary: string,
  args: readonly string[],
  logDir: string,
): StartedProcess {
  const log = path.join(logDir, `${name}.log`);
  const fd = fs.openSync(log, "a");
  try {
    const child = spawn(binary, args, { detached: true, stdio: ["ignore", fd, fd] });
    if (child.pid === undefined) throw new Error(`could not start ${name} (${binary})`);
    child.unref();
    return { name, pid: child.pid, binary, log };
  } finally {
    fs.closeSync(fd);
  }
}

/** True when pid is alive and still runs the binary we started (guards against PID reuse). */
export function isOurs(process_: StartedProcess): boolean {
  try {
    const cmdline = fs.readFileSync(`/proc/${process_.pid}/cmdline`, "utf8");
    const stat = fs.readFileSync(`/proc/${process_.pid}/stat`, "utf8");
    const zombie = / Z /.test(stat.slice(stat.lastIndexOf(")")));
    return !zombie && cmdline.split("\0")[0] === process_.binary;
  } catch {
    return false;
  }
}

/** The last lines of a process log, for error messages. */
export function logTail(process_: StartedProcess, lines = 15): string {
  try {
    return fs.readFileSync(process_.log, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

/**
 * Stops the given processes in reverse start order: SIGTERM, then SIGKILL after graceMs.
 * Only PIDs that still run the recorded binary are signalled; nothing is killed by name.
 */
export async function stopProcesses(processes: readonly StartedProcess[], graceMs = 5000): Promise<void> {
  for (const p of [...processes].reverse()) {
    if (!isOurs(p)) continue;
    signal(p.pid, "SIGTERM");
    try {
      await waitFor(() => !isOurs(p), {
        description: `${p.name} to exit`,
        timeoutMs: graceMs,
        intervalMs: 50,
      });
    } catch {
      signal(p.pid, "SIGKILL");
      await waitFor(() => !isOurs(p), { description: `${p.name} to die`, timeoutMs: 5000, intervalMs: 50 });
    }
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone: nothing to stop.
  }
}
