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

/**
 * The PM oaasctl talks to: its URL, or the URL with the token to send (OAAS_TOKEN) and
 * extra environment (e.g. OAAS_LOCAL_DIR, where npm start wrote oaasctl's config file).
 */
export type PmTarget =
  | string
  | {
      readonly url: string;
      readonly token?: string | undefined;
      readonly env?: Readonly<Record<string, string>>;
    };

/** `oaasctl ...args` against the PM `pm` (OAAS_PM_URL, and OAAS_TOKEN when it has a token). */
export function oaasctl(pm: PmTarget, args: readonly string[]): Promise<CliRun> {
  const target = typeof pm === "string" ? { url: pm } : pm;
  const child = spawn(oaasctlBin, [...args], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...target.env,
      OAAS_PM_URL: target.url,
      OAAS_CHECK_ANSWERS: "1",
      ...(target.token !== undefined ? { OAAS_TOKEN: target.token } : {}),
    },
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
export async function oaasctlOk(pm: PmTarget, args: readonly string[]): Promise<CliRun> {
  const run = await oaasctl(pm, args);
  if (run.code !== 0)
    throw new Error(`oaasctl ${args.join(" ")} exited ${run.code}:\n${run.stderr}\n${run.stdout}`);
  return run;
}

/** `oaasctl ...args -o json`, parsed. */
export async function oaasctlJson<T>(pm: PmTarget, args: readonly string[]): Promise<T> {
  return JSON.parse((await oaasctlOk(pm, [...args, "-o", "json"])).stdout) as T;
}
