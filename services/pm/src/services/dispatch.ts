// Dispatching a class deployment: gather (the stored deployment, its mappings, the
// target clusters' health), decide (@oaas/models: admitDispatch, planUnits,
// pendingDeployment), act (store it PENDING, send one unit per target cluster), then
// decide again on the answers (rollbackTargets, dispatchVerdict) and act (roll back,
// store the condition and mappings). The stored condition follows what happened:
// PENDING -> DEPLOYING after dispatch; DOWN with last_error when a cluster refused it;
// UNKNOWN when a call broke after sending (it may have been applied); after that, what
// the clusters report decides (settle.ts), on every read and on the resync.
import {
  admitDispatch,
  dispatchedDeployment,
  dispatchVerdict,
  pendingDeployment,
  pendingRefusal,
  planUnits,
  resolveDeployment,
  rollbackTargets,
  sizingSignals,
  SizingError,
  unitCreatedAtMs,
  unknownClusterErrors,
  type ClusterDeployAnswer,
  type DispatchedUnit,
  type DispatchOptions,
  type FieldError,
  type OClassDeployment,
  type OPackage,
  type PlannedUnit,
  type Plan,
  type Resolved,
  type RollbackPolicy,
} from "@oaas/models";
import type { Logger } from "@oaas/telemetry";
import { toProtoUnit } from "../crm/convert.ts";
import { CrmError } from "../crm/errors.ts";
import type { CallContext } from "../crm/manager.ts";
import { StorageConflictError, StorageNotFoundError } from "../storage/index.ts";
import { asCrmError, deployAnswer } from "./crm-answers.ts";
import { keyLog, type ActorDeps } from "./deps.ts";
import { ConflictError, decided, refusalError, UnavailableError, ValidationError } from "./errors.ts";

export interface DeploymentResult {
  readonly key: string;
  readonly condition: OClassDeployment["condition"];
  readonly replicas: number;
  readonly achieved_availability: number;
  /** The stored generation after this write (what If-Match names). */
  readonly generation?: number;
  readonly units: DispatchedUnit[];
  readonly failed_clusters?: string[];
  /** Clusters where the call broke after sending: the resync settles them. */
  readonly unknown_clusters?: string[];
  readonly rolled_back_clusters?: string[];
}

/** A deployment resolved against its package (Resolved's ok case). */
export type ResolvedDeployment = Extract<Resolved, { ok: true }>;

export class Dispatcher {
  constructor(
    private readonly deps: ActorDeps,
    private readonly policy: RollbackPolicy,
  ) {}

  /**
   * Resolves a deployment against its package (`pkg`, or the stored one) and checks its
   * target clusters are configured: what a deploy would send, or ValidationError naming
   * the fields (prefixed with `prefix`, e.g. "deployments[0]." for one embedded in a
   * package). Stores nothing.
   */
  async check(input: OClassDeployment, pkg?: OPackage, prefix = ""): Promise<ResolvedDeployment> {
    const owner = pkg ?? (await this.deps.storage.getPackage(input.package_name));
    const resolved = resolveDeployment(owner, input, this.deps.crm.defaultCluster);
    const at = (errors: readonly FieldError[]) => errors.map((e) => ({ ...e, field: prefix + e.field }));
    if (!resolved.ok) throw new ValidationError(at(resolved.errors), "invalid deployment");
    const unknown = unknownClusterErrors(resolved.deployment.target_clusters, this.deps.crm.names());
    if (unknown.length) throw new ValidationError(at(unknown), "invalid deployment");
    return resolved;
  }

