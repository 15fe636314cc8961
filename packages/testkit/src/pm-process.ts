// The `pm` program (services/pm/src/main.ts) as a real child process on a free port:
// only the settings a test gives reach it (the PM refuses unknown variables of the
// prefixes it owns, so the runner's environment is not passed on beyond PATH, HOME and
// TMPDIR). stop()/start() restart it on the same port with the same settings (a PM
// restart: with etcd storage everything must still be there). Unless the test configures
// authentication (an OPRC_PM_AUTH_* setting), the PM gets a tokens file with one admin
// token (`token`), in a directory removed when the process exits for good.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { repoRoot } from "./paths.ts";
import { freePort } from "./ports.ts";
import { waitFor } from "./wait.ts";

const mainTs = path.join(repoRoot, "services/pm/src/main.ts");

export interface PmProcess {
  readonly port: number;
  /** http://127.0.0.1:<port> (the REST API is under /api/v1). */
  readonly url: string;
  /** The admin token of the tokens file made for it (undefined when the test configured authentication). */
  readonly token: string | undefined;
  /** Everything the process printed (JSON log lines), across restarts. */
  output(): string;
  /** Starts it again with the same settings (or `env` instead) and waits until /ready answers 200. */
  start(env?: Record<string, string>): Promise<void>;
  /** SIGTERM and wait for the exit (a no-op when not running). */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit: a crash, no graceful drain (a no-op when not running). */
  kill(): Promise<void>;
  /** The running process's PID (undefined when it is not running). */
  pid(): number | undefined;
}

/** Starts the PM with `env` (e.g. STORAGE_TYPE, ETCD_ENDPOINTS, OPRC_PM_CRM_*) and waits until ready. */
export async function startPmProcess(env: Record<string, string>): Promise<PmProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const auth = withTokens(env);
  let settings = auth.env;
  let child: ChildProcess | undefined;
  let output = "";
  const base: Record<string, string> = {};
  for (const name of ["PATH", "HOME", "TMPDIR"]) {
    const value = process.env[name];
    if (value !== undefined) base[name] = value;
  }
  const start = async (next?: Record<string, string>) => {
    if (next) settings = withTokens(next, auth).env;
    const c = spawn(process.execPath, ["--import", "tsx", mainTs], {
      cwd: repoRoot,
      env: { ...base, LOG_LEVEL: "debug", ...settings, SERVER_HOST: "127.0.0.1", SERVER_PORT: String(port) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = c;
    c.stdout.on("data", (d: Buffer) => (output += d.toString()));
    c.stderr.on("data", (d: Buffer) => (output += d.toString()));
    // The end of every run in the output too: a death mid-test shows its code or signal.
    c.once(
      "exit",
      (code, signal) => (output += `[testkit] pm pid ${c.pid ?? "?"} exited (${code ?? signal})\n`),
    );
    await waitFor(
      async () => {
        if (c.exitCode !== null || c.signalCode !== null)
          throw new Error(`pm exited (${c.exitCode ?? c.signalCode}):\n${output.slice(-3000)}`);
        try {
          return (await fetch(`${url}/ready`)).status === 200;
        } catch {
          return false;
        }
      },
      { description: `pm on ${port} ready`, timeoutMs: 60_000, intervalMs: 200 },
    );
  };
  const end = async (signal: NodeJS.Signals) => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once("exit", resolve));
    c.kill(signal);
    await exited;
  };
  await start();
  return {
    port,
    url,
    token: auth.token,
    output: () => output,
    start,
    stop: () => end("SIGTERM"),
    kill: () => end("SIGKILL"),
    pid: () => (child && child.exitCode === null && child.signalCode === null ? child.pid : undefined),
  };
}

/** `env` with a tokens file of one admin token, unless it configures authentication itself. */
function withTokens(
  env: Record<string, string>,
  made?: { readonly token: string | undefined; readonly file?: string },
): { env: Record<string, string>; token: string | undefined; file?: string } {
  if (Object.keys(env).some((name) => name.startsWith("OPRC_PM_AUTH_"))) return { env, token: undefined };
  if (made?.file !== undefined && made.token !== undefined)
    return { env: { ...env, OPRC_PM_AUTH_TOKENS_FILE: made.file }, token: made.token, file: made.file };
  const token = randomBytes(32).toString("hex");
  // In the OS temp directory (cleaned by it): the file must outlive stop()/start() cycles.
  const file = path.join(mkdtempSync(path.join(tmpdir(), "oaas-pm-tokens-")), "tokens.csv");
  writeFileSync(file, `${token},admin,admin\n`, { mode: 0o600 });
  return { env: { ...env, OPRC_PM_AUTH_TOKENS_FILE: file }, token, file };
}
