// Settling a stored deployment from its clusters: the one place the PM computes a
// deployment's condition and its per-cluster mapping states from what the CRMs report
// (conditionFromClusters in @oaas/models is the rule). Every read route (get, mappings,
// status) and the periodic resync go through settle(), so `oaasctl deployment get`,
// `status` and `mappings` cannot disagree, and the stored state follows the clusters
// without anyone asking.
//
// A FAILED unit (the CRM refused it) is still asked about: a cluster that runs its record
// anyway makes it DEPLOYED, so "not deployed" is never said of a running workload.
//
// Policy for a unit whose dispatch outcome is UNKNOWN (the call broke after sending, or
// the PM stopped mid-dispatch): it is sent again (Deploy is an idempotent server-side
// apply) until a CRM answers; accepted -> DEPLOYED, refused -> FAILED with the CRM's
// reason; no answer -> still UNKNOWN. A DEPLOYED unit whose record the cluster no longer
// has is not re-created behind the user's back: the deployment goes DOWN naming the
// cluster, and a POST of it sends it again.
import { Code } from "@connectrpc/connect";
import {
  buildUnits,
  conditionFromClusters,
  type ClusterObservation,
  type OClassDeployment,
  unitId,
} from "@oaas/models";
import type { Logger } from "@oaas/telemetry";
import { withContext } from "@oaas/telemetry";
import { toProtoUnit } from "../crm/convert.ts";
import { CrmError, deployOutcome } from "../crm/errors.ts";
import type { CallContext, CrmManager } from "../crm/manager.ts";
import {
  StorageNotFoundError,
  StorageUnavailableError,
  type ClusterMapping,
  type Storage,
} from "../storage/index.ts";
import { NotFoundError } from "./errors.ts";

/** One cluster's part of GET /deployments/{key}. */
export type ClusterView = { cluster: string } & Record<string, unknown>;

export interface SettledDeployment {
  readonly deployment: OClassDeployment;
  readonly clusters: ClusterView[];
}

/** Conditions whose deployments the resync looks at (PENDING: see failInterrupted). */
const settledConditions = ["UNKNOWN", "DEPLOYING", "RUNNING", "DOWN"] as const;

export class DeploymentSettler {
  /** Epoch ms of the last settle per key in this process (settleIfStale). */
  private readonly settledAt = new Map<string, number>();

  constructor(
    private readonly storage: Storage,
    private readonly crm: CrmManager,
    private readonly logger: Logger,
    private readonly now: () => Date,
  ) {}

  /**
   * Reads each cluster's answer for the deployment, sends UNKNOWN units again, and
   * stores the condition (conditionFromClusters) and mapping states that follow. Only a
   * deployment still at the generation and condition it was judged from is written, so a
   * redeploy or delete meanwhile wins. Unreachable clusters are reported in the views and
   * change nothing. Throws NotFoundError.
   */
  async settle(key: string, ctx: CallContext): Promise<SettledDeployment> {
    const deployment = await this.storage.getDeployment(key);
    if (!deployment) throw new NotFoundError(`deployment "${key}" does not exist`);
    this.settledAt.set(key, this.now().getTime());
    const mappings = await this.storage.getMappings(key);
    // While a dispatch runs (PENDING) or after a delete, only look: never re-send.
    const mayResend = deployment.condition !== "PENDING" && deployment.condition !== "DELETED";
    const observed = await Promise.all(mappings.map((m) => this.observe(deployment, m, mayResend, ctx)));
    const clusters = observed.map((o) => o.view);
    const verdict = conditionFromClusters(
      deployment.condition,
      new Map(observed.map((o) => [o.view.cluster, o.observation])),
    );
    const moved = new Map(observed.flatMap((o) => (o.mapping ? [[o.mapping.cluster, o.mapping]] : [])));
    const changed =
      moved.size > 0 ||
      verdict.condition !== deployment.condition ||
      (verdict.lastError !== undefined && verdict.lastError !== deployment.last_error);
    if (!changed) return { deployment, clusters };
    let updated: OClassDeployment;
    // Set by the write that stored this verdict (the callback may run more than once): a
    // GET and the resync judging the same change log it once, from the one that wrote.
    const wrote = { value: false };
    try {
      updated = await this.storage.updateDeployment(key, (d, current) => {
        wrote.value = false;
        if (d.condition !== deployment.condition || d.generation !== deployment.generation)
          return { deployment: d };
        wrote.value = true;
        const next: OClassDeployment = { ...d };
        delete next.last_error;
        return {
          deployment: {
            ...next,
            condition: verdict.condition,
            ...(verdict.lastError !== undefined ? { last_error: verdict.lastError } : {}),
            updated_at: this.now().toISOString(),
          },
          // Only mappings still in the state they were judged from.
          mappings: current.map((m) => {
            const to = moved.get(m.cluster);
            const from = mappings.find((o) => o.cluster === m.cluster);
            return to && from && from.state === m.state && from.updated_at === m.updated_at ? to : m;
          }),
        };
      });
    } catch (error) {
      if (error instanceof StorageNotFoundError)
        throw new NotFoundError(`deployment "${key}" does not exist`, { cause: error });
      throw error;
    }
    const log = withContext(this.logger, { deploymentId: key, correlationId: ctx.correlationId });
    if (!wrote.value) return { deployment: updated, clusters };
    if (updated.condition !== deployment.condition) {
      log.info("deployment condition changed", {
        from: deployment.condition,
        to: updated.condition,
        ...(verdict.lastError ? { reason: verdict.lastError } : {}),
      });
    }
    for (const m of moved.values())
      log.info("cluster mapping settled", { cluster: m.cluster, state: m.state });
    return { deployment: updated, clusters };
  }

