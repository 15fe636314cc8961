// Starting and stopping worker child processes (fixtures/worker-process.ts) for tests.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { repoRoot, waitFor } from "@oaas/testkit";

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** SIGTERM and wait for exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

export async function startWorkerProcess(env: Record<string, string>): Promise<WorkerProcess> {
  const script = path.join(repoRoot, "packages/queue/test/integration/fixtures/worker-process.ts");
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await waitFor(
    () => {
      if (child.exitCode !== null) throw new Error(`worker process exited ${child.exitCode}: ${output}`);
      return output.includes("ready");
    },
    { description: "worker process ready", timeoutMs: 30_000, intervalMs: 50 },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error("worker process has no pid");
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    child,
    pid,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
