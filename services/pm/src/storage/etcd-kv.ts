// The etcd v3 backend (STORAGE_TYPE=etcd) through the etcd3 client: keys live under a
// namespace (ETCD_KEY_PREFIX), TLS and user/password come from the PM settings, and
// every call is bounded by ETCD_TIMEOUT (default 3 s) in one place, guard(): the gRPC
// deadline alone let a request wait 32 s on an etcd that accepted connections but did not
// answer (SIGSTOPped), and /ready hung with it.
import fs from "node:fs";
import { Etcd3, type IOptions, type Namespace } from "etcd3";
import {
  absent,
  StorageUnavailableError,
  type KvCompare,
  type KvEntry,
  type KvOp,
  type KvStore,
} from "./kv.ts";

export interface EtcdSettings {
  /** host:port or URLs; a bare host:port gets http:// or https:// by `tls`. */
  readonly endpoints: readonly string[];
  readonly keyPrefix: string;
  readonly username?: string;
  readonly password?: string;
  /** OPRC_PM_ETCD_PASSWORD_FILE: the password read from this file (trailing newline dropped) when the client starts; not with `password`. */
  readonly passwordFile?: string;
  /** ETCD_TIMEOUT: the longest any call waits for etcd, ms; then it fails as unavailable (503). */
  readonly timeoutMs: number;
  readonly tls?: {
    readonly caCertPath?: string;
    readonly clientCertPath?: string;
    readonly clientKeyPath?: string;
  };
}

/** etcd3 client options from the settings (reads the certificate and password files). */
export function etcdOptions(s: EtcdSettings): IOptions {
  const scheme = s.tls ? "https" : "http";
  const hosts = s.endpoints.map((e) => (/^[a-z]+:\/\//.test(e) ? e : `${scheme}://${e}`));
  const options: IOptions = {
    hosts,
    dialTimeout: s.timeoutMs,
    defaultCallOptions: () => ({ deadline: Date.now() + s.timeoutMs }),
  };
  if (s.tls) {
    const ca = s.tls.caCertPath ? fs.readFileSync(s.tls.caCertPath) : undefined;
    options.credentials = {
      rootCertificate: ca ?? Buffer.alloc(0),
      ...(s.tls.clientKeyPath ? { privateKey: fs.readFileSync(s.tls.clientKeyPath) } : {}),
      ...(s.tls.clientCertPath ? { certChain: fs.readFileSync(s.tls.clientCertPath) } : {}),
    };
  }
  if (s.username !== undefined) {
    const password = s.passwordFile
      ? fs.readFileSync(s.passwordFile, "utf8").replace(/\r?\n$/, "")
      : s.password;
    options.auth = { username: s.username, password: password ?? "" };
  }
  return options;
}

/** The longest a readiness probe (ping) waits for etcd, ms: /ready answers within a second. */
export const readinessDeadlineMs = 900;

export class EtcdKv implements KvStore {
  private readonly client: Etcd3;
  private readonly ns: Namespace;
  private readonly timeoutMs: number;

  constructor(settings: EtcdSettings) {
    this.timeoutMs = settings.timeoutMs;
    this.client = new Etcd3(etcdOptions(settings));
    this.ns = this.client.namespace(
      settings.keyPrefix.endsWith("/") ? settings.keyPrefix : `${settings.keyPrefix}/`,
    );
  }

  async get(key: string): Promise<KvEntry | undefined> {
    const res = await guard(() => this.ns.get(key).exec(), this.timeoutMs);
    const kv = res.kvs[0];
    return kv ? { key, value: kv.value.toString("utf8"), modRevision: kv.mod_revision } : undefined;
  }

  async list(prefix: string): Promise<KvEntry[]> {
    const res = await guard(
      () => this.ns.getAll().prefix(prefix).sort("Key", "Ascend").exec(),
      this.timeoutMs,
    );
    // The namespace already strips its prefix from the keys it returns.
    return res.kvs.map((kv) => ({
      key: kv.key.toString("utf8"),
      value: kv.value.toString("utf8"),
      modRevision: kv.mod_revision,
    }));
  }

  async txn(compares: readonly KvCompare[], ops: readonly KvOp[]): Promise<boolean> {
    const [first, ...rest] = compares;
    if (!first) throw new Error("etcd transactions here always compare at least one key");
    // A key that does not exist has create revision 0.
    const column = (c: KvCompare) => (c.modRevision === absent ? "Create" : "Mod");
    const value = (c: KvCompare) => (c.modRevision === absent ? 0 : c.modRevision);
    const builder = this.ns.if(first.key, column(first), "==", value(first));
    for (const c of rest) builder.and(c.key, column(c), "==", value(c));
    builder.then(
      ...ops.map((op) =>
        "put" in op
          ? this.ns.put(op.put).value(op.value)
          : "delete" in op
            ? this.ns.delete().key(op.delete)
            : this.ns.delete().prefix(op.deletePrefix),
      ),
    );
    const res = await guard(() => builder.commit(), this.timeoutMs);
    return res.succeeded;
  }

  async ping(): Promise<void> {
    await guard(() => this.client.maintenance.status(), Math.min(this.timeoutMs, readinessDeadlineMs));
  }

  close(): Promise<void> {
    this.client.close();
    return Promise.resolve();
  }
}

/**
 * Runs one etcd call within `deadlineMs`: any client failure, and no answer by then, is
 * StorageUnavailableError (503 at the REST edge) saying which. The call itself is left to
 * its gRPC deadline (the same ETCD_TIMEOUT); its late outcome is dropped.
 */
async function guard<T>(call: () => Promise<T>, deadlineMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(
        new StorageUnavailableError(
          `etcd did not answer within ${deadlineMs / 1000} s (ETCD_TIMEOUT; is it running and not stopped?)`,
        ),
      );
    }, deadlineMs);
  });
  const attempt = call();
  attempt.catch(() => undefined); // a failure after the deadline has nobody to tell
  try {
    return await Promise.race([attempt, late]);
  } catch (error) {
    if (error instanceof StorageUnavailableError) throw error;
    throw new StorageUnavailableError(`etcd: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}
