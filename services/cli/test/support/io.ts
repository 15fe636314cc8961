// In-memory streams and a run() wrapper for in-process tests of the program.
import { run } from "../../src/main.ts";

export class MemoryStream {
  text = "";
  constructor(readonly isTTY = false) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

export interface InProcessRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs oaasctl in this process with `env` (no OAAS_PM_URL unless given). */
export async function runInProcess(args: string[], env: Record<string, string> = {}): Promise<InProcessRun> {
  const out = new MemoryStream();
  const err = new MemoryStream();
  const code = await run(args, {
    out,
    err,
    env,
    now: () => Date.parse("2026-01-01T00:10:00Z"),
    version: "9.9.9",
  });
  return { code, stdout: out.text, stderr: err.text };
}
