// The kubeconfig file format (clientcmd's v1 Config, as kubectl writes it), read into typed
// entries, merged across files and narrowed to the current context. Pure: no file reads,
// no environment; loader.ts does the I/O. Why our own and not @kubernetes/client-node's
// KubeConfig: importing that library costs about 80 MiB of resident memory (its config
// module alone pulls in every generated API), and a CRM role only needs a server, TLS
// material and a credential.
//
// Fields read (clientcmd names): clusters[].cluster.{server, certificate-authority,
// certificate-authority-data, insecure-skip-tls-verify, tls-server-name};
// users[].user.{token, tokenFile (client-node's token-file too), client-certificate,
// client-certificate-data, client-key, client-key-data, exec, as};
// contexts[].context.{cluster, user, namespace}; current-context. Refused with an error
// naming the field: username/password (basic auth, removed from Kubernetes in 1.19) and
// auth-provider (deprecated provider plugins; use an exec credential plugin). Ignored:
// proxy-url, preferences, extensions.

/** A kubeconfig that cannot be used, with the reason (a field, a file, a missing entry). */
export class KubeConfigError extends Error {
  override readonly name = "KubeConfigError";
}

/** One clusters[] entry; file paths already absolute (resolved against the file's directory). */
export interface ClusterEntry {
  readonly name: string;
  /** e.g. https://127.0.0.1:6443, without a trailing slash. */
  readonly server: string;
  readonly caFile?: string;
  /** Base64 PEM, as in the file. */
  readonly caData?: string;
  readonly insecureSkipTlsVerify: boolean;
  readonly tlsServerName?: string;
}

/** users[].user.exec: a client-go credential plugin. */
export interface ExecConfig {
  readonly apiVersion: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: readonly { readonly name: string; readonly value: string }[];
}

/** One users[] entry; file paths already absolute. */
export interface UserEntry {
  readonly name: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly certFile?: string;
  readonly certData?: string;
  readonly keyFile?: string;
  readonly keyData?: string;
  readonly exec?: ExecConfig;
  /** `as`: sent as Impersonate-User. */
  readonly impersonate?: string;
}

export interface ContextEntry {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  readonly namespace?: string;
}

/** A parsed kubeconfig (one file, or several merged). */
export interface KubeConfigDoc {
  readonly clusters: readonly ClusterEntry[];
  readonly users: readonly UserEntry[];
  readonly contexts: readonly ContextEntry[];
  readonly currentContext?: string;
}