  /** settle() unless this process settled the key within `freshMs`; never throws. */
  async settleIfStale(key: string, ctx: CallContext, freshMs: number): Promise<void> {
    const at = this.settledAt.get(key);
    if (at !== undefined && this.now().getTime() - at < freshMs) return;
    try {
      await this.settle(key, ctx);
    } catch (error) {
      if (error instanceof NotFoundError) return;
      withContext(this.logger, { deploymentId: key, correlationId: ctx.correlationId }).warn(
        "settling a deployment failed",
        { error: (error as Error).message },
      );
    }
  }

  /**
   * The resync: settles every dispatched deployment (UNKNOWN, DEPLOYING, RUNNING, DOWN)
   * so the stored state follows the clusters without anyone asking; the PM runs it every
   * OPRC_PM_STATUS_REFRESH_SECS. A PENDING deployment older than any dispatch can take
   * becomes UNKNOWN first (failInterrupted). One deployment's failure is logged and
   * skipped. Resolves with the number of deployments settled.
   */
  async settleAll(ctx: CallContext): Promise<number> {
    let read = 0;
    await this.failInterrupted(ctx);
    for (const condition of settledConditions) {
      for (const d of await this.storage.listDeployments({ condition })) {
        try {
          await this.settle(d.key, ctx);
          read++;
        } catch (error) {
          if (error instanceof NotFoundError) continue; // deleted meanwhile
          // The store itself failing fails every other key too: one line for the sweep.
          if (error instanceof StorageUnavailableError) throw error;
          withContext(this.logger, { deploymentId: d.key, correlationId: ctx.correlationId }).warn(
            "condition refresh failed",
            { error: (error as Error).message },
          );
        }
      }
    }
    return read;
  }

  /** Forgets a deleted key. */
  forget(key: string): void {
    this.settledAt.delete(key);
  }

  /**
   * A deployment PENDING for longer than any dispatch can take (CrmManager.dispatchBoundMs)
   * was interrupted: the PM stopped, or its store failed, between storing it and recording
   * the clusters' answers. Whether a cluster got the unit is not known: it becomes
   * UNKNOWN, with an UNKNOWN mapping for every target cluster that has no confirmed one,
   * and the next settle sends it again. Only while it is still PENDING with the same
   * updated_at: a live dispatch is untouched.
   */
  private async failInterrupted(ctx: CallContext): Promise<void> {
    const cutoff = this.now().getTime() - this.crm.dispatchBoundMs();
    for (const d of await this.storage.listDeployments({ condition: "PENDING" })) {
      if (Date.parse(d.updated_at ?? "") > cutoff) continue;
      const outcome = { marked: false }; // set inside the CAS callback
      try {
        await this.storage.updateDeployment(d.key, (current, mappings) => {
          if (current.condition !== "PENDING" || current.updated_at !== d.updated_at)
            return { deployment: current };
          outcome.marked = true;
          const stamp = this.now().toISOString();
          const message =
            "the dispatch did not finish (the PM stopped or its store failed while deploying); the PM sends it again";
          return {
            deployment: { ...current, condition: "UNKNOWN", updated_at: stamp },
            mappings: current.target_clusters.map(
              (cluster): ClusterMapping =>
                mappings.find((m) => m.cluster === cluster && m.state !== "FAILED") ?? {
                  cluster,
                  unit_id: unitId(current.key, cluster),
                  state: "UNKNOWN",
                  message,
                  updated_at: stamp,
                },
            ),
          };
        });
        if (outcome.marked)
          withContext(this.logger, { deploymentId: d.key, correlationId: ctx.correlationId }).warn(
            "interrupted dispatch: PENDING deployment is UNKNOWN until its clusters answer",
            { pending_since: d.updated_at },
          );
      } catch (error) {
        if (!(error instanceof StorageNotFoundError)) throw error; // deleted meanwhile
      }
    }
  }

