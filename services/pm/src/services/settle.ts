// Settling a stored deployment from its clusters: the one place the PM computes a
// deployment's condition and its per-cluster mapping states from what the CRMs report.
// Gather (the deployment, its mappings, each cluster's answer; UNKNOWN units sent again),
// decide (@oaas/models: conditionFromClusters, failedAfterRead, resentMapping,
// settledWrite), act (one compare-and-swap). Every read route (get, mappings, status)
// and the periodic resync (condition-refresh.ts) go through settle(), so `oaasctl
// deployment get`, `status` and `mappings` cannot disagree, and the stored state follows
// the clusters without anyone asking.
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
import {
  buildUnits,
  conditionFromClusters,
  failedAfterRead,
  mayResend,
  resentMapping,
  resentObservation,
  settleChanges,
  settledWrite,
  summaryName,
  unitCreatedAtMs,
  type ClusterMapping,
  type ClusterObservation,
  type OClassDeployment,
  type Resend,
  type SettleJudgement,
} from "@oaas/models";
import { toProtoUnit } from "../crm/convert.ts";
import type { CallContext } from "../crm/manager.ts";
import { StorageNotFoundError } from "../storage/index.ts";
import { asCrmError, deployAnswer, isNotFoundAnswer } from "./crm-answers.ts";
import { keyLog, type ActorDeps } from "./deps.ts";
import { NotFoundError } from "./errors.ts";

/** One cluster's part of GET /deployments/{key}. */
export type ClusterView = { cluster: string } & Record<string, unknown>;

export interface SettledDeployment {
  readonly deployment: OClassDeployment;
  readonly clusters: ClusterView[];
}

/** One cluster's answer for a mapping: the view, the rule's input, the mapping when it moved. */
interface Observed {
  readonly view: ClusterView;
  readonly observation: ClusterObservation;
  readonly mapping?: ClusterMapping;
}

export class DeploymentSettler {
  /** Epoch ms of the last settle per key in this process (settleIfStale). */
  private readonly settledAt = new Map<string, number>();

  constructor(private readonly deps: ActorDeps) {}

  /**
   * Reads each cluster's answer for the deployment, sends UNKNOWN units again, and
   * stores the condition (conditionFromClusters) and mapping states that follow. Only a
   * deployment still at the generation and condition it was judged from is written, so a
   * redeploy or delete meanwhile wins. Unreachable clusters are reported in the views and
   * change nothing. Throws NotFoundError.
   */
  async settle(key: string, ctx: CallContext): Promise<SettledDeployment> {
    const { storage } = this.deps;
    const deployment = await storage.getDeployment(key);
    if (!deployment) throw new NotFoundError(`deployment "${key}" does not exist`);
    this.settledAt.set(key, this.deps.now().getTime());
    const mappings = await storage.getMappings(key);
    const resendable = mayResend(deployment.condition);
    const observed = await Promise.all(mappings.map((m) => this.observe(deployment, m, resendable, ctx)));
    const clusters = observed.map((o) => o.view);
    const judgement: SettleJudgement = {
      deployment,
      mappings,
      moved: observed.flatMap((o) => (o.mapping ? [o.mapping] : [])),
      verdict: conditionFromClusters(
        deployment.condition,
        new Map(observed.map((o) => [o.view.cluster, o.observation])),
      ),
    };
    if (!settleChanges(judgement)) return { deployment, clusters };
    let updated: OClassDeployment;
    // Set by the write that stored this verdict (the callback may run more than once): a
    // GET and the resync judging the same change log it once, from the one that wrote.
    const wrote = { value: false };
    try {
      updated = await storage.updateDeployment(key, (d, current) => {
        const next = settledWrite(judgement, d, current, this.deps.now().toISOString());
        wrote.value = next !== undefined;
        return next ?? { deployment: d };
      });
    } catch (error) {
      if (error instanceof StorageNotFoundError)
        throw new NotFoundError(`deployment "${key}" does not exist`, { cause: error });
      throw error;
    }
    if (!wrote.value) return { deployment: updated, clusters };
    const log = keyLog(this.deps, key, ctx);
    const { verdict } = judgement;
    if (updated.condition !== deployment.condition) {
      log.info("deployment condition changed", {
        from: deployment.condition,
        to: updated.condition,
        ...(verdict.lastError ? { reason: verdict.lastError } : {}),
      });
    }
    for (const m of judgement.moved)
      log.info("cluster mapping settled", { cluster: m.cluster, state: m.state });
    return { deployment: updated, clusters };
  }

