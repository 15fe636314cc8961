// Finding and loading the kubeconfig a process uses, and turning its current context into
// what KubeClient needs: the server, TLS material and request headers. The I/O edge of
// model.ts (files, environment, exec plugins). Lookup order as @kubernetes/client-node's
// loadFromDefault (which this replaces at run time): $KUBECONFIG (a
// ':'-separated list, merged as kubectl does), else ~/.kube/config, else the in-cluster
// service account, else http://localhost:8080 without credentials.
import { existsSync, readFileSync } from "node:fs";
import type https from "node:https";
import { isIPv6 } from "node:net";
import path from "node:path";
import { load as parseYaml } from "js-yaml";
import { ExecCredentialCache, runExecPlugin } from "./exec-credential.ts";
import {
  KubeConfigError,
  mergeKubeConfigs,
  parseKubeConfig,
  selectCurrent,
  type KubeConfigDoc,
  type Selected,
} from "./model.ts";

/** The in-cluster service account mount (token, ca.crt, namespace), as the kubelet projects it. */
export const serviceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Upper bound of one exec plugin run, ms. kubectl has none; a server must not hang on one. */
const execTimeoutMs = 30_000;

export interface LoadOptions {
  /** Environment read for KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST/PORT and passed to exec plugins. Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Where the service account is mounted. Default serviceAccountDir (tests point it elsewhere). */
  readonly serviceAccountDir?: string;
}

/**
 * A loaded kubeconfig narrowed to its current context. Its two methods have the names and
 * meaning of @kubernetes/client-node's KubeConfig, so KubeClient accepts either.
 */
export class LoadedKubeConfig {
  private readonly exec: ExecCredentialCache | undefined;

  constructor(
    readonly selected: Selected,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    const exec = selected.user?.exec;
    this.exec = exec
      ? new ExecCredentialCache(() => runExecPlugin(exec, this.env, execTimeoutMs))
      : undefined;
  }

  /** The current context's cluster: its name and server URL. */
  getCurrentCluster(): { readonly name: string; readonly server: string } {
    return { name: this.selected.cluster.name, server: this.selected.cluster.server };
  }

  /** The current context's namespace, if it names one. */
  get namespace(): string | undefined {
    return this.selected.namespace;
  }

  /**
   * Sets TLS options (ca, cert, key, rejectUnauthorized, servername) and headers
   * (Authorization, Impersonate-User) on `opts`. Reads token and certificate files at
   * each call (a rotated file is picked up); runs the exec plugin when its credential
   * expired. Throws KubeConfigError naming the file or plugin that failed.
   */
  async applyToHTTPSOptions(opts: https.RequestOptions): Promise<void> {
    const { cluster, user } = this.selected;
    const ca = material(cluster.caFile, cluster.caData, "certificate-authority");
    if (ca) opts.ca = ca;
    if (cluster.insecureSkipTlsVerify) opts.rejectUnauthorized = false;
    if (cluster.tlsServerName !== undefined) opts.servername = cluster.tlsServerName;
    if (!user) return;
    const cert = material(user.certFile, user.certData, "client-certificate");
    const key = material(user.keyFile, user.keyData, "client-key");
    if (cert) opts.cert = cert;
    if (key) opts.key = key;
    const headers: Record<string, string> = {};
    let token = user.token ?? (user.tokenFile !== undefined ? readToken(user.tokenFile) : undefined);
    if (this.exec) {
      const status = await this.exec.get();
      if (status.clientCertificateData !== undefined && status.clientKeyData !== undefined) {
        opts.cert = status.clientCertificateData;
        opts.key = status.clientKeyData;
      }
      token ??= status.token;
    }
    if (token !== undefined) headers["authorization"] = `Bearer ${token}`;
    if (user.impersonate !== undefined) headers["impersonate-user"] = user.impersonate;
    opts.headers = { ...(opts.headers as Record<string, string> | undefined), ...headers };
  }
}

/** A file's bytes, else base64 data decoded, else undefined. */
function material(file: string | undefined, data: string | undefined, field: string): Buffer | undefined {
  if (file !== undefined) {
    try {
      return readFileSync(file);
    } catch (error) {
      throw new KubeConfigError(`${field} ${file} cannot be read: ${(error as Error).message}`);
    }
  }
  return data !== undefined ? Buffer.from(data, "base64") : undefined;
}

function readToken(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch (error) {
    throw new KubeConfigError(`token file ${file} cannot be read: ${(error as Error).message}`);
  }
}

/** Reads and parses one kubeconfig file (YAML or JSON). */
export function readKubeConfigFile(file: string): KubeConfigDoc {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new KubeConfigError(`kubeconfig ${file} cannot be read: ${(error as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new KubeConfigError(`kubeconfig ${file} is not YAML: ${(error as Error).message}`);
  }
  return parseKubeConfig(doc, file, path.dirname(path.resolve(file)));
}

/**
 * The in-cluster configuration: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT
 * (http for ports 80, 8080 and 8001, as client-node does), the mounted CA and the
 * mounted token (re-read at each use: bound tokens rotate), the mounted namespace.
 */
export function inClusterConfig(env: NodeJS.ProcessEnv, dir: string): Selected {
  const host = env["KUBERNETES_SERVICE_HOST"];
  const port = env["KUBERNETES_SERVICE_PORT"];
  if (!host || !port)
    throw new KubeConfigError(
      "in-cluster configuration needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT (set by the kubelet)",
    );
  const scheme = ["80", "8080", "8001"].includes(port) ? "http" : "https";
  const namespaceFile = path.join(dir, "namespace");
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, "utf8").trim() : undefined;
  return {
    context: "inClusterContext",
    cluster: {
      name: "inCluster",
      server: `${scheme}://${isIPv6(host) ? `[${host}]` : host}:${port}`,
      caFile: path.join(dir, "ca.crt"),
      insecureSkipTlsVerify: false,
    },
    user: { name: "inClusterUser", tokenFile: path.join(dir, "token") },
    ...(namespace ? { namespace } : {}),
  };
}

/**
 * The kubeconfig a process uses: the file `file` when given, else the lookup described at
 * the top of this file. Throws KubeConfigError when the chosen source is unusable.
 */
export function loadKubeConfigFrom(file: string | undefined, options: LoadOptions = {}): LoadedKubeConfig {
  const env = options.env ?? process.env;
  if (file) return new LoadedKubeConfig(selectCurrent(readKubeConfigFile(file), file), env);
  const list = (env["KUBECONFIG"] ?? "").split(path.delimiter).filter(Boolean);
  if (list.length > 0) {
    const merged = mergeKubeConfigs(list.map(readKubeConfigFile));
    return new LoadedKubeConfig(selectCurrent(merged, `$KUBECONFIG (${list.join(path.delimiter)})`), env);
  }
  const home = env["HOME"];
  const homeConfig = home ? path.join(home, ".kube", "config") : undefined;
  if (homeConfig && existsSync(homeConfig))
    return new LoadedKubeConfig(selectCurrent(readKubeConfigFile(homeConfig), homeConfig), env);
  const saDir = options.serviceAccountDir ?? serviceAccountDir;
  if (existsSync(path.join(saDir, "token"))) return new LoadedKubeConfig(inClusterConfig(env, saDir), env);
  return new LoadedKubeConfig(
    {
      context: "default",
      cluster: { name: "cluster", server: "http://localhost:8080", insecureSkipTlsVerify: false },
    },
    env,
  );
}