  /**
   * One cluster's answer for a mapping: the view the API returns, the rule's input, and
   * the mapping's new state when it moved (an UNKNOWN unit sent again).
   */
  private async observe(
    deployment: OClassDeployment,
    m: ClusterMapping,
    mayResend: boolean,
    ctx: CallContext,
  ): Promise<{ view: ClusterView; observation: ClusterObservation; mapping?: ClusterMapping }> {
    if (m.state === "FAILED") {
      // Refused as far as the PM knows; asked anyway, so a record the cluster does run
      // (whatever put it there) is never reported as not deployed.
      const read = await this.read(m, ctx);
      if (read.observation.kind === "summary" && mayResend) {
        const found: ClusterMapping = {
          cluster: m.cluster,
          unit_id: m.unit_id,
          state: "DEPLOYED",
          updated_at: this.now().toISOString(),
        };
        return { ...read, mapping: found };
      }
      return {
        view: { ...m, status: "NOT_DEPLOYED" },
        observation: { kind: "NOT_DEPLOYED", ...(m.message ? { message: m.message } : {}) },
      };
    }
    if (m.state === "UNKNOWN" && mayResend) {
      const resent = await this.resend(deployment, m, ctx);
      if (resent.state !== "DEPLOYED") {
        const view = { ...resent, status: resent.state === "FAILED" ? "NOT_DEPLOYED" : "UNKNOWN" };
        const observation: ClusterObservation =
          resent.state === "FAILED"
            ? { kind: "NOT_DEPLOYED", ...(resent.message ? { message: resent.message } : {}) }
            : { kind: "UNREACHABLE", error: resent.message ?? "no answer" };
        return { view, observation, ...(resent.state !== m.state ? { mapping: resent } : {}) };
      }
      return { ...(await this.read(resent, ctx)), mapping: resent };
    }
    return this.read(m, ctx);
  }

  /** GetDeploymentStatus for a mapping the cluster should have. */
  private async read(
    m: ClusterMapping,
    ctx: CallContext,
  ): Promise<{ view: ClusterView; observation: ClusterObservation }> {
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
   * Sends an UNKNOWN unit again, built from the deployment as stored (already planned);
   * resolves with the mapping it leads to. A redeploy stored meanwhile (another
   * generation) is not overwritten with this older spec: the mapping is left as it is.
   */
  private async resend(
    deployment: OClassDeployment,
    m: ClusterMapping,
    ctx: CallContext,
  ): Promise<ClusterMapping> {
    const planned = buildUnits(
      deployment,
      Date.parse(deployment.created_at ?? "") || this.now().getTime(),
    ).find((u) => u.cluster === m.cluster);
    const stamp = this.now().toISOString();
    if (!planned || !this.crm.has(m.cluster)) {
      return {
        ...m,
        state: "FAILED",
        message: `cluster "${m.cluster}" is no longer a target or not configured`,
        updated_at: stamp,
      };
    }
    const current = await this.storage.getDeployment(deployment.key);
    if (current?.generation !== deployment.generation) return m;
    try {
      await this.crm.deploy(m.cluster, toProtoUnit(planned.unit), ctx);
      const settled: ClusterMapping = {
        cluster: m.cluster,
        unit_id: m.unit_id,
        state: "DEPLOYED",
        updated_at: stamp,
      };
      return settled;
    } catch (error) {
      const crmError =
        error instanceof CrmError ? error : new CrmError(m.cluster, "unreachable", undefined, String(error));
      if (deployOutcome(crmError) === "unknown") {
        return {
          ...m,
          message: `outcome unknown (the PM sends it again until the cluster answers): ${crmError.message}`,
        };
      }
      return { ...m, state: "FAILED", message: crmError.message, updated_at: stamp };
    }
  }
}
