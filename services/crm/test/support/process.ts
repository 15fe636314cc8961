// The `crm` program as a child process, for suites that need a real process (exit codes,
// signals, "the process is still alive").
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { repoRoot } from "@oaas/testkit";

export interface Run {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** `crm <args>` as a child process (main.ts through tsx), with only the given OPRC_CRM_* variables. */
export function crm(args: string[], env: Record<string, string>): Run {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("OPRC_CRM_") && k !== "HTTP_PORT"),
  );
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(repoRoot, "services/crm/src/main.ts"), ...args],
    {
      cwd: repoRoot,
      env: { ...clean, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, output: () => output, exited };
}
