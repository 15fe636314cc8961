// Runs the real oaasctl as a child process and collects its exit code and output.
// The machine is shared and loaded, so the suite bundles src/main.ts once with esbuild
// (dependencies stay external, resolved from node_modules as usual) and spawns plain
// `node bundle.mjs`: the same code bin/oaasctl runs through tsx, at a quarter of the CPU
// per process. One test runs bin's wrapper itself (scripts/oaasctl).
import { spawn } from "node:child_process";
import { rm } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";
import { repoRoot } from "@oaas/testkit";

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export const mainPath = path.join(repoRoot, "services/cli/src/main.ts");
const bundlePath = path.join(repoRoot, `services/cli/dist/oaasctl-test-${process.pid}.mjs`);
let built: Promise<unknown> | undefined;

/** Bundles the CLI (once per test process). */
export function buildCli(): Promise<unknown> {
  built ??= build({
    entryPoints: [mainPath],
    outfile: bundlePath,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    packages: "external",
    logLevel: "warning",
  });
  return built;
}

/** Removes the bundle. */
export async function removeCli(): Promise<void> {
  built = undefined;
  await rm(bundlePath, { force: true });
}

/** `oaasctl ...args` with OAAS_PM_URL=pmUrl (unless env overrides it). Call buildCli first. */
export function oaasctl(args: string[], pmUrl: string, env: Record<string, string> = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [bundlePath, ...args], {
    cwd: repoRoot,
    env: { ...process.env, OAAS_PM_URL: pmUrl, ...env },
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