/** What a client uses: the current context's cluster and user. */
export interface Selected {
  readonly context: string;
  readonly cluster: ClusterEntry;
  /** Absent when the context names no user (anonymous). */
  readonly user?: UserEntry;
  readonly namespace?: string;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(o: Obj, key: string, where: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw new KubeConfigError(`${where}.${key} must be a string`);
  return v;
}

function absolute(dir: string | undefined, file: string | undefined): string | undefined {
  if (file === undefined || dir === undefined || file.startsWith("/")) return file;
  return `${dir.replace(/\/+$/, "")}/${file}`;
}

function entries(
  doc: Obj,
  key: string,
  inner: string,
  source: string,
): { name: string; body: Obj; at: string }[] {
  const list = doc[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new KubeConfigError(`${source}: ${key} must be a list`);
  return list.map((item: unknown, i) => {
    const at = `${source}: ${key}[${i}]`;
    if (!isObj(item)) throw new KubeConfigError(`${at} must be a mapping`);
    const name = str(item, "name", at);
    if (name === undefined) throw new KubeConfigError(`${at}.name is missing`);
    const body = item[inner] ?? {};
    if (!isObj(body)) throw new KubeConfigError(`${at}.${inner} must be a mapping`);
    return { name, body, at: `${at}.${inner}` };
  });
}

function execConfig(o: unknown, at: string): ExecConfig | undefined {
  if (o === undefined || o === null) return undefined;
  if (!isObj(o)) throw new KubeConfigError(`${at} must be a mapping`);
  const command = str(o, "command", at);
  if (command === undefined) throw new KubeConfigError(`${at}.command is missing`);
  const args = o["args"] ?? [];
  if (!Array.isArray(args) || args.some((a) => typeof a !== "string"))
    throw new KubeConfigError(`${at}.args must be a list of strings`);
  const env = o["env"] ?? [];
  if (!Array.isArray(env)) throw new KubeConfigError(`${at}.env must be a list`);
  return {
    apiVersion: str(o, "apiVersion", at) ?? "client.authentication.k8s.io/v1",
    command,
    args: args as string[],
    env: env.map((e: unknown, i) => {
      if (!isObj(e) || typeof e["name"] !== "string")
        throw new KubeConfigError(`${at}.env[${i}] must have a name and a value`);
      return { name: e["name"], value: typeof e["value"] === "string" ? e["value"] : "" };
    }),
  };
}

/**
 * Reads one parsed kubeconfig document (the YAML already parsed). Relative file paths are
 * resolved against `dir` (the file's directory, as kubectl does). `source` names the file
 * in errors. Throws KubeConfigError on a malformed entry or an unsupported auth field.
 */
export function parseKubeConfig(doc: unknown, source: string, dir?: string): KubeConfigDoc {
  if (doc === undefined || doc === null) return { clusters: [], users: [], contexts: [] };
  if (!isObj(doc)) throw new KubeConfigError(`${source}: not a kubeconfig (a mapping is expected)`);
  const clusters = entries(doc, "clusters", "cluster", source).map(({ name, body, at }): ClusterEntry => {
    const server = str(body, "server", at);
    if (server === undefined) throw new KubeConfigError(`${at}.server is missing`);
    const caFile = absolute(dir, str(body, "certificate-authority", at));
    const caData = str(body, "certificate-authority-data", at);
    const tlsServerName = str(body, "tls-server-name", at);
    return {
      name,
      server: server.replace(/\/+$/, ""),
      ...(caFile !== undefined ? { caFile } : {}),
      ...(caData !== undefined ? { caData } : {}),
      insecureSkipTlsVerify: body["insecure-skip-tls-verify"] === true,
      ...(tlsServerName !== undefined ? { tlsServerName } : {}),
    };
  });
  const users = entries(doc, "users", "user", source).map(({ name, body, at }): UserEntry => {
    if (body["username"] !== undefined || body["password"] !== undefined)
      throw new KubeConfigError(
        `${at}: username/password (basic authentication) is not supported (Kubernetes removed it in 1.19); use a token, a client certificate or an exec plugin`,
      );
    if (body["auth-provider"] !== undefined)
      throw new KubeConfigError(
        `${at}.auth-provider is not supported (deprecated provider plugins); use an exec credential plugin (client.authentication.k8s.io/v1), e.g. kubelogin for OIDC`,
      );
    const fields = {
      token: str(body, "token", at),
      tokenFile: absolute(dir, str(body, "tokenFile", at) ?? str(body, "token-file", at)),
      certFile: absolute(dir, str(body, "client-certificate", at)),
      certData: str(body, "client-certificate-data", at),
      keyFile: absolute(dir, str(body, "client-key", at)),
      keyData: str(body, "client-key-data", at),
      exec: execConfig(body["exec"], `${at}.exec`),
      impersonate: str(body, "as", at),
    };
    return {
      name,
      ...(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Omit<
        UserEntry,
        "name"
      >),
    };
  });
  const contexts = entries(doc, "contexts", "context", source).map(({ name, body, at }): ContextEntry => {
    const cluster = str(body, "cluster", at);
    if (cluster === undefined) throw new KubeConfigError(`${at}.cluster is missing`);
    const namespace = str(body, "namespace", at);
    return {
      name,
      cluster,
      user: str(body, "user", at) ?? "",
      ...(namespace !== undefined ? { namespace } : {}),
    };
  });
  const currentContext = str(doc, "current-context", source);
  return { clusters, users, contexts, ...(currentContext !== undefined ? { currentContext } : {}) };
}

/**
 * Merges kubeconfigs as kubectl merges $KUBECONFIG: for each name the first file that
 * defines it wins, and current-context comes from the first file that sets one.
 */
export function mergeKubeConfigs(docs: readonly KubeConfigDoc[]): KubeConfigDoc {
  const firstByName = <T extends { name: string }>(lists: readonly (readonly T[])[]): T[] => {
    const seen = new Map<string, T>();
    for (const list of lists) for (const item of list) if (!seen.has(item.name)) seen.set(item.name, item);
    return [...seen.values()];
  };
  const currentContext = docs.find((d) => d.currentContext !== undefined)?.currentContext;
  return {
    clusters: firstByName(docs.map((d) => d.clusters)),
    users: firstByName(docs.map((d) => d.users)),
    contexts: firstByName(docs.map((d) => d.contexts)),
    ...(currentContext !== undefined ? { currentContext } : {}),
  };
}

/** The current context's cluster and user. Throws KubeConfigError when an entry is missing. */
export function selectCurrent(doc: KubeConfigDoc, source: string): Selected {
  const name = doc.currentContext;
  if (name === undefined) throw new KubeConfigError(`${source}: no current-context`);
  const context = doc.contexts.find((c) => c.name === name);
  if (!context) throw new KubeConfigError(`${source}: current-context "${name}" is not in contexts`);
  const cluster = doc.clusters.find((c) => c.name === context.cluster);
  if (!cluster)
    throw new KubeConfigError(
      `${source}: context "${name}" names cluster "${context.cluster}", not in clusters`,
    );
  const user = context.user === "" ? undefined : doc.users.find((u) => u.name === context.user);
  if (context.user !== "" && !user)
    throw new KubeConfigError(`${source}: context "${name}" names user "${context.user}", not in users`);
  return {
    context: name,
    cluster,
    ...(user ? { user } : {}),
    ...(context.namespace !== undefined ? { namespace: context.namespace } : {}),
  };
}
