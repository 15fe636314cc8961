// The real oaasctl (services/cli/bin/oaasctl: scripts/node.sh + tsx, as a user runs it)
// as a child process: exit code, stdout, stderr; JSON output parsed on request. Every
// answer it receives is checked against the PM's OpenAPI document (OAAS_CHECK_ANSWERS=1,
// services/cli/src/pm-client.ts): an answer the document does not describe fails the run.
import { spawn } from "node:child_process";
import path from "node:path";
import { repoRoot } from "@oaas/testkit";

export const oaasctlBin = path.join(repoRoot, "services/cli/bin/oaasctl");

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `oaasctl ...args` against the PM at `pmUrl` (OAAS_PM_URL). */
export function oaasctl(pmUrl: string, args: readonly string[]): Promise<CliRun> {
  const child = spawn(oaasctlBin, [...args], {
    cwd: repoRoot,
    env: { ...process.env, OAAS_PM_URL: pmUrl, OAAS_CHECK_ANSWERS: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs it and fails (with its output) unless it exits 0. */
export async function oaasctlOk(pmUrl: string, args: readonly string[]): Promise<CliRun> {
  const run = await oaasctl(pmUrl, args);
  if (run.code !== 0)
    throw new Error(`oaasctl ${args.join(" ")} exited ${run.code}:\n${run.stderr}\n${run.stdout}`);
  return run;
}

/** `oaasctl ...args -o json`, parsed. */
export async function oaasctlJson<T>(pmUrl: string, args: readonly string[]): Promise<T> {
  return JSON.parse((await oaasctlOk(pmUrl, [...args, "-o", "json"])).stdout) as T;
}
