// Package registry: create (scheduling its embedded deployments), list, get, update,
// delete (cascading to its deployments when PACKAGE_DELETE_CASCADE, else 409 while
// deployments exist).
import {
  defaultDeploymentKey,
  replaceable,
  validatePackage,
  type OClass,
  type OFunction,
  type OPackage,
} from "@oaas/models";
import type { Logger } from "@oaas/telemetry";
import { withContext } from "@oaas/telemetry";
import type { CallContext } from "../crm/manager.ts";
import {
  StorageConflictError,
  StorageNotFoundError,
  type PackageFilter,
  type Storage,
} from "../storage/index.ts";
import type { DeploymentResult, DeploymentService } from "./deployments.ts";
import { ConflictError, NotFoundError, ValidationError } from "./errors.ts";

export interface ScheduledDeployment {
  readonly key: string;
  readonly result?: DeploymentResult;
  readonly error?: string;
}

export class PackageService {
  constructor(
    private readonly storage: Storage,
    private readonly deployments: DeploymentService,
    private readonly options: { readonly deleteCascade: boolean },
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async known(except: string): Promise<Map<string, string[]>> {
    const all = await this.storage.listPackages();
    return new Map(all.filter((p) => p.name !== except).map((p) => [p.name, p.dependencies]));
  }

  /**
   * The package's own rules, then each embedded deployment checked exactly as a POST of
   * it would be (class, functions, target clusters), with field paths such as
   * `deployments[0].target_clusters[0]`: a package is stored whole or not at all.
   */
  private async check(pkg: OPackage): Promise<void> {
    const errors = validatePackage(pkg, await this.known(pkg.name));
    if (errors.length) throw new ValidationError(errors, "invalid package");
    for (const [i, d] of pkg.deployments.entries()) {
      await this.deployments.check(d, pkg, `deployments[${i}].`);
    }
  }

  /**
   * 409 when `next` renames or drops a class, or a function a class binds, that a stored
   * deployment of the package uses: such a deployment could never be updated or
   * redeployed again. Names the deployments and what they use.
   */
  private async checkInUse(next: OPackage): Promise<void> {
    const problems: string[] = [];
    for (const d of await this.storage.listDeployments({ package_name: next.name })) {
      if (d.condition === "DELETED") continue;
      const cls = next.classes.find((c) => c.key === d.class_key);
      if (!cls) {
        problems.push(`deployment "${d.key}" uses class "${d.class_key}"`);
        continue;
      }
      const functions = new Set(next.functions.map((f) => f.key));
      const bound = new Set(cls.function_bindings.map((b) => b.function_key));
      const gone = d.functions.map((f) => f.function_key).filter((k) => !functions.has(k) || !bound.has(k));
      if (gone.length)
        problems.push(
          `deployment "${d.key}" uses function(s) ${gone.map((k) => `"${k}"`).join(", ")} of class "${d.class_key}"`,
        );
    }
    if (problems.length) {
      throw new ConflictError(
        `package "${next.name}" would drop what live deployments use: ${problems.join("; ")}; delete or move those deployments first`,
      );
    }
  }

  /**
   * Stores a decoded package (409 when the name is taken) and schedules its embedded
   * deployments that are not deployed yet; their outcomes are returned, never fatal.
   */
  async create(
    pkg: OPackage,
    ctx: CallContext,
  ): Promise<{ package: OPackage; scheduled: ScheduledDeployment[] }> {
    await this.check(pkg);
    const stamp = this.now().toISOString();
    const stored: OPackage = {
      ...pkg,
      metadata: { ...pkg.metadata, created_at: pkg.metadata.created_at ?? stamp, updated_at: stamp },
    };
    try {
      await this.storage.createPackage(stored);
    } catch (error) {
      if (error instanceof StorageConflictError)
        throw new ConflictError(`package "${pkg.name}" already exists`);
      throw error;
    }
    return { package: stored, scheduled: await this.schedule(stored, ctx) };
  }

  private async schedule(pkg: OPackage, ctx: CallContext): Promise<ScheduledDeployment[]> {
    const out: ScheduledDeployment[] = [];
    for (const d of pkg.deployments) {
      const key = d.key || defaultDeploymentKey(pkg.name, d.class_key);
      const existing = await this.storage.getDeployment(key);
      if (existing && !replaceable(existing)) continue;
      try {
        out.push({ key, result: await this.deployments.create(d, ctx, pkg) });
      } catch (error) {
        withContext(this.logger, { deploymentId: key, correlationId: ctx.correlationId }).warn(
          "embedded deployment not scheduled",
          { package: pkg.name, error: (error as Error).message },
        );
        out.push({ key, error: (error as Error).message });
      }
    }
    return out;
  }

  list(filter: PackageFilter): Promise<OPackage[]> {
    return this.storage.listPackages(filter);
  }

  async get(name: string): Promise<OPackage> {
    const pkg = await this.storage.getPackage(name);
    if (!pkg) throw new NotFoundError(`package "${name}" does not exist`);
    return pkg;
  }

  /**
   * Replaces a package (404 when missing; 400 when the body names another package, or an
   * embedded deployment would not deploy; 409 when it drops what a deployment uses).
   */
  async update(name: string, pkg: OPackage): Promise<OPackage> {
    if (pkg.name !== name) {
      throw new ValidationError([
        { field: "name", message: `"${pkg.name}" does not match the path's "${name}"` },
      ]);
    }
    await this.check(pkg);
    await this.checkInUse(pkg);
    try {
      return await this.storage.updatePackage(name, (current) => ({
        ...pkg,
        metadata: {
          ...pkg.metadata,
          ...(current.metadata.created_at !== undefined ? { created_at: current.metadata.created_at } : {}),
          updated_at: this.now().toISOString(),
        },
      }));
    } catch (error) {
      if (error instanceof StorageNotFoundError) throw new NotFoundError(`package "${name}" does not exist`);
      throw error;
    }
  }

  /**
   * Deletes a package. Its deployments are deleted first when cascading (any failure
   * stops the delete and is returned as that failure), else their presence is a 409.
   */
  async delete(name: string, ctx: CallContext): Promise<void> {
    if (!(await this.storage.getPackage(name))) throw new NotFoundError(`package "${name}" does not exist`);
    const owned = await this.storage.listDeployments({ package_name: name });
    if (owned.length && !this.options.deleteCascade) {
      throw new ConflictError(
        `package "${name}" has ${owned.length} deployment(s) (${owned.map((d) => d.key).join(", ")}); delete them first or enable PACKAGE_DELETE_CASCADE`,
      );
    }
    for (const d of owned) await this.deployments.delete(d.key, ctx);
    await this.storage.deletePackage(name);
  }

  /** Every class of every package, with its package name. */
  async classes(): Promise<(OClass & { package_name: string })[]> {
    const all = await this.storage.listPackages();
    return all.flatMap((p) => p.classes.map((c) => ({ package_name: p.name, ...c })));
  }

  async functions(): Promise<(OFunction & { package_name: string })[]> {
    const all = await this.storage.listPackages();
    return all.flatMap((p) => p.functions.map((f) => ({ package_name: p.name, ...f })));
  }
}
