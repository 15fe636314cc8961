// The `crm` program as a real child process for pipeline suites: roles, env, captured
// output, readiness wait and a kill that cannot leak the process past the suite.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freePort, repoRoot, waitFor } from "@oaas/testkit";

export interface CrmProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  output(): string;
  readonly exited: Promise<number | null>;
  /** SIGTERM (or the given signal), then waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `crm <args>` with only the given OPRC_CRM_* settings (the runner's are dropped). */
export async function startCrm(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
): Promise<CrmProcess> {
  const port = env["OPRC_CRM_HTTP_PORT"] ? Number(env["OPRC_CRM_HTTP_PORT"]) : await freePort();
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("OPRC_CRM_") && k !== "HTTP_PORT"),
  );
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(repoRoot, "services/crm/src/main.ts"), ...args],
    {
      cwd: repoRoot,
      env: { ...clean, OPRC_CRM_LOG: "debug", ...env, OPRC_CRM_HTTP_PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    port,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    exited,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Waits until GET /readyz answers 200 (fails early with the output when the process exits). */
export async function waitReady(crm: CrmProcess, timeoutMs = 120_000): Promise<void> {
  await waitFor(
    async () => {
      if (crm.child.exitCode !== null)
        throw new Error(`crm exited (${crm.child.exitCode}):\n${crm.output()}`);
      try {
        return (await fetch(`${crm.url}/readyz`)).status === 200;
      } catch {
        return false;
      }
    },
    { description: "crm /readyz to answer 200", timeoutMs },
  );
}
