// The class deployment flow: resolve and plan (packages/models), dispatch one unit per
// target cluster to its CRM, record where it went, roll back on partial failure when
// configured, and read status back. The stored condition follows what happened:
// PENDING -> DEPLOYING after dispatch; DOWN with last_error when dispatch failed; after
// that, what the clusters report decides (conditionFromClusters in @oaas/models), on
// every status read and on a periodic refresh.
import {
  conditionFromClusters,
  planUnits,
  resolveDeployment,
  SizingError,
  type ClusterObservation,
  type ClusterSignal,
  type OClassDeployment,
  type OPackage,
  unitId,
} from "@oaas/models";
import { Code } from "@connectrpc/connect";
import type { Logger } from "@oaas/telemetry";
import { withContext } from "@oaas/telemetry";
import { toProtoUnit, unitJson } from "../crm/convert.ts";
import { CrmError } from "../crm/errors.ts";
import type { CallContext, CrmManager } from "../crm/manager.ts";
import type { ConditionDetail, FunctionDetail } from "../crm/status-detail-client.ts";
import {
  StorageConflictError,
  StorageNotFoundError,
  type ClusterMapping,
  type DeploymentFilter,
  type Storage,
} from "../storage/index.ts";
import { ConflictError, NotFoundError, UnavailableError, ValidationError } from "./errors.ts";

