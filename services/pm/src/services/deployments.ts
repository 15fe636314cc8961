// The class deployment flow: resolve and plan (packages/models), dispatch one unit per
// target cluster to its CRM, record where it went, roll back on partial failure when
// configured, and read status back. The stored condition follows what happened:
// PENDING -> DEPLOYING after dispatch; DOWN with last_error when a cluster refused it;
// UNKNOWN when a call broke after sending (it may have been applied); after that, what
// the clusters report decides, in one place (settle.ts), on every read and on the resync.
import {
  planUnits,
  resolveDeployment,
  SizingError,
  type ClusterSignal,
  type FieldError,
  type OClassDeployment,
  type OPackage,
  type Resolved,
  unitId,
} from "@oaas/models";
import { Code } from "@connectrpc/connect";
import type { Logger } from "@oaas/telemetry";
import { withContext } from "@oaas/telemetry";
import { toProtoUnit, unitJson } from "../crm/convert.ts";
import { CrmError, deployOutcome } from "../crm/errors.ts";
import type { CallContext, CrmManager } from "../crm/manager.ts";
import type { ConditionDetail, FunctionDetail } from "../crm/record-detail.ts";
import {
  StorageConflictError,
  StorageNotFoundError,
  type ClusterMapping,
  type DeploymentFilter,
  type Storage,
} from "../storage/index.ts";
import {
  ConflictError,
  NotFoundError,
  PreconditionFailedError,
  UnavailableError,
  ValidationError,
} from "./errors.ts";
import { DeploymentSettler, type SettledDeployment } from "./settle.ts";

export interface DeploymentResult {
  readonly key: string;
  readonly condition: OClassDeployment["condition"];
  readonly replicas: number;
  readonly achieved_availability: number;
  /** The stored generation after this write (what If-Match names). */
  readonly generation?: number;
  readonly units: { cluster: string; unit_id: string; state: ClusterMapping["state"]; message?: string }[];
  readonly failed_clusters?: string[];
  /** Clusters where the call broke after sending: the resync settles them. */
  readonly unknown_clusters?: string[];
  readonly rolled_back_clusters?: string[];
}

/** A deployment resolved against its package (Resolved's ok case). */
export type ResolvedDeployment = Extract<Resolved, { ok: true }>;

/**
 * True when a POST may dispatch the key again: it is DOWN, DELETED or UNKNOWN (sending
 * an unknown outcome again is safe: Deploy is idempotent). Anything else is a 409.
 */
export function replaceable(d: OClassDeployment): boolean {
  return d.condition === "DOWN" || d.condition === "DELETED" || d.condition === "UNKNOWN";
}

/** Throws PreconditionFailedError unless `stored` is at one of the `expected` generations. */
function checkGeneration(key: string, stored: OClassDeployment, expected: readonly number[]): void {
  const generation = stored.generation ?? 0;
  if (!expected.includes(generation)) {
    throw new PreconditionFailedError(
      `deployment "${key}" is at generation ${generation}, not ${expected.join(" or ")} (If-Match): it was changed since it was read; read it again and retry`,
    );
  }
}

/**
 * A cluster's mapping after a dispatch: DEPLOYED when it took the unit, or when it had
 * confirmed an earlier one and refused this one (it keeps running that); UNKNOWN when
 * the outcome is not known; FAILED when it refused and never confirmed one.
 */
function mappingState(error: CrmError | undefined, confirmed: boolean): ClusterMapping["state"] {
  if (!error) return "DEPLOYED";
  if (deployOutcome(error) === "unknown") return "UNKNOWN";
  return confirmed ? "DEPLOYED" : "FAILED";
}

/** How old (ms) the PM's settled state of a key may be when a status read answers. */
const statusFreshMs = 3_000;

export interface DeploymentPolicy {
  readonly rollbackOnPartial: boolean;
}

export class DeploymentService {
  constructor(
    private readonly storage: Storage,
    private readonly crm: CrmManager,
    private readonly policy: DeploymentPolicy,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.settler = new DeploymentSettler(storage, crm, logger, now);
  }

  private readonly settler: DeploymentSettler;