  /**
   * Plans and dispatches a decoded deployment (a create, or with `replace` a redeploy to
   * the clusters it runs on). Throws ValidationError (400), NotFoundError (404: replace
   * of an unknown key), ConflictError (409: the key is taken by a deployment that is not
   * DOWN/DELETED/UNKNOWN, or by one of another package or class, whatever its condition),
   * PreconditionFailedError (412: If-Match names another generation), UnavailableError
   * (503, before anything is stored or sent: a target cluster gave no health figures) or
   * CrmError (502: a cluster refused it and none took it; partial failure with
   * rollback). An outcome that is not known resolves with condition UNKNOWN.
   */
  async dispatch(
    input: OClassDeployment,
    ctx: CallContext,
    pkg?: OPackage,
    options: DispatchOptions = {},
  ): Promise<DeploymentResult> {
    const { storage, crm } = this.deps;
    const resolved = await this.check(input, pkg);
    const key = resolved.deployment.key;
    const existing = await storage.getDeployment(key);
    const mappings = options.replace && existing ? await storage.getMappings(key) : [];
    const { confirmed } = decided(
      admitDispatch({
        resolved: resolved.deployment,
        keyNamed: Boolean(input.key),
        existing,
        mappings,
        options,
      }),
    );
    const log = keyLog(this.deps, key, ctx);
    const healths = await Promise.all(resolved.deployment.target_clusters.map((c) => crm.health(c)));
    const signals = decided(sizingSignals(healths));
    let plan: Plan;
    try {
      const createdMs = unitCreatedAtMs(existing, this.deps.now().getTime());
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

    const { answers, errors } = await this.send(plan.units, ctx, log);
    const rolledBack = await this.rollback(rollbackTargets(answers, this.policy), ctx, log);
    const verdict = dispatchVerdict({
      key,
      answers,
      confirmed,
      rolledBack,
      stamp: this.deps.now().toISOString(),
    });
    const stored = await storage.updateDeployment(key, (d) => ({
      deployment: dispatchedDeployment(d, verdict, this.deps.now().toISOString()),
      mappings: verdict.mappings,
    }));
    log.info("deployment dispatched", {
      condition: stored.condition,
      failed_clusters: verdict.failedClusters,
      unknown_clusters: verdict.unknownClusters,
      rolled_back_clusters: rolledBack,
    });
    if (verdict.failure) {
      const { cluster, message } = verdict.failure;
      throw new CrmError(cluster, "answered", errors.get(cluster)?.code, message);
    }
    return {
      key,
      condition: stored.condition,
      replicas: plan.sizing.replicas,
      achieved_availability: plan.sizing.achieved,
      ...(stored.generation !== undefined ? { generation: stored.generation } : {}),
      units: verdict.units,
      ...(verdict.failedClusters.length ? { failed_clusters: verdict.failedClusters } : {}),
      ...(verdict.unknownClusters.length ? { unknown_clusters: verdict.unknownClusters } : {}),
    };
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
    options: DispatchOptions,
  ): Promise<OClassDeployment> {
    const { storage } = this.deps;
    const stamp = this.deps.now().toISOString();
    try {
      if (!(await storage.getDeployment(key))) {
        const first = pendingDeployment(planned, undefined, stamp);
        await storage.createDeployment(first, []);
        return first;
      }
      return await storage.updateDeployment(key, (current) => {
        const refusal = pendingRefusal(key, current, options);
        if (refusal) throw refusalError(refusal);
        return { deployment: pendingDeployment(planned, current, stamp) };
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

  /** Sends every unit at once; each cluster's answer, and the errors by cluster. */
  private async send(
    units: readonly PlannedUnit[],
    ctx: CallContext,
    log: Logger,
  ): Promise<{ answers: ClusterDeployAnswer[]; errors: Map<string, CrmError> }> {
    const errors = new Map<string, CrmError>();
    const answers = await Promise.all(
      units.map(async ({ cluster, unit }): Promise<ClusterDeployAnswer> => {
        try {
          await this.deps.crm.deploy(cluster, toProtoUnit(unit), ctx);
          return { cluster, unit_id: unit.id, answer: "accepted" };
        } catch (error) {
          const crmError = asCrmError(cluster, error);
          const answer = deployAnswer(crmError);
          errors.set(cluster, crmError);
          log.warn("deploy to cluster failed", { cluster, error: crmError.message, outcome: answer });
          return { cluster, unit_id: unit.id, answer, error: crmError.message };
        }
      }),
    );
    return { answers, errors };
  }

  /** Deletes the units that did go out; resolves with the clusters where that worked, in dispatch order. */
  private async rollback(
    targets: readonly ClusterDeployAnswer[],
    ctx: CallContext,
    log: Logger,
  ): Promise<string[]> {
    const done = await Promise.all(
      targets.map(async ({ cluster, unit_id: id }) => {
        try {
          await this.deps.crm.delete(cluster, id, ctx);
          log.info("rolled back partial deployment", { cluster, unit_id: id });
          return [cluster];
        } catch (error) {
          log.error("rollback failed; the unit stays on the cluster", {
            cluster,
            unit_id: id,
            error: (error as Error).message,
          });
          return [];
        }
      }),
    );
    return done.flat();
  }
}
