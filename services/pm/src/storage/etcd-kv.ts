// The etcd v3 backend (STORAGE_TYPE=etcd) through the etcd3 client: keys live under a
// namespace (ETCD_KEY_PREFIX), TLS and user/password come from the PM settings, and
// every call is bounded by ETCD_TIMEOUT.
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
  readonly timeoutMs: number;
  readonly tls?: {
    readonly caCertPath?: string;
    readonly clientCertPath?: string;
    readonly clientKeyPath?: string;
  };
}

/** etcd3 client options from the settings (reads the certificate files). */
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
  if (s.username !== undefined) options.auth = { username: s.username, password: s.password ?? "" };
  return options;
}

export class EtcdKv implements KvStore {
  private readonly client: Etcd3;
  private readonly ns: Namespace;

  constructor(settings: EtcdSettings) {
    this.client = new Etcd3(etcdOptions(settings));
    this.ns = this.client.namespace(
      settings.keyPrefix.endsWith("/") ? settings.keyPrefix : `${settings.keyPrefix}/`,
    );
  }

  async get(key: string): Promise<KvEntry | undefined> {
    const res = await guard(() => this.ns.get(key).exec());
    const kv = res.kvs[0];
    return kv ? { key, value: kv.value.toString("utf8"), modRevision: kv.mod_revision } : undefined;
  }

  async list(prefix: string): Promise<KvEntry[]> {
    const res = await guard(() => this.ns.getAll().prefix(prefix).sort("Key", "Ascend").exec());
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
    const res = await guard(() => builder.commit());
    return res.succeeded;
  }

  async ping(): Promise<void> {
    await guard(() => this.client.maintenance.status());
  }

  close(): Promise<void> {
    this.client.close();
    return Promise.resolve();
  }
}

/** Any client failure as StorageUnavailableError (503 at the REST edge), keeping its text. */
async function guard<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new StorageUnavailableError(`etcd: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
