// The class deployment service the REST routes and the package service call: one method
// per use case, each handed to the actor of its job — dispatch.ts (create, redeploy,
// rollback), delete.ts (delete fan-out), settle.ts (get, mappings), condition-refresh.ts
// (the resync, with interrupted-sweep.ts), reads.ts (history, status). Each actor
// gathers (store, CRMs), calls a pure decision of @oaas/models, and acts.
import type { OClassDeployment, OPackage, RollbackPolicy } from "@oaas/models";
import type { DeploymentNfr } from "@oaas/pm-api";
import type { Logger } from "@oaas/telemetry";
import type { CallContext, CrmManager } from "../crm/manager.ts";
import type { ClusterMapping, DeploymentFilter, Storage } from "../storage/index.ts";
import { refreshConditions } from "./condition-refresh.ts";
import { deleteDeployment, type DeleteResult } from "./delete.ts";
import type { ActorDeps } from "./deps.ts";
import { Dispatcher, type DeploymentResult, type ResolvedDeployment } from "./dispatch.ts";
import { DeploymentReads, type DeploymentHistory, type DeploymentStatusAnswer } from "./reads.ts";
import { DeploymentSettler, type SettledDeployment } from "./settle.ts";

export type { DeploymentResult, ResolvedDeployment } from "./dispatch.ts";
export type { DeleteResult } from "./delete.ts";
export type { ClusterHistory, DeploymentHistory, DeploymentStatusAnswer } from "./reads.ts";
export type { ClusterView, SettledDeployment } from "./settle.ts";

/** What the PM does on a partial failure (DEPLOY_ROLLBACK_ON_PARTIAL). */
export type DeploymentPolicy = RollbackPolicy;

export class DeploymentService {
  private readonly deps: ActorDeps;
  private readonly settler: DeploymentSettler;
  private readonly dispatcher: Dispatcher;
  private readonly reads: DeploymentReads;

  constructor(
    storage: Storage,
    crm: CrmManager,
    policy: DeploymentPolicy,
    logger: Logger,
    now: () => Date = () => new Date(),
  ) {
    this.deps = { storage, crm, logger, now };
    this.settler = new DeploymentSettler(this.deps);
    this.dispatcher = new Dispatcher(this.deps, policy);
    this.reads = new DeploymentReads(this.deps, this.settler);
  }

  /** Plans and dispatches a decoded deployment: see Dispatcher.dispatch for what it throws. */
  create(
    input: OClassDeployment,
    ctx: CallContext,
    pkg?: OPackage,
    options: { readonly replace?: boolean; readonly ifMatch?: readonly number[] } = {},
  ): Promise<DeploymentResult> {
    return this.dispatcher.dispatch(input, ctx, pkg, options);
  }

  /** What a deploy would send, or ValidationError naming the fields: see Dispatcher.check. */
  check(input: OClassDeployment, pkg?: OPackage, prefix = ""): Promise<ResolvedDeployment> {
    return this.dispatcher.check(input, pkg, prefix);
  }

  /**
   * Redeploys an existing deployment from `input` (resolved against the package as it is
   * now, e.g. with a new image): the same units go to the same clusters again, and each
   * CRM applies the difference (a rollout). Throws NotFoundError for an unknown key,
   * ValidationError when the target clusters differ from where it runs (delete the
   * deployment and deploy it anew to move it). A cluster that fails the redeploy keeps
   * running the previous spec and stays DEPLOYED, with the failure as its message.
   */
  replace(input: OClassDeployment, ctx: CallContext, ifMatch?: readonly number[]): Promise<DeploymentResult> {
    return this.dispatcher.dispatch(input, ctx, undefined, {
      replace: true,
      ...(ifMatch !== undefined ? { ifMatch } : {}),
    });
  }

  list(filter: DeploymentFilter): Promise<OClassDeployment[]> {
    return this.deps.storage.listDeployments(filter);
  }

  /**
   * Where the deployment went, after settling it (DeploymentSettler.settle), so these
   * states and get()'s agree. Throws NotFoundError.
   */
  async mappings(key: string, ctx: CallContext): Promise<ClusterMapping[]> {
    await this.settler.settle(key, ctx);
    return this.deps.storage.getMappings(key);
  }

  /**
   * The stored deployment with each cluster's live status, its condition and mappings
   * settled from what the clusters report first (DeploymentSettler.settle: the one place
   * a deployment's condition is computed). Throws NotFoundError.
   */
  get(key: string, ctx: CallContext): Promise<SettledDeployment> {
    return this.settler.settle(key, ctx);
  }

  /** The resync: see condition-refresh.ts refreshConditions. */
  refreshConditions(ctx: CallContext): Promise<number> {
    return refreshConditions(this.deps, this.settler, ctx);
  }

  /** Deletes on every cluster, then the record: see delete.ts deleteDeployment. */
  delete(key: string, ctx: CallContext, onlyCluster?: string): Promise<DeleteResult> {
    return deleteDeployment(this.deps, key, ctx, onlyCluster, (gone) => this.settler.forget(gone));
  }

  /** A record's NFR state on each cluster holding it: see DeploymentReads.nfr. */
  nfr(id: string, ctx: CallContext, cluster?: string, atRps?: number): Promise<DeploymentNfr> {
    return this.reads.nfr(id, ctx, cluster, atRps);
  }

  /** A record's CRM-kept history: see DeploymentReads.history. */
  history(id: string, ctx: CallContext, cluster?: string): Promise<DeploymentHistory> {
    return this.reads.history(id, ctx, cluster);
  }

  /** One cluster's status of a unit: see DeploymentReads.status. */
  status(id: string, ctx: CallContext, cluster?: string): Promise<DeploymentStatusAnswer> {
    return this.reads.status(id, ctx, cluster);
  }
}