  /**
   * Plans and dispatches a decoded deployment. Throws ValidationError (400),
   * ConflictError (409: the key is taken by a deployment that is not DOWN/DELETED/UNKNOWN,
   * or by one of another package or class, whatever its condition),
   * PreconditionFailedError (412: If-Match names another generation),
   * UnavailableError (503, before anything is stored or sent: a target cluster gave no
   * health figures) or CrmError (502: a cluster refused it and none took it; partial
   * failure with rollback). An outcome that is not known resolves with condition UNKNOWN.
   */
  async create(
    input: OClassDeployment,
    ctx: CallContext,
    pkg?: OPackage,
    options: { readonly replace?: boolean; readonly ifMatch?: readonly number[] } = {},
  ): Promise<DeploymentResult> {
    const resolved = await this.check(input, pkg);
    const key = resolved.deployment.key;
    const existing = await this.storage.getDeployment(key);
    const { package_name: pkgName, class_key: classKey } = resolved.deployment;
    if (existing && (existing.package_name !== pkgName || existing.class_key !== classKey)) {
      // Keys join package and class with "-", so `col` + `a-b` and `col-a` + `b` both
      // derive "col-a-b": never let one class's deployment replace another's.
      throw new ConflictError(
        `deployment key "${key}" is held by package "${existing.package_name}" class "${existing.class_key}"; ` +
          `package "${pkgName}" class "${classKey}" ${input.key ? "names" : "derives"} the same key: ` +
          `give this deployment another key`,
      );
    }
    // Clusters that confirmed an earlier dispatch of this key: a redeploy that fails there
    // leaves them running the previous spec, so they stay DEPLOYED (see below).
    const confirmed = new Set(
      options.replace
        ? (await this.checkReplace(key, existing, resolved.deployment.target_clusters))
            .filter((m) => m.state === "DEPLOYED")
            .map((m) => m.cluster)
        : [],
    );
    if (!options.replace && existing && !replaceable(existing)) {
      throw new ConflictError(`deployment "${key}" already exists (condition ${existing.condition})`);
    }
    if (existing && options.ifMatch !== undefined) checkGeneration(key, existing, options.ifMatch);
    const log = withContext(this.logger, { deploymentId: key, correlationId: ctx.correlationId });

    const signals = await this.signals(resolved.deployment.target_clusters);
    let plan;
    try {
      // The unit's created_at is the deployment's, not this request's: a redeploy that
      // changes nothing must change nothing in the record's spec (no new generation).
      const createdMs = Date.parse(existing?.created_at ?? "") || this.now().getTime();
      plan = planUnits(resolved.deployment, resolved.cls, signals, createdMs);
    } catch (error) {
      if (error instanceof SizingError) throw new UnavailableError(`cannot size replicas: ${error.message}`);
      throw error;
    }
    const pending = await this.storePending(key, plan.deployment, options);
    log.info("dispatching deployment", {
      clusters: plan.units.map((u) => u.cluster),
      replicas: plan.sizing.replicas,
      achieved_availability: plan.sizing.achieved,
      generation: pending.generation,
    });

    const outcomes = await Promise.all(
      plan.units.map(async ({ cluster, unit }) => {
        try {
          await this.crm.deploy(cluster, toProtoUnit(unit), ctx);
          return { cluster, unitId: unit.id, error: undefined };
        } catch (error) {
          const crmError =
            error instanceof CrmError
              ? error
              : new CrmError(cluster, "unreachable", undefined, String(error));
          log.warn("deploy to cluster failed", {
            cluster,
            error: crmError.message,
            outcome: deployOutcome(crmError),
          });
          return { cluster, unitId: unit.id, error: crmError };
        }
      }),
    );
    // Refused: the cluster does not have this spec. Unknown: it may have (the call broke
    // after the request went out); never reported as failed, the resync settles it.
    const failed = outcomes.filter((o) => o.error && deployOutcome(o.error) === "refused");
    const unknown = outcomes.filter((o) => o.error && deployOutcome(o.error) === "unknown");
    const succeeded = outcomes.filter((o) => !o.error);
    let rolledBack: string[] = [];
    if (failed.length && succeeded.length && this.policy.rollbackOnPartial) {
      rolledBack = await this.rollback(succeeded, ctx, log);
    }
    const lastError = failed.map((f) => f.error?.message).join("; ");
    const kept = outcomes.filter((o) => !rolledBack.includes(o.cluster));
    // What each cluster holds, for status reads and delete: a failed redeploy on a cluster
    // that had confirmed the unit stays DEPLOYED (with the failure as its message), since
    // the cluster still runs the previous spec. Marked FAILED, its status was never read
    // again and a delete while that cluster was unreachable skipped it: the workload was
    // left running with nothing pointing at it. An unknown outcome is UNKNOWN wherever
    // it happened: the resync sends the new spec again.
    const mappings: ClusterMapping[] = kept.map((o) => ({
      cluster: o.cluster,
      unit_id: o.unitId,
      state: mappingState(o.error, confirmed.has(o.cluster)),
      ...(o.error
        ? {
            message:
              deployOutcome(o.error) === "unknown"
                ? `outcome unknown (the PM sends it again until the cluster answers): ${o.error.message}`
                : confirmed.has(o.cluster)
                  ? `redeploy failed, the previous spec keeps running: ${o.error.message}`
                  : o.error.message,
          }
        : {}),
      updated_at: this.now().toISOString(),
    }));
    const down = failed.length > 0 && (succeeded.length + unknown.length === 0 || rolledBack.length > 0);
    const condition = down ? "DOWN" : unknown.length > 0 ? "UNKNOWN" : "DEPLOYING";
    const stored = await this.storage.updateDeployment(key, (d) => {
      const next: OClassDeployment = { ...d };
      delete next.last_error;
      return {
        deployment: {
          ...next,
          condition,
          ...(failed.length ? { last_error: lastError } : {}),
          updated_at: this.now().toISOString(),
        },
        mappings,
      };
    });
    log.info("deployment dispatched", {
      condition: stored.condition,
      failed_clusters: failed.map((f) => f.cluster),
      unknown_clusters: unknown.map((f) => f.cluster),
      rolled_back_clusters: rolledBack,
    });
    if (down) {
      const rolled = rolledBack.length ? ` (rolled back on ${rolledBack.join(", ")})` : "";
      const message = `deployment "${key}" failed: ${lastError}${rolled}`;
      throw new CrmError(failed[0]?.cluster ?? "", "answered", failed[0]?.error?.code, message);
    }
    return {
      key,
      condition: stored.condition,
      replicas: plan.sizing.replicas,
      achieved_availability: plan.sizing.achieved,
      ...(stored.generation !== undefined ? { generation: stored.generation } : {}),
      // What this request did on each cluster.
      units: kept.map((o) => ({
        cluster: o.cluster,
        unit_id: o.unitId,
        state: o.error ? (deployOutcome(o.error) === "unknown" ? "UNKNOWN" : "FAILED") : "DEPLOYED",
        ...(o.error ? { message: o.error.message } : {}),
      })),
      ...(failed.length ? { failed_clusters: failed.map((f) => f.cluster) } : {}),
      ...(unknown.length ? { unknown_clusters: unknown.map((f) => f.cluster) } : {}),
    };
  }

