import { spawn } from "node:child_process";
import path from "node:path";
import { buildBinaries } from "./cluster/start.ts";

export interface HelmResult {
  /** Exit code (null when killed by a signal). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface HelmOptions {
  /** Passed as --kubeconfig; without it helm talks to no cluster (template, lint). */
  readonly kubeconfig?: string;
  /** Working directory of helm (default: this process's); pass absolute chart paths. */
  readonly cwd?: string;
}

let binary: string | undefined;

/**
 * The helm binary e2e/cluster/build.sh builds beside the cluster binaries (pinned version,
 * from Go modules). The first call may wait for a running build (build.sh is flock'ed).
 * $OAAS_HELM names another binary (same pinned version, e.g. built by hand while the
 * cluster build is still running).
 */
export function helmPath(): string {
  binary ??=
    process.env["OAAS_HELM"] ??
    path.join(
      buildBinaries(() => undefined),
      "helm",
    );
  return binary;
}

/**
 * Runs helm with `args`; resolves with its exit code and output (never rejects on a
 * non-zero exit: callers assert on it). HELM_* state goes to a throw-away directory so
 * tests never read or write the user's helm configuration.
 */
export function runHelm(args: readonly string[], options: HelmOptions = {}): Promise<HelmResult> {
  const full = options.kubeconfig ? [...args, "--kubeconfig", options.kubeconfig] : [...args];
  const state = path.join(process.env["TMPDIR"] ?? "/tmp", "oaas-helm-state");
  const env = {
    ...process.env,
    HELM_CACHE_HOME: path.join(state, "cache"),
    HELM_CONFIG_HOME: path.join(state, "config"),
    HELM_DATA_HOME: path.join(state, "data"),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(helmPath(), full, { env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