  /** settle() unless this process settled the key within `freshMs`; never throws. */
  async settleIfStale(key: string, ctx: CallContext, freshMs: number): Promise<void> {
    const at = this.settledAt.get(key);
    if (at !== undefined && this.deps.now().getTime() - at < freshMs) return;
    try {
      await this.settle(key, ctx);
    } catch (error) {
      if (error instanceof NotFoundError) return;
      keyLog(this.deps, key, ctx).warn("settling a deployment failed", { error: (error as Error).message });
    }
  }

  /** Forgets a deleted key. */
  forget(key: string): void {
    this.settledAt.delete(key);
  }

  /** One cluster's answer for a mapping (an UNKNOWN unit is sent again first). */
  private async observe(
    deployment: OClassDeployment,
    m: ClusterMapping,
    resendable: boolean,
    ctx: CallContext,
  ): Promise<Observed> {
    if (m.state === "FAILED") {
      const read = await this.read(m, ctx);
      const after = failedAfterRead(m, read.observation, resendable, this.deps.now().toISOString());
      if (after.mapping) return { ...read, mapping: after.mapping };
      return { view: { ...m, status: "NOT_DEPLOYED" }, observation: after.observation };
    }
    if (m.state === "UNKNOWN" && resendable) {
      const resent = resentMapping(m, await this.resend(deployment, m, ctx), this.deps.now().toISOString());
      if (resent.state === "DEPLOYED") return { ...(await this.read(resent, ctx)), mapping: resent };
      return {
        view: { ...resent, status: resent.state === "FAILED" ? "NOT_DEPLOYED" : "UNKNOWN" },
        observation: resentObservation(resent),
        ...(resent.state !== m.state ? { mapping: resent } : {}),
      };
    }
    return this.read(m, ctx);
  }

  /** GetDeploymentStatus for a mapping the cluster should have. */
  private async read(m: ClusterMapping, ctx: CallContext): Promise<Observed> {
    try {
      const res = await this.deps.crm.status(m.cluster, m.unit_id, ctx);
      const summary = summaryName(res.message);
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
      if (isNotFoundAnswer(error)) {
        return { view: { ...m, status: "NOT_FOUND", error: message }, observation: { kind: "NOT_FOUND" } };
      }
      return {
        view: { ...m, status: "UNKNOWN", error: message },
        observation: { kind: "UNREACHABLE", error: message },
      };
    }
  }

  /**
   * Sends an UNKNOWN unit again, built from the deployment as stored (already planned).
   * A redeploy stored meanwhile (another generation) is not overwritten with this older
   * spec: nothing is sent ("superseded").
   */
  private async resend(deployment: OClassDeployment, m: ClusterMapping, ctx: CallContext): Promise<Resend> {
    const { storage, crm } = this.deps;
    const planned = buildUnits(deployment, unitCreatedAtMs(deployment, this.deps.now().getTime())).find(
      (u) => u.cluster === m.cluster,
    );
    if (!planned || !crm.has(m.cluster)) return { kind: "not-target" };
    const current = await storage.getDeployment(deployment.key);
    if (current?.generation !== deployment.generation) return { kind: "superseded" };
    try {
      await crm.deploy(m.cluster, toProtoUnit(planned.unit), ctx);
      return { kind: "answered", answer: "accepted" };
    } catch (error) {
      const crmError = asCrmError(m.cluster, error);
      return { kind: "answered", answer: deployAnswer(crmError), error: crmError.message };
    }
  }
}