  /**
   * Resolves a deployment against its package (`pkg`, or the stored one) and checks its
   * target clusters are configured: what a deploy would send, or ValidationError naming
   * the fields (prefixed with `prefix`, e.g. "deployments[0]." for one embedded in a
   * package). Stores nothing.
   */
  async check(input: OClassDeployment, pkg?: OPackage, prefix = ""): Promise<ResolvedDeployment> {
    const owner = pkg ?? (await this.storage.getPackage(input.package_name));
    const resolved = resolveDeployment(owner, input, this.crm.defaultCluster);
    const at = (errors: readonly FieldError[]) => errors.map((e) => ({ ...e, field: prefix + e.field }));
    if (!resolved.ok) throw new ValidationError(at(resolved.errors), "invalid deployment");
    const unknown = resolved.deployment.target_clusters
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => !this.crm.has(c))
      .map(({ c, i }) => ({
        field: `target_clusters[${i}]`,
        message: `unknown cluster "${c}" (configured: ${this.crm.names().join(", ") || "none"})`,
      }));
    if (unknown.length) throw new ValidationError(at(unknown), "invalid deployment");
    return resolved;
  }

  /**
   * Stores the planned deployment as PENDING before anything is sent: a new key is
   * created (409 when another request stored it meanwhile); an existing one is rewritten
   * in one compare-and-swap that keeps its mappings (a delete after a crash mid-dispatch
   * still reaches every cluster) and re-checks If-Match against what is stored then, so
   * of two concurrent updates naming one generation exactly one is written.
   */
  private async storePending(
    key: string,
    planned: OClassDeployment,
    options: { readonly replace?: boolean; readonly ifMatch?: readonly number[] },
  ): Promise<OClassDeployment> {
    const stamp = this.now().toISOString();
    const pending = (current?: OClassDeployment): OClassDeployment => {
      const next: OClassDeployment = {
        ...planned,
        condition: "PENDING",
        generation: (current?.generation ?? 0) + 1,
        created_at: current?.created_at ?? stamp,
        updated_at: stamp,
      };
      delete next.last_error;
      return next;
    };
    try {
      if (!(await this.storage.getDeployment(key))) {
        const first = pending();
        await this.storage.createDeployment(first, []);
        return first;
      }
      return await this.storage.updateDeployment(key, (current) => {
        if (options.ifMatch !== undefined) checkGeneration(key, current, options.ifMatch);
        if (!options.replace && !replaceable(current))
          throw new ConflictError(`deployment "${key}" already exists (condition ${current.condition})`);
        return { deployment: pending(current) };
      });
    } catch (error) {
      // Only a key another request stored (or deleted) meanwhile is a conflict; a store
      // that failed (etcd unreachable: 503 at the boundary) must not tell the client it exists.
      if (error instanceof StorageConflictError)
        throw new ConflictError(`deployment "${key}" already exists`, { cause: error });
      if (error instanceof StorageNotFoundError)
        throw new ConflictError(`deployment "${key}" was deleted meanwhile`, { cause: error });
      throw error;
    }
  }

  /**
   * Redeploys an existing deployment from `input` (resolved against the package as it is
   * now, e.g. with a new image): the same units go to the same clusters again, and each
   * CRM applies the difference (a rollout). Throws NotFoundError for an unknown key,
   * ValidationError when the target clusters differ from where it runs (delete the
   * deployment and deploy it anew to move it). Caveat: a cluster that fails the redeploy
   * keeps running the previous spec and is reported FAILED.
   */
  replace(input: OClassDeployment, ctx: CallContext, ifMatch?: readonly number[]): Promise<DeploymentResult> {
    return this.create(input, ctx, undefined, {
      replace: true,
      ...(ifMatch !== undefined ? { ifMatch } : {}),
    });
  }

  /** Throws NotFoundError or ValidationError (see replace()); resolves with the key's current mappings. */
  private async checkReplace(
    key: string,
    existing: OClassDeployment | undefined,
    clusters: readonly string[],
  ): Promise<ClusterMapping[]> {
    if (!existing) throw new NotFoundError(`deployment "${key}" does not exist`);
    const mappings = await this.storage.getMappings(key);
    const running = mappings.map((m) => m.cluster).sort();
    const wanted = [...clusters].sort();
    if (running.length > 0 && running.join(",") !== wanted.join(",")) {
      throw new ValidationError([
        {
          field: "target_clusters",
          message: `a redeploy goes to the clusters the deployment runs on (${running.join(", ")}), not ${wanted.join(", ")}; delete it and deploy it anew to move it`,
        },
      ]);
    }
    return mappings;
  }

  /** Deletes the units that did go out; returns the clusters where that worked. */
  private async rollback(
    succeeded: readonly { cluster: string; unitId: string }[],
    ctx: CallContext,
    log: Logger,
  ): Promise<string[]> {
    const done: string[] = [];
    await Promise.all(
      succeeded.map(async ({ cluster, unitId: id }) => {
        try {
          await this.crm.delete(cluster, id, ctx);
          done.push(cluster);
          log.info("rolled back partial deployment", { cluster, unit_id: id });
        } catch (error) {
          log.error("rollback failed; the unit stays on the cluster", {
            cluster,
            unit_id: id,
            error: (error as Error).message,
          });
        }
      }),
    );
    return done;
  }

  /** Health figures for sizing; a target without figures is a 503 naming it. */
  private async signals(clusters: readonly string[]): Promise<ClusterSignal[]> {
    const healths = await Promise.all(clusters.map((c) => this.crm.health(c)));
    return healths.map((h) => {
      if (!h.reachable)
        throw new UnavailableError(`cluster "${h.cluster}" is unreachable: ${h.error ?? h.status}`);
      return {
        cluster: h.cluster,
        ...(h.availability !== undefined ? { availability: h.availability } : {}),
        ...(h.node_count !== undefined ? { nodeCount: h.node_count } : {}),
        ...(h.ready_nodes !== undefined ? { readyNodes: h.ready_nodes } : {}),
      };
    });
  }

  list(filter: DeploymentFilter): Promise<OClassDeployment[]> {
    return this.storage.listDeployments(filter);
  }

  /**
   * Where the deployment went, after settling it (DeploymentSettler.settle), so these
   * states and get()'s agree. Throws NotFoundError.
   */
  async mappings(key: string, ctx: CallContext): Promise<ClusterMapping[]> {
    await this.settler.settle(key, ctx);
    return this.storage.getMappings(key);
  }

  /**
   * The stored deployment with each cluster's live status, its condition and mappings
   * settled from what the clusters report first (DeploymentSettler.settle: the one place
   * a deployment's condition is computed). Throws NotFoundError.
   */
  get(key: string, ctx: CallContext): Promise<SettledDeployment> {
    return this.settler.settle(key, ctx);
  }

  /** The resync: see DeploymentSettler.settleAll. */
  refreshConditions(ctx: CallContext): Promise<number> {
    return this.settler.settleAll(ctx);
  }

  /**
   * Deletes the deployment on every cluster it was sent to (or only `cluster`), then the
   * record when no cluster is left. A CRM answering NOT_FOUND counts as deleted.
   * Throws NotFoundError, ValidationError (unknown cluster), or the first CrmError (the
   * record is kept with the clusters that still have it).
   */
  async delete(
    key: string,
    ctx: CallContext,
    onlyCluster?: string,
  ): Promise<{ key: string; deleted_clusters: string[]; record_deleted: boolean }> {
    const deployment = await this.storage.getDeployment(key);
    if (!deployment) throw new NotFoundError(`deployment "${key}" does not exist`);
    const mappings = await this.storage.getMappings(key);
    if (onlyCluster !== undefined && !this.crm.has(onlyCluster)) {
      throw new ValidationError([{ field: "cluster", message: `unknown cluster "${onlyCluster}"` }]);
    }
    // Every cluster the deployment was meant for, not only those with a DEPLOYED mapping:
    // a deploy cut short (the PM killed or its store failing after the CRM applied, a
    // call that timed out on our side) can leave a record on a cluster with no mapping
    // or a FAILED one. Each cluster is asked to delete; NOT_FOUND counts as deleted.
    // Where the deploy was confirmed (DEPLOYED) or may have been (UNKNOWN), only the cluster's answer counts as
    // deleted. Where it never was, asking is best effort: an unreachable cluster there
    // is logged and does not hold the delete up (it most likely never got the unit, and a
    // cluster that is gone for good must not make the deployment undeletable).
    const targets: { cluster: string; unit_id: string; state?: ClusterMapping["state"] }[] = [
      ...mappings,
      ...deployment.target_clusters
        .filter((cluster) => !mappings.some((m) => m.cluster === cluster) && this.crm.has(cluster))
        .map((cluster) => ({ cluster, unit_id: unitId(key, cluster) })),
    ].filter((m) => onlyCluster === undefined || m.cluster === onlyCluster);
    const log = withContext(this.logger, { deploymentId: key, correlationId: ctx.correlationId });
    const deleted: string[] = [];
    const errors: CrmError[] = [];
    await Promise.all(
      targets.map(async (m) => {
        try {
          await this.crm.delete(m.cluster, m.unit_id, ctx);
          deleted.push(m.cluster);
        } catch (error) {
          const crmError =
            error instanceof CrmError
              ? error
              : new CrmError(m.cluster, "unreachable", undefined, String(error));
          if (crmError.kind === "answered" && crmError.code === Code.NotFound) {
            deleted.push(m.cluster);
          } else if ((m.state === undefined || m.state === "FAILED") && crmError.kind !== "answered") {
            log.warn("delete on a cluster that never confirmed the deploy could not be asked", {
              cluster: m.cluster,
              error: crmError.message,
            });
            deleted.push(m.cluster);
          } else errors.push(crmError);
        }
      }),
    );
    const remaining = mappings.filter((m) => !deleted.includes(m.cluster));
    let recordDeleted = false;
    if (remaining.length === 0 && (onlyCluster === undefined || errors.length === 0)) {
      recordDeleted = await this.storage.deleteDeployment(key);
      this.settler.forget(key);
    } else {
      await this.storage.updateDeployment(key, (d) => ({
        deployment: {
          ...d,
          ...(errors.length ? { last_error: errors.map((e) => e.message).join("; ") } : {}),
          updated_at: this.now().toISOString(),
        },
        mappings: remaining,
      }));
    }
    log.info("deployment deleted", { deleted_clusters: deleted, record_deleted: recordDeleted });
    if (errors.length) {
      const first = errors[0];
      if (first) throw first;
    }
    return { key, deleted_clusters: deleted.sort(), record_deleted: recordDeleted };
  }

  /**
   * The CRM-kept history of a logical key (each cluster it went to) or a unit id (every
   * configured cluster, or `cluster`). A cluster that cannot be asked is reported with
   * its error, not fatal. Throws NotFoundError when no cluster has any history for it
   * and the key is not a deployment the PM knows; ValidationError for an unknown cluster.
   */
  async history(id: string, ctx: CallContext, cluster?: string): Promise<DeploymentHistory> {
    if (cluster !== undefined && !this.crm.has(cluster))
      throw new ValidationError([{ field: "cluster", message: `unknown cluster "${cluster}"` }]);
    const known = (await this.storage.getDeployment(id)) !== undefined;
    const mappings = known ? await this.storage.getMappings(id) : [];
    const targets = known
      ? mappings.map((m) => ({ cluster: m.cluster, unit: m.unit_id }))
      : this.crm.names().map((name) => ({ cluster: name, unit: id }));
    const asked = targets.filter((t) => cluster === undefined || t.cluster === cluster);
    const clusters = await Promise.all(
      asked.map(async ({ cluster: name, unit }): Promise<ClusterHistory> => {
        try {
          const found = await this.crm.history(name, unit, ctx);
          return { cluster: name, deployment_id: unit, entries: found?.entries ?? [] };
        } catch (error) {
          return { cluster: name, deployment_id: unit, entries: [], error: (error as Error).message };
        }
      }),
    );
    const found = clusters.filter((c) => c.entries.length > 0 || c.error !== undefined);
    if (!known && found.length === 0) {
      throw new NotFoundError(
        `no history for deployment "${id}": not a deployment of the PM and unknown to ${
          cluster === undefined ? "every cluster" : `cluster "${cluster}"`
        }`,
      );
    }
    return { id, clusters: known ? clusters : found };
  }

  /**
   * Status of a unit id (or logical key) on one cluster (default: where it was sent, else
   * the default cluster): GetDeploymentStatus's answer, plus the record's conditions and
   * functions from the CRM's status route, asked in parallel within the same deadline.
   * The detail never fails the request: when it cannot be had (a CRM older than the
   * route, no answer in time, the CRM's API server down) the answer is the gRPC part with
   * `detail_unavailable` saying why. Throws ValidationError, or the gRPC call's CrmError.
   */
  async status(id: string, ctx: CallContext, cluster?: string): Promise<DeploymentStatusAnswer> {
    // A status read also settles the PM's stored state when it is older than a few
    // seconds, so the `status` and `get` of one key tell the same story.
    await this.settler.settleIfStale(id, ctx, statusFreshMs);
    let target = cluster;
    let unit = id;
    if (target === undefined) {
      const mappings = await this.storage.getMappings(id);
      const first = mappings[0];
      if (first) {
        target = first.cluster;
        unit = first.unit_id;
      } else target = this.crm.defaultCluster;
    } else {
      const mapping = (await this.storage.getMappings(id)).find((m) => m.cluster === target);
      if (mapping) unit = mapping.unit_id;
    }
    if (target === undefined)
      throw new ValidationError([{ field: "cluster", message: "is required (no default cluster)" }]);
    if (!this.crm.has(target))
      throw new ValidationError([{ field: "cluster", message: `unknown cluster "${target}"` }]);
    const stop = new AbortController();
    // Settles to a value either way, so nothing is left unobserved when the gRPC call fails.
    const detail = this.crm.statusDetail(target, unit, ctx, stop.signal).then(
      (found): StatusDetailPart => ({ conditions: found.conditions, functions: found.functions }),
      (error: unknown): StatusDetailPart => ({ detail_unavailable: (error as Error).message }),
    );
    let res: Awaited<ReturnType<CrmManager["status"]>>;
    try {
      res = await this.crm.status(target, unit, ctx);
    } catch (error) {
      stop.abort(); // the answer is the error: the detail is not needed any more
      throw error;
    }
    const part = await detail;
    if (part.detail_unavailable !== undefined) {
      withContext(this.logger, { deploymentId: unit, correlationId: ctx.correlationId }).debug(
        "status detail unavailable",
        { cluster: target, reason: part.detail_unavailable },
      );
    }
    return {
      cluster: target,
      deployment_id: unit,
      status: /^[A-Z_]+/.exec(res.message ?? "")?.[0] ?? "SUMMARY_UNKNOWN",
      ...(res.message !== undefined ? { message: res.message } : {}),
      ...(res.deployment ? { deployment: unitJson(res.deployment) } : {}),
      status_resource_refs: res.statusResourceRefs.map((r) => ({
        kind: r.kind,
        name: r.name,
        ...(r.namespace !== undefined ? { namespace: r.namespace } : {}),
        ...(r.uid !== undefined ? { uid: r.uid } : {}),
      })),
      ...part,
    };
  }
}

