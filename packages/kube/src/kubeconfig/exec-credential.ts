// client-go credential plugins (users[].user.exec): run the command, read the
// ExecCredential it prints (client.authentication.k8s.io/v1, or v1beta1 of the same shape),
// and reuse it until shortly before its status.expirationTimestamp. Rule source: the
// Kubernetes documentation "client-go credential plugins". The plugin gets
// KUBERNETES_EXEC_INFO (an ExecCredential with spec.interactive false: a server process
// has no terminal) plus the env of the exec entry over the process's own environment.
import { execFile } from "node:child_process";
import { KubeConfigError, type ExecConfig } from "./model.ts";

/** What a plugin returns that a client uses. */
export interface ExecCredentialStatus {
  readonly token?: string;
  readonly clientCertificateData?: string;
  readonly clientKeyData?: string;
  /** ms since the epoch; absent: valid for the life of the process (as client-node does). */
  readonly expiresAt?: number;
}

const supportedVersions = new Set([
  "client.authentication.k8s.io/v1",
  "client.authentication.k8s.io/v1beta1",
]);

/**
 * Reads a plugin's stdout. Pure. Throws KubeConfigError when it is not an ExecCredential
 * of `apiVersion` or carries neither a token nor a client certificate and key.
 */
export function parseExecCredential(
  stdout: string,
  apiVersion: string,
  command: string,
): ExecCredentialStatus {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch {
    throw new KubeConfigError(`exec plugin ${command} printed no JSON ExecCredential`);
  }
  const o = doc as { apiVersion?: unknown; kind?: unknown; status?: Record<string, unknown> } | null;
  if (o?.kind !== "ExecCredential" || o.apiVersion !== apiVersion)
    throw new KubeConfigError(
      `exec plugin ${command} printed ${String(o?.kind)} ${String(o?.apiVersion)}, expected ExecCredential ${apiVersion}`,
    );
  const s = o.status ?? {};
  const text = (key: string): string | undefined =>
    typeof s[key] === "string" && s[key] !== "" ? s[key] : undefined;
  const token = text("token");
  const cert = text("clientCertificateData");
  const key = text("clientKeyData");
  if (token === undefined && (cert === undefined || key === undefined))
    throw new KubeConfigError(
      `exec plugin ${command} returned neither a token nor a client certificate and key`,
    );
  const expiry = text("expirationTimestamp");
  const expiresAt = expiry !== undefined ? Date.parse(expiry) : undefined;
  if (expiresAt !== undefined && Number.isNaN(expiresAt))
    throw new KubeConfigError(
      `exec plugin ${command}: status.expirationTimestamp "${expiry}" is not a timestamp`,
    );
  return {
    ...(token !== undefined ? { token } : {}),
    ...(cert !== undefined ? { clientCertificateData: cert } : {}),
    ...(key !== undefined ? { clientKeyData: key } : {}),
    ...(expiresAt !== undefined ? { expiresAt } : {}),
  };
}

/** Runs a plugin and parses its answer. Fails with its stderr when it exits non-zero or takes over `timeoutMs`. */
export function runExecPlugin(
  exec: ExecConfig,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<ExecCredentialStatus> {
  if (!supportedVersions.has(exec.apiVersion))
    throw new KubeConfigError(
      `exec plugin ${exec.command}: apiVersion ${exec.apiVersion} is not supported (use client.authentication.k8s.io/v1)`,
    );
  const info = { apiVersion: exec.apiVersion, kind: "ExecCredential", spec: { interactive: false } };
  const childEnv: NodeJS.ProcessEnv = { ...env, KUBERNETES_EXEC_INFO: JSON.stringify(info) };
  for (const e of exec.env) childEnv[e.name] = e.value;
  return new Promise((resolve, reject) => {
    execFile(
      exec.command,
      [...exec.args],
      { env: childEnv, timeout: timeoutMs, maxBuffer: 1 << 20, encoding: "utf8" },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new KubeConfigError(`exec plugin ${exec.command} failed: ${stderr.trim() || error.message}`),
          );
          return;
        }
        try {
          resolve(parseExecCredential(stdout, exec.apiVersion, exec.command));
        } catch (parseError) {
          reject(parseError instanceof Error ? parseError : new Error(String(parseError)));
        }
      },
    );
  });
}

/**
 * One plugin's credential, run again only when the last one expires within `marginMs`
 * (default 60 s: KubeClient reuses headers for up to 60 s) or failed. Concurrent callers
 * share one run.
 */
export class ExecCredentialCache {
  private current: { status: ExecCredentialStatus } | undefined;
  private running: Promise<ExecCredentialStatus> | undefined;

  constructor(
    private readonly run: () => Promise<ExecCredentialStatus>,
    private readonly now: () => number = Date.now,
    private readonly marginMs = 60_000,
  ) {}

  async get(): Promise<ExecCredentialStatus> {
    const held = this.current?.status;
    if (held && (held.expiresAt === undefined || held.expiresAt - this.marginMs > this.now())) return held;
    this.running ??= this.run().then(
      (status) => {
        this.current = { status };
        this.running = undefined;
        return status;
      },
      (error: unknown) => {
        this.running = undefined;
        throw error;
      },
    );
    return this.running;
  }
}