export interface DeploymentResult {
  readonly key: string;
  readonly condition: OClassDeployment["condition"];
  readonly replicas: number;
  readonly achieved_availability: number;
  readonly units: { cluster: string; unit_id: string; state: ClusterMapping["state"]; message?: string }[];
  readonly failed_clusters?: string[];
  readonly rolled_back_clusters?: string[];
}

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
  ) {}

  /**
   * Plans and dispatches a decoded deployment. Throws ValidationError (400),
   * ConflictError (409: the key is taken by a deployment that is not DOWN/DELETED, or
   * by one of another package or class, whatever its condition),
   * UnavailableError (503: a target cluster gave no health figures, or every target was
   * unreachable) or CrmError (502: every cluster answered with an error; partial
   * failure with rollback).
   */
  async create(
    input: OClassDeployment,
    ctx: CallContext,
    pkg?: OPackage,
    options: { readonly replace?: boolean } = {},
  ): Promise<DeploymentResult> {
    const owner = pkg ?? (await this.storage.getPackage(input.package_name));
    const resolved = resolveDeployment(owner, input, this.crm.defaultCluster);
    if (!resolved.ok) throw new ValidationError(resolved.errors, "invalid deployment");
    const unknown = resolved.deployment.target_clusters
      .map((c, i) => ({ c, i }))
      .filter(({ c }) => !this.crm.has(c))
      .map(({ c, i }) => ({
        field: `target_clusters[${i}]`,
        message: `unknown cluster "${c}" (configured: ${this.crm.names().join(", ") || "none"})`,
      }));
    if (unknown.length) throw new ValidationError(unknown, "invalid deployment");
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
    if (!options.replace && existing && existing.condition !== "DOWN" && existing.condition !== "DELETED") {
      throw new ConflictError(`deployment "${key}" already exists (condition ${existing.condition})`);
    }
    const log = withContext(this.logger, { deploymentId: key, correlationId: ctx.correlationId });

    const signals = await this.signals(resolved.deployment.target_clusters);
    let plan;
    try {
      plan = planUnits(resolved.deployment, resolved.cls, signals, this.now().getTime());
    } catch (error) {
      if (error instanceof SizingError) throw new UnavailableError(`cannot size replicas: ${error.message}`);
      throw error;
    }
    const stamp = this.now().toISOString();
    const pending: OClassDeployment = {
      ...plan.deployment,
      condition: "PENDING",
      created_at: existing?.created_at ?? stamp,
      updated_at: stamp,
    };
    delete pending.last_error;
    if (existing) await this.storage.deleteDeployment(key);
    try {
      await this.storage.createDeployment(pending, []);
    } catch (error) {
      // Only a key another request stored meanwhile is a conflict; a store that failed
      // (etcd unreachable: 503 at the boundary) must not tell the client it exists.
      if (error instanceof StorageConflictError)
        throw new ConflictError(`deployment "${key}" already exists`, { cause: error });
      throw error;
    }
    log.info("dispatching deployment", {
      clusters: plan.units.map((u) => u.cluster),
      replicas: plan.sizing.replicas,
      achieved_availability: plan.sizing.achieved,
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
          log.warn("deploy to cluster failed", { cluster, error: crmError.message });
          return { cluster, unitId: unit.id, error: crmError };
        }
      }),
    );
    const failed = outcomes.filter((o) => o.error);
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
    // left running with nothing pointing at it.
    const mappings: ClusterMapping[] = kept.map((o) => ({
      cluster: o.cluster,
      unit_id: o.unitId,
      state: o.error && !confirmed.has(o.cluster) ? "FAILED" : "DEPLOYED",
      ...(o.error
        ? {
            message: confirmed.has(o.cluster)
              ? `redeploy failed, the previous spec keeps running: ${o.error.message}`
              : o.error.message,
          }
        : {}),
      updated_at: this.now().toISOString(),
    }));
    const down = failed.length > 0 && (succeeded.length === 0 || rolledBack.length > 0);
    const stored = await this.storage.updateDeployment(key, (d) => ({
      deployment: {
        ...d,
        condition: down ? "DOWN" : "DEPLOYING",
        ...(failed.length ? { last_error: lastError } : {}),
        updated_at: this.now().toISOString(),
      },
      mappings,
    }));
    log.info("deployment dispatched", {
      condition: stored.condition,
      failed_clusters: failed.map((f) => f.cluster),
      rolled_back_clusters: rolledBack,
    });
    if (down) {
      const rolled = rolledBack.length ? ` (rolled back on ${rolledBack.join(", ")})` : "";
      const allUnreachable = failed.every((f) => f.error?.kind !== "answered");
      const message = `deployment "${key}" failed: ${lastError}${rolled}`;
      if (allUnreachable) throw new UnavailableError(message);
      throw new CrmError(failed[0]?.cluster ?? "", "answered", failed[0]?.error?.code, message);
    }
    return {
      key,
      condition: stored.condition,
      replicas: plan.sizing.replicas,
      achieved_availability: plan.sizing.achieved,
      // What this request did on each cluster.
      units: kept.map((o) => ({
        cluster: o.cluster,
        unit_id: o.unitId,
        state: o.error ? "FAILED" : "DEPLOYED",
        ...(o.error ? { message: o.error.message } : {}),
      })),
      ...(failed.length ? { failed_clusters: failed.map((f) => f.cluster) } : {}),
    };
  }

  /**
   * Redeploys an existing deployment from `input` (resolved against the package as it is
   * now, e.g. with a new image): the same units go to the same clusters again, and each
   * CRM applies the difference (a rollout). Throws NotFoundError for an unknown key,
   * ValidationError when the target clusters differ from where it runs (delete the
   * deployment and deploy it anew to move it). Caveat: a cluster that fails the redeploy
   * keeps running the previous spec and is reported FAILED.
   */
  replace(input: OClassDeployment, ctx: CallContext): Promise<DeploymentResult> {
    return this.create(input, ctx, undefined, { replace: true });
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

  async mappings(key: string): Promise<ClusterMapping[]> {
    if (!(await this.storage.getDeployment(key)))
      throw new NotFoundError(`deployment "${key}" does not exist`);
    return this.storage.getMappings(key);
  }

  /**
   * The stored deployment with each cluster's live status; the stored condition is
   * brought up to date by conditionFromClusters (@oaas/models): RUNNING once every
   * cluster is, DOWN with last_error when a cluster failed terminally or lost the record,
   * DEPLOYING while any is progressing. Unreachable clusters are reported, not fatal, and
   * change nothing. Throws NotFoundError.
   */
  async get(key: string, ctx: CallContext): Promise<{ deployment: OClassDeployment; clusters: unknown[] }> {
    const deployment = await this.storage.getDeployment(key);
    if (!deployment) throw new NotFoundError(`deployment "${key}" does not exist`);
    const mappings = await this.storage.getMappings(key);
    const observed = await Promise.all(mappings.map((m) => this.observe(m, ctx)));
    const clusters = observed.map((o) => o.view);
    const verdict = conditionFromClusters(
      deployment.condition,
      new Map(observed.map((o) => [o.view.cluster, o.observation])),
    );
    const changed =
      verdict.condition !== deployment.condition ||
      (verdict.lastError !== undefined && verdict.lastError !== deployment.last_error);
    if (!changed) return { deployment, clusters };
    const updated = await this.storage.updateDeployment(key, (d) => {
      // Another writer may have moved it meanwhile (deleted, redeployed): only a
      // deployment still in the condition we judged from is changed.
      if (d.condition !== deployment.condition) return { deployment: d };
      const next: OClassDeployment = { ...d };
      delete next.last_error;
      return {
        deployment: {
          ...next,
          condition: verdict.condition,
          ...(verdict.lastError !== undefined ? { last_error: verdict.lastError } : {}),
          updated_at: this.now().toISOString(),
        },
      };
    });
    if (updated.condition !== deployment.condition) {
      withContext(this.logger, { deploymentId: key, correlationId: ctx.correlationId }).info(
        "deployment condition changed",
        {
          from: deployment.condition,
          to: updated.condition,
          ...(verdict.lastError ? { reason: verdict.lastError } : {}),
        },
      );
    }
    return { deployment: updated, clusters };
  }

  /**
   * Re-reads every dispatched deployment (DEPLOYING, RUNNING, DOWN) from its clusters so
   * the stored condition follows them without anyone asking; the PM runs it every
   * OPRC_PM_STATUS_REFRESH_SECS. One deployment's failure is logged and skipped.
   * Resolves with the number of deployments read.
   */
  async refreshConditions(ctx: CallContext): Promise<number> {
    let read = 0;
    await this.failInterruptedDispatches(ctx);
    for (const condition of ["DEPLOYING", "RUNNING", "DOWN"] as const) {
      const page = await this.storage.listDeployments({ condition });
      for (const d of page) {
        try {
          await this.get(d.key, ctx);
          read++;
        } catch (error) {
          if (error instanceof NotFoundError) continue; // deleted meanwhile
          withContext(this.logger, { deploymentId: d.key, correlationId: ctx.correlationId }).warn(
            "condition refresh failed",
            { error: (error as Error).message },
          );
        }
      }
    }
    return read;
  }

  /**
   * A deployment PENDING for longer than any dispatch can take (CrmManager.dispatchBoundMs)
   * was interrupted: the PM stopped, or its store failed, between storing it and recording
   * the clusters' answers. It becomes DOWN with a last_error saying so, which lets the user
   * POST it again or delete it (delete asks every target cluster, so nothing is left).
   * Only while it is still PENDING with the same updated_at: a live dispatch is untouched.
   */
  private async failInterruptedDispatches(ctx: CallContext): Promise<void> {
    const cutoff = this.now().getTime() - this.crm.dispatchBoundMs();
    for (const d of await this.storage.listDeployments({ condition: "PENDING" })) {
      if (Date.parse(d.updated_at ?? "") > cutoff) continue;
      const outcome = { marked: false }; // set inside the CAS callback
      try {
        await this.storage.updateDeployment(d.key, (current) => {
          // The dispatch moved on meanwhile: rewritten as it is.
          if (current.condition !== "PENDING" || current.updated_at !== d.updated_at)
            return { deployment: current };
          outcome.marked = true;
          return {
            deployment: {
              ...current,
              condition: "DOWN",
              last_error:
                "the dispatch to the clusters did not finish (the PM stopped or its store failed while deploying); " +
                "POST the deployment again, or delete it",
              updated_at: this.now().toISOString(),
            },
          };
        });
        if (outcome.marked)
          withContext(this.logger, { deploymentId: d.key, correlationId: ctx.correlationId }).warn(
            "interrupted dispatch: PENDING deployment marked DOWN",
            { pending_since: d.updated_at },
          );
      } catch (error) {
        if (!(error instanceof StorageNotFoundError)) throw error; // deleted meanwhile
      }
    }
  }

  /** One cluster's answer for a mapping: the view the API returns and the rule's input. */
  private async observe(
    m: ClusterMapping,
    ctx: CallContext,
  ): Promise<{ view: { cluster: string } & Record<string, unknown>; observation: ClusterObservation }> {
    if (m.state !== "DEPLOYED") {
      return {
        view: { ...m, status: "NOT_DEPLOYED" },
        observation: { kind: "NOT_DEPLOYED", ...(m.message ? { message: m.message } : {}) },
      };
    }
    try {
      const res = await this.crm.status(m.cluster, m.unit_id, ctx);
      const summary = /^[A-Z_]+/.exec(res.message ?? "")?.[0] ?? "SUMMARY_UNKNOWN";
      return {
        view: {
          ...m,
          status: summary,
          message: res.message,
          resource_refs: res.statusResourceRefs.map((r) => ({
            kind: r.kind,
            name: r.name,
            namespace: r.namespace,
          })),
        },
        observation: { kind: "summary", summary, message: res.message },
      };
    } catch (error) {
      const message = (error as Error).message;
      if (error instanceof CrmError && error.kind === "answered" && error.code === Code.NotFound) {
        return { view: { ...m, status: "NOT_FOUND", error: message }, observation: { kind: "NOT_FOUND" } };
      }
      return {
        view: { ...m, status: "UNKNOWN", error: message },
        observation: { kind: "UNREACHABLE", error: message },
      };
    }
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
    // Where the deploy was confirmed (DEPLOYED), only the cluster's answer counts as
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
          } else if (m.state !== "DEPLOYED" && crmError.kind !== "answered") {
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
