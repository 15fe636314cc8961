// What the PM stores and how it is asked for. One interface, one implementation over a
// key-value backend (memory or etcd): see storage.ts.
import type { ClusterMapping, DeploymentCondition, OClassDeployment, OPackage } from "@oaas/models";

export interface PackageFilter {
  /** Substring of the name; with `*` a glob over the whole name. */
  readonly name_pattern?: string;
  readonly disabled?: boolean;
  /** The package must carry every one of these tags. */
  readonly tags?: readonly string[];
  readonly limit?: number;
  readonly offset?: number;
}

export interface DeploymentFilter {
  readonly package_name?: string;
  readonly class_key?: string;
  readonly target_env?: string;
  /** Deployments with a mapping to this cluster. */
  readonly target_cluster?: string;
  readonly condition?: DeploymentCondition;
  readonly limit?: number;
  readonly offset?: number;
}

// Where a deployment went on each cluster: the shape lives with the decisions that
// write it (@oaas/models mapping.ts).
export { mappingStates, type MappingState, type ClusterMapping } from "@oaas/models";

export interface Storage {
  /** Throws StorageConflictError when a package of that name exists. */
  createPackage(pkg: OPackage): Promise<void>;
  getPackage(name: string): Promise<OPackage | undefined>;
  /**
   * Read-modify-write with compare-and-swap on the stored revision, retried on conflict,
   * so concurrent updates lose nothing. `change` may run more than once. Throws
   * StorageNotFoundError when the package does not exist.
   */
  updatePackage(name: string, change: (current: OPackage) => OPackage): Promise<OPackage>;
  /** True when it existed. */
  deletePackage(name: string): Promise<boolean>;
  /** Ordered by name. */
  listPackages(filter?: PackageFilter): Promise<OPackage[]>;

  /** A new deployment and its mappings in one transaction; StorageConflictError when the key exists. */
  createDeployment(deployment: OClassDeployment, mappings: readonly ClusterMapping[]): Promise<void>;
  getDeployment(key: string): Promise<OClassDeployment | undefined>;
  /**
   * Read-modify-write of a deployment and (when `change` returns them) its full set of
   * mappings, in one transaction with compare-and-swap. StorageNotFoundError when missing.
   */
  updateDeployment(
    key: string,
    change: (
      current: OClassDeployment,
      mappings: readonly ClusterMapping[],
    ) => { deployment: OClassDeployment; mappings?: readonly ClusterMapping[] },
  ): Promise<OClassDeployment>;
  /** Ordered by cluster name. */
  getMappings(key: string): Promise<ClusterMapping[]>;
  /** Ordered by key. */
  listDeployments(filter?: DeploymentFilter): Promise<OClassDeployment[]>;
  /** The deployment and its mappings in one transaction; true when it existed. */
  deleteDeployment(key: string): Promise<boolean>;

  /** Resolves when the backend answers (GET /ready). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export class StorageConflictError extends Error {
  override readonly name = "StorageConflictError";
}

export class StorageNotFoundError extends Error {
  override readonly name = "StorageNotFoundError";
}
