// The deployment reads that ask the CRMs directly: a record's history and one cluster's
// status. Gather (the mappings), decide which cluster and unit id to ask (@oaas/models
// historyTargets, statusTarget), ask, and answer; a cluster that cannot be asked is part
// of the answer, not a failure of it.
import { Code } from "@connectrpc/connect";
import type { ClusterNfr, DeploymentNfr } from "@oaas/pm-api";
import {
  historyClusters,
  historyTargets,
  nfrClusters,
  statusTarget,
  summaryName,
  unknownClusterRefusal,
} from "@oaas/models";
import { unitJson } from "../crm/convert.ts";
import { CrmError } from "../crm/errors.ts";
import type { CallContext, CrmManager } from "../crm/manager.ts";
import { keyLog, type ActorDeps } from "./deps.ts";
import { decided, refusalError } from "./errors.ts";
import type { DeploymentSettler } from "./settle.ts";

/** How old (ms) the PM's settled state of a key may be when a status read answers. */
const statusFreshMs = 3_000;

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

/** A record's status detail as the cluster's CRM client answers it (CrmManager.statusDetail). */
type RecordDetail = Awaited<ReturnType<CrmManager["statusDetail"]>>;
type ConditionDetail = RecordDetail["conditions"][number];
type FunctionDetail = RecordDetail["functions"][number];

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

export class DeploymentReads {
  constructor(
    private readonly deps: ActorDeps,
    private readonly settler: DeploymentSettler,
  ) {}

  /**
   * The CRM-kept history of a logical key (each cluster it went to) or a unit id (every
   * configured cluster, or `cluster`). A cluster that cannot be asked is reported with
   * its error, not fatal. Throws NotFoundError when no cluster has any history for it
   * and the key is not a deployment the PM knows; ValidationError for an unknown cluster.
   */
  async history(id: string, ctx: CallContext, cluster?: string): Promise<DeploymentHistory> {
    const { storage, crm } = this.deps;
    const unknown = unknownClusterRefusal(cluster, crm.names());
    if (unknown) throw refusalError(unknown);
    const known = (await storage.getDeployment(id)) !== undefined;
    const mappings = known ? await storage.getMappings(id) : undefined;
    const asked = historyTargets(id, mappings, crm.names(), cluster);
    const clusters = await Promise.all(
      asked.map(async ({ cluster: name, unit }): Promise<ClusterHistory> => {
        try {
          const found = await crm.history(name, unit, ctx);
          return { cluster: name, deployment_id: unit, entries: found?.entries ?? [] };
        } catch (error) {
          return { cluster: name, deployment_id: unit, entries: [], error: (error as Error).message };
        }
      }),
    );
    return { id, clusters: decided(historyClusters(id, known, clusters, cluster)) };
  }

  /**
   * The NFR state of a logical key (each cluster it went to) or a unit id (every configured
   * cluster holding a record of it, or `cluster`), with a what-if at `atRps` when given. A
   * cluster that cannot be asked is reported with its error, not fatal. Throws
   * NotFoundError when the key is not a deployment the PM knows and no cluster has a
   * record of it; ValidationError for an unknown cluster.
   */
  async nfr(id: string, ctx: CallContext, cluster?: string, atRps?: number): Promise<DeploymentNfr> {
    const { storage, crm } = this.deps;
    const unknown = unknownClusterRefusal(cluster, crm.names());
    if (unknown) throw refusalError(unknown);
    const known = (await storage.getDeployment(id)) !== undefined;
    const mappings = known ? await storage.getMappings(id) : undefined;
    const asked = historyTargets(id, mappings, crm.names(), cluster);
    const answers = await Promise.all(
      asked.map(async ({ cluster: name, unit }): Promise<ClusterNfr & { missing: boolean }> => {
        try {
          return {
            cluster: name,
            deployment_id: unit,
            nfr: await crm.nfr(name, unit, atRps, ctx),
            missing: false,
          };
        } catch (error) {
          const missing = error instanceof CrmError && error.code === Code.NotFound;
          return { cluster: name, deployment_id: unit, error: (error as Error).message, missing };
        }
      }),
    );
    const clusters = decided(nfrClusters(id, known, answers, cluster));
    return { id, clusters: clusters.map(({ missing: _missing, ...answer }) => answer) };
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
    const { storage, crm } = this.deps;
    // A status read also settles the PM's stored state when it is older than a few
    // seconds, so the `status` and `get` of one key tell the same story.
    await this.settler.settleIfStale(id, ctx, statusFreshMs);
    const { cluster: target, unit } = decided(
      statusTarget({
        id,
        mappings: await storage.getMappings(id),
        cluster,
        defaultCluster: crm.defaultCluster,
        configured: crm.names(),
      }),
    );
    const stop = new AbortController();
    // Settles to a value either way, so nothing is left unobserved when the gRPC call fails.
    const detail = crm.statusDetail(target, unit, ctx, stop.signal).then(
      (found): StatusDetailPart => ({ conditions: found.conditions, functions: found.functions }),
      (error: unknown): StatusDetailPart => ({ detail_unavailable: (error as Error).message }),
    );
    let res: Awaited<ReturnType<CrmManager["status"]>>;
    try {
      res = await crm.status(target, unit, ctx);
    } catch (error) {
      stop.abort(); // the answer is the error: the detail is not needed any more
      throw error;
    }
    const part = await detail;
    if (part.detail_unavailable !== undefined) {
      keyLog(this.deps, unit, ctx).debug("status detail unavailable", {
        cluster: target,
        reason: part.detail_unavailable,
      });
    }
    return {
      cluster: target,
      deployment_id: unit,
      status: summaryName(res.message),
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