/** The record detail part of a status answer: both lists, or why there are none. */
type StatusDetailPart =
  | {
      readonly conditions: readonly ConditionDetail[];
      readonly functions: readonly FunctionDetail[];
      readonly detail_unavailable?: undefined;
    }
  | { readonly detail_unavailable: string };

/** GET /deployment-status/{id}: one cluster's status (schema: api/schemas.ts deploymentStatus). */
export interface DeploymentStatusAnswer {
  readonly cluster: string;
  readonly deployment_id: string;
  /** The SummarizedStatus name GetDeploymentStatus's message starts with. */
  readonly status: string;
  readonly message?: string;
  /** The DeploymentUnit as the CRM stored it. */
  readonly deployment?: unknown;
  readonly status_resource_refs: readonly { kind: string; name: string; namespace?: string; uid?: string }[];
  /** The record's conditions (absent when detail_unavailable). */
  readonly conditions?: readonly ConditionDetail[];
  /** Each function's readiness and URL (absent when detail_unavailable). */
  readonly functions?: readonly FunctionDetail[];
  /** Why conditions and functions are missing. */
  readonly detail_unavailable?: string;
}

/** One cluster's part of a history answer; `error` when that CRM could not be asked. */
export interface ClusterHistory {
  readonly cluster: string;
  readonly deployment_id: string;
  /** Oldest first (@oaas/queue HistoryEntry as the CRM sent it). */
  readonly entries: readonly Record<string, unknown>[];
  readonly error?: string;
}

/** GET /deployments/{id}/history. */
export interface DeploymentHistory {
  readonly id: string;
  readonly clusters: readonly ClusterHistory[];
}
