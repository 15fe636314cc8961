// The PM's storage over a key-value backend. Layout under the backend's prefix:
//   packages/<name>                 OPackage JSON
//   deployments/<key>               OClassDeployment JSON
//   mappings/<key>/<cluster>        ClusterMapping JSON
// Names are URI-encoded in keys so a "/" in a name cannot escape its folder.
// Writes that belong together are one transaction; updates compare-and-swap on the
// key's modification revision and retry, so concurrent writers lose nothing.
import type { OClassDeployment, OPackage } from "@oaas/models";
import { deploymentMatches, packageMatches, page } from "./filters.ts";
import { absent, type KvEntry, type KvOp, type KvStore } from "./kv.ts";
import {
  StorageConflictError,
  StorageNotFoundError,
  type ClusterMapping,
  type DeploymentFilter,
  type PackageFilter,
  type Storage,
} from "./types.ts";

const enc = encodeURIComponent;
const packageKey = (name: string) => `packages/${enc(name)}`;
const deploymentKey = (key: string) => `deployments/${enc(key)}`;
const mappingPrefix = (key: string) => `mappings/${enc(key)}/`;
const mappingKey = (key: string, cluster: string) => `${mappingPrefix(key)}${enc(cluster)}`;

/** Compare-and-swap attempts before giving up (each lost race means another writer won). */
const maxCasAttempts = 64;

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the stored JSON's type is the caller's to name
const parse = <T>(entry: KvEntry): T => JSON.parse(entry.value) as T;

export class KvStorage implements Storage {
  constructor(private readonly kv: KvStore) {}

  async createPackage(pkg: OPackage): Promise<void> {
    const key = packageKey(pkg.name);
    const ok = await this.kv.txn([{ key, modRevision: absent }], [{ put: key, value: JSON.stringify(pkg) }]);
    if (!ok) throw new StorageConflictError(`package "${pkg.name}" already exists`);
  }

  async getPackage(name: string): Promise<OPackage | undefined> {
    const entry = await this.kv.get(packageKey(name));
    return entry && parse<OPackage>(entry);
  }

  async updatePackage(name: string, change: (current: OPackage) => OPackage): Promise<OPackage> {
    const key = packageKey(name);
    for (let attempt = 0; attempt < maxCasAttempts; attempt++) {
      const entry = await this.kv.get(key);
      if (!entry) throw new StorageNotFoundError(`package "${name}" does not exist`);
      const next = change(parse<OPackage>(entry));
      const ok = await this.kv.txn(
        [{ key, modRevision: entry.modRevision }],
        [{ put: key, value: JSON.stringify(next) }],
      );
      if (ok) return next;
    }
    throw new StorageConflictError(
      `package "${name}" kept changing; gave up after ${maxCasAttempts} attempts`,
    );
  }

  async deletePackage(name: string): Promise<boolean> {
    const key = packageKey(name);
    const entry = await this.kv.get(key);
    if (!entry) return false;
    return this.kv.txn([{ key, modRevision: entry.modRevision }], [{ delete: key }]);
  }

  async listPackages(filter: PackageFilter = {}): Promise<OPackage[]> {
    const all = (await this.kv.list("packages/")).map((e) => parse<OPackage>(e));
    return page(
      all.filter((p) => packageMatches(p, filter)),
      filter.limit,
      filter.offset,
    );
  }

  async createDeployment(deployment: OClassDeployment, mappings: readonly ClusterMapping[]): Promise<void> {
    const key = deploymentKey(deployment.key);
    const ok = await this.kv.txn(
      [{ key, modRevision: absent }],
      // Mappings never outlive their deployment (deleted in the same transaction), so
      // none exist here to clear.
      [{ put: key, value: JSON.stringify(deployment) }, ...mappingOps(deployment.key, mappings)],
    );
    if (!ok) throw new StorageConflictError(`deployment "${deployment.key}" already exists`);
  }

  async getDeployment(key: string): Promise<OClassDeployment | undefined> {
    const entry = await this.kv.get(deploymentKey(key));
    return entry && parse<OClassDeployment>(entry);
  }

  async updateDeployment(
    key: string,
    change: (
      current: OClassDeployment,
      mappings: readonly ClusterMapping[],
    ) => { deployment: OClassDeployment; mappings?: readonly ClusterMapping[] },
  ): Promise<OClassDeployment> {
    const dKey = deploymentKey(key);
    for (let attempt = 0; attempt < maxCasAttempts; attempt++) {
      const entry = await this.kv.get(dKey);
      if (!entry) throw new StorageNotFoundError(`deployment "${key}" does not exist`);
      const mappingEntries = await this.kv.list(mappingPrefix(key));
      const next = change(
        parse<OClassDeployment>(entry),
        mappingEntries.map((e) => parse<ClusterMapping>(e)),
      );
      const ops: KvOp[] = [{ put: dKey, value: JSON.stringify({ ...next.deployment, key }) }];
      if (next.mappings) {
        // etcd refuses a transaction that deletes a range and puts a key inside it, so
        // the mappings that go are deleted one by one.
        const kept = new Set(next.mappings.map((m) => mappingKey(key, m.cluster)));
        for (const e of mappingEntries) if (!kept.has(e.key)) ops.push({ delete: e.key });
        ops.push(...mappingOps(key, next.mappings));
      }
      // Mappings are only written with their deployment, so the deployment's revision guards both.
      if (await this.kv.txn([{ key: dKey, modRevision: entry.modRevision }], ops)) return next.deployment;
    }
    throw new StorageConflictError(
      `deployment "${key}" kept changing; gave up after ${maxCasAttempts} attempts`,
    );
  }

  async getMappings(key: string): Promise<ClusterMapping[]> {
    const entries = await this.kv.list(mappingPrefix(key));
    return entries.map((e) => parse<ClusterMapping>(e)).sort((a, b) => a.cluster.localeCompare(b.cluster));
  }

  async listDeployments(filter: DeploymentFilter = {}): Promise<OClassDeployment[]> {
    const [deployments, mappings] = await Promise.all([
      this.kv.list("deployments/"),
      this.kv.list("mappings/"),
    ]);
    const byKey = new Map<string, ClusterMapping[]>();
    for (const entry of mappings) {
      const key = decodeURIComponent(entry.key.split("/")[1] ?? "");
      const list = byKey.get(key) ?? [];
      list.push(parse<ClusterMapping>(entry));
      byKey.set(key, list);
    }
    const matching = deployments
      .map((e) => parse<OClassDeployment>(e))
      .filter((d) => deploymentMatches(d, byKey.get(d.key) ?? [], filter));
    return page(matching, filter.limit, filter.offset);
  }

  async deleteDeployment(key: string): Promise<boolean> {
    const dKey = deploymentKey(key);
    const entry = await this.kv.get(dKey);
    if (!entry) return false;
    return this.kv.txn(
      [{ key: dKey, modRevision: entry.modRevision }],
      [{ delete: dKey }, { deletePrefix: mappingPrefix(key) }],
    );
  }

  ping(): Promise<void> {
    return this.kv.ping();
  }

  close(): Promise<void> {
    return this.kv.close();
  }
}

function mappingOps(key: string, mappings: readonly ClusterMapping[]): KvOp[] {
  return mappings.map((m) => ({ put: mappingKey(key, m.cluster), value: JSON.stringify(m) }));
}
