import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "./paths.ts";

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
 * The helm binary e2e/cluster/build-helm.sh builds (pinned version, from Go modules; its
 * default Kubernetes version is the test cluster's, so `helm template` without
 * --kube-version renders for the cluster the tests install into). The first call may wait
 * for a running build (build-helm.sh is flock'ed). $OAAS_HELM names another binary (same
 * pinned version, e.g. built by hand).
 */
export function helmPath(): string {
  binary ??= process.env["OAAS_HELM"] ?? buildHelm();
  return binary;
}

function buildHelm(): string {
  const script = path.join(repoRoot, "e2e", "cluster", "build-helm.sh");
  const out = execFileSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  const helm = out.trim().split("\n").pop();
  if (!helm || !existsSync(helm))
    throw new Error(`e2e/cluster/build-helm.sh did not produce helm (printed: ${out})`);
  return helm;
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
