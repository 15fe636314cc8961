// The CRM manager: one client per configured cluster, each call bounded by a deadline
// (5 s status, 15 s deploy; never above the cluster's timeout), retried with
// exponential backoff and jitter, behind a circuit breaker per cluster (cockatiel). What
// is retried and what the breaker counts is the one table of @oaas/models crm-failure.ts:
// failures of the cluster, never answers about the request. Health comes from CrmInfoService.GetEnvHealth, falling back to
// grpc.health.v1, cached per cluster for CRM_HEALTH_CACHE_TTL.
import { setTimeout as sleep } from "node:timers/promises";
import { create } from "@bufbuild/protobuf";
import type { Counter } from "@opentelemetry/api";
import { CircuitState, type CircuitBreakerPolicy } from "cockatiel";
import {
  DeleteDeploymentRequestSchema,
  DeployRequestSchema,
  GetClassRuntimeRequestSchema,
  GetDeploymentStatusRequestSchema,
  GetHistoryRequestSchema,
  GetNfrDetailRequestSchema,
  GetStatusDetailRequestSchema,
  ListClassRuntimesRequestSchema,
  type DeployResponse,
  type DeleteDeploymentResponse,
  type DeploymentUnit,
  type GetClassRuntimeResponse,
  type GetDeploymentStatusResponse,
  type ListClassRuntimesRequest,
  type ListClassRuntimesResponse,
} from "@oaas/proto";
import type { ClusterConfig } from "../config/index.ts";
import { clusterBreaker, openRecheckMs, stateName } from "./breaker.ts";
import {
  callDeadlineMs,
  deployDeadlineMs,
  headerSafe,
  onBehalfOfHeader,
  type CallContext,
  type CallOptions,
} from "./call-context.ts";
import type { CrmClients } from "./client.ts";
import { createCluster, reportReach, type Cluster, type CrmManagerOptions } from "./cluster.ts";
import { probeCrm, type BreakerState, type ClusterHealth, type ProbedHealth } from "./health-probe.ts";
import { CrmError, olderCrm, toCrmError } from "./errors.ts";
import type { NfrDetail } from "@oaas/pm-api";
import { nfrDetailJson } from "./nfr-detail.ts";
import {
  historyJson,
  statusDetailJson,
  type RecordHistory,
  type RecordStatusDetail,
} from "./record-detail.ts";

export type { BreakerState, ClusterHealth } from "./health-probe.ts";
export type { CrmManagerOptions } from "./cluster.ts";
export { halfOpenBackoff, halfOpenFirstMs, openRecheckMs } from "./breaker.ts";
export {
  callDeadlineMs,
  deployDeadlineMs,
  headerSafe,
  onBehalfOfHeader,
  type CallContext,
} from "./call-context.ts";

export class CrmManager {
  private readonly clusters = new Map<string, Cluster>();
  private readonly retryCounter?: Counter;
  private readonly callCounter?: Counter;
  private refresher?: NodeJS.Timeout;

  constructor(private readonly options: CrmManagerOptions) {
    this.retryCounter = options.meter?.createCounter("pm_crm_retries_total", {
      description: "Retried CRM calls, by cluster and method",
    });
    this.callCounter = options.meter?.createCounter("pm_crm_calls_total", {
      description: "CRM calls, by cluster, method and outcome code",
    });
    for (const config of options.crm.clusters) this.clusters.set(config.name, this.cluster(config));
    const interval = options.crm.healthCheckIntervalMs;
    if (interval > 0 && this.clusters.size > 0) {
      this.refresher = setInterval(
        () => void this.healthAll({ fresh: true }),
        Math.min(interval, 2 ** 31 - 1),
      );
      this.refresher.unref();
    }
  }

  private emit(config: ClusterConfig, event: string, detail?: string): void {
    this.options.onEvent?.({ cluster: config.name, event, ...(detail ? { detail } : {}) });
  }

  private cluster(config: ClusterConfig): Cluster {
    return createCluster(config, this.options, this.newBreaker(config));
  }

  /** Configured cluster names, in configuration order. */
  names(): string[] {
    return [...this.clusters.keys()];
  }

  /**
   * The longest a Deploy to one cluster can take in ms: every attempt at its full deadline
   * plus the exponential retry backoff, plus a minute for the store writes around it.
   * A deployment still PENDING after this was interrupted (the PM stopped mid-dispatch).
   */
  dispatchBoundMs(): number {
    const { maxRetries, retryBaseMs } = this.options.deploy;
    const attempts = maxRetries + 1;
    return attempts * deployDeadlineMs + retryBaseMs * 2 ** attempts + 60_000;
  }

  has(name: string): boolean {
    return this.clusters.has(name);
  }

  get defaultCluster(): string | undefined {
    return this.options.crm.defaultCluster;
  }

  url(name: string): string | undefined {
    return this.clusters.get(name)?.config.url;
  }

  /** Retries made so far toward `name` (all methods). */
  retryCount(name: string): number {
    return this.clusters.get(name)?.retries ?? 0;
  }

  breakerState(name: string): BreakerState {
    return stateName(this.clusters.get(name)?.breaker.state);
  }

  /** A closed breaker for `config`'s cluster (breaker.ts), its transitions logged through onEvent. */
  private newBreaker(config: ClusterConfig, probation = false): CircuitBreakerPolicy {
    const { crm } = this.options;
    return clusterBreaker({
      threshold: crm.breakerThreshold,
      maxOpenMs: crm.breakerHalfOpenAfterMs,
      probation,
      onEvent: (event) => this.emit(config, event),
    });
  }

  private get(name: string): Cluster {
    const cluster = this.clusters.get(name);
    if (!cluster) throw new CrmError(name, "answered", undefined, `cluster "${name}" is not configured`);
    return cluster;
  }

  /**
   * One call with deadline, breaker and retries ("once": none); failures become CrmError.
   * `signal` ends the call early: that end is the PM's own doing, so it is neither a
   * reset to retry nor a fault of the CRM's (it stays CANCELLED, outside the breaker).
   */
  private async call<T>(
    name: string,
    method: string,
    kind: "deploy" | "call" | "once",
    ctx: CallContext,
    run: (clients: CrmClients, options: CallOptions) => Promise<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    const cluster = this.get(name);
    const policy =
      kind === "deploy" ? cluster.deployRetry : kind === "call" ? cluster.callRetry : cluster.onceRetry;
    const timeoutMs = Math.min(
      kind === "deploy" ? deployDeadlineMs : callDeadlineMs,
      cluster.config.timeoutMs,
    );
    const headers: Record<string, string> = { "x-correlation-id": ctx.correlationId };
    if (ctx.namespace) headers["x-namespace"] = ctx.namespace;
    if (ctx.onBehalfOf) headers[onBehalfOfHeader] = headerSafe(ctx.onBehalfOf);
    await this.recheckOpen(cluster);
    try {
      const result = await policy.execute(async ({ attempt }) => {
        if (attempt > 0) {
          cluster.retries++;
          this.retryCounter?.add(1, { cluster: name, method });
          this.options.onEvent?.({
            cluster: name,
            event: "retry",
            detail: `${method} attempt ${attempt + 1}`,
          });
        }
        return cluster.breaker.execute(async () => {
          try {
            const answer = await run(cluster.clients, { timeoutMs, headers, ...(signal ? { signal } : {}) });
            cluster.monitor?.connected(cluster);
            return answer;
          } catch (error) {
            // Classed once, here (@oaas/models crm-failure.ts): the breaker counts and the
            // retry policy repeats what the verdict says, and so does everything after.
            const classed = toCrmError(name, error, signal?.aborted === true);
            if (!signal?.aborted) reportReach(cluster, classed);
            throw classed;
          }
        });
      });
      this.callCounter?.add(1, { cluster: name, method, code: "OK" });
      return result;
    } catch (error) {
      const crmError = toCrmError(name, error);
      this.callCounter?.add(1, {
        cluster: name,
        method,
        code: crmError.code !== undefined ? String(crmError.code) : crmError.kind,
      });
      throw crmError;
    }
  }

  /**
   * Before a call meets an open breaker: probe the CRM (at most once per
   * `openRecheckMs`, waiting at most that long), so a CRM that came back (a restart) serves
   * this call instead of failing it until the next half-open trial. A CRM still down costs
   * the call at most openRecheckMs more than the breaker's fast failure.
   */
  private async recheckOpen(cluster: Cluster): Promise<void> {
    if (cluster.breaker.state !== CircuitState.Open) return;
    if (Date.now() - (cluster.health?.at ?? 0) < openRecheckMs) return;
    const bound = new AbortController();
    await Promise.race([
      this.health(cluster.config.name, { fresh: true }),
      sleep(openRecheckMs, undefined, { signal: bound.signal }).catch(() => undefined),
    ]).finally(() => bound.abort());
  }

  deploy(name: string, unit: DeploymentUnit, ctx: CallContext): Promise<DeployResponse> {
    return this.call(name, "Deploy", "deploy", ctx, (c, o) =>
      c.deployments.deploy(create(DeployRequestSchema, { deploymentUnit: unit }), o),
    );
  }

  status(name: string, deploymentId: string, ctx: CallContext): Promise<GetDeploymentStatusResponse> {
    return this.call(name, "GetDeploymentStatus", "call", ctx, (c, o) =>
      c.deployments.getDeploymentStatus(create(GetDeploymentStatusRequestSchema, { deploymentId }), o),
    );
  }

  delete(name: string, deploymentId: string, ctx: CallContext): Promise<DeleteDeploymentResponse> {
    return this.call(name, "DeleteDeployment", "call", ctx, (c, o) =>
      c.deployments.deleteDeployment(create(DeleteDeploymentRequestSchema, { deploymentId }), o),
    );
  }

  /**
   * One ListClassRuntimes page (crm/list-pages.ts pages through them all). `signal` ends
   * it early (the whole listing's deadline): that end is the PM's own, never counted.
   */
  list(
    name: string,
    request: Partial<Omit<ListClassRuntimesRequest, "$typeName">>,
    ctx: CallContext,
    signal?: AbortSignal,
  ): Promise<ListClassRuntimesResponse> {
    return this.call(
      name,
      "ListClassRuntimes",
      "call",
      ctx,
      (c, o) => c.deployments.listClassRuntimes(create(ListClassRuntimesRequestSchema, request), o),
      signal,
    );
  }

  getRuntime(name: string, deploymentId: string, ctx: CallContext): Promise<GetClassRuntimeResponse> {
    return this.call(name, "GetClassRuntime", "call", ctx, (c, o) =>
      c.deployments.getClassRuntime(create(GetClassRuntimeRequestSchema, { deploymentId }), o),
    );
  }

  /**
   * One RecordDetailService call: one attempt (a read a person repeats), deadline and
   * breaker as other calls; `signal` ends it early. Throws CrmError; a CRM older than the
   * RPC is "answered" UNIMPLEMENTED saying so (errors.ts olderCrm), and with `about` an
   * answer naming another deployment id is "answered" too.
   */
  private async detail<R extends { deploymentId: string }>(
    name: string,
    method: string,
    run: (clients: CrmClients, options: CallOptions) => Promise<R>,
    ctx: CallContext,
    about?: { readonly deploymentId: string; readonly what: string },
    signal?: AbortSignal,
  ): Promise<R> {
    const res = await this.call(name, method, "once", ctx, run, signal).catch((error: unknown) => {
      throw olderCrm(toCrmError(name, error), method);
    });
    if (about !== undefined && res.deploymentId !== about.deploymentId) {
      const why = `${method}: the answer is not the ${about.what} of "${about.deploymentId}"`;
      throw new CrmError(name, "answered", undefined, `cluster "${name}": ${why}`);
    }
    return res;
  }

  /** A record's history (GetHistory), entries oldest first; undefined when the CRM has none. See detail(). */
  async history(name: string, deploymentId: string, ctx: CallContext): Promise<RecordHistory | undefined> {
    const res = await this.detail(
      name,
      "GetHistory",
      (c, o) => c.records.getHistory(create(GetHistoryRequestSchema, { deploymentId }), o),
      ctx,
    );
    return res.entries.length > 0 ? historyJson(res) : undefined;
  }

  /**
   * A record's NFR state (GetNfrDetail): requirements, enforcement, recommendations, the
   * enforcer's decisions, NfrObserved; with `atRps` a what-if. NOT_FOUND when the cluster
   * has no record of the id. See detail().
   */
  async nfr(
    name: string,
    deploymentId: string,
    atRps: number | undefined,
    ctx: CallContext,
  ): Promise<NfrDetail> {
    const request = create(GetNfrDetailRequestSchema, {
      deploymentId,
      ...(atRps !== undefined ? { atRps } : {}),
    });
    const res = await this.detail(name, "GetNfrDetail", (c, o) => c.records.getNfrDetail(request, o), ctx, {
      deploymentId,
      what: "NFR state",
    });
    return nfrDetailJson(res);
  }

  /**
   * A record's status in full (GetStatusDetail: conditions, function readiness and URLs),
   * which GetDeploymentStatus cannot carry, within a status call's deadline so it never
   * outlasts the status it is merged into. See detail().
   */
  async statusDetail(
    name: string,
    deploymentId: string,
    ctx: CallContext,
    signal?: AbortSignal,
  ): Promise<RecordStatusDetail> {
    const request = create(GetStatusDetailRequestSchema, { deploymentId });
    const res = await this.detail(
      name,
      "GetStatusDetail",
      (c, o) => c.records.getStatusDetail(request, o),
      ctx,
      { deploymentId, what: "record status" },
      signal,
    );
    return statusDetailJson(res);
  }

  /** A cluster's health, from the cache when younger than CRM_HEALTH_CACHE_TTL (fresh skips it). Never throws. */
  async health(name: string, options: { fresh?: boolean } = {}): Promise<ClusterHealth> {
    const cluster = this.get(name);
    const ttl = this.options.crm.healthCacheTtlMs;
    const cached = cluster.health;
    let value: ProbedHealth;
    if (!options.fresh && cached && ttl > 0 && Date.now() - cached.at < ttl) value = cached.value;
    else {
      cluster.probing ??= this.probe(cluster).finally(() => (cluster.probing = undefined));
      value = await cluster.probing;
    }
    return { ...value, breaker: this.breakerState(name) };
  }

  healthAll(options: { fresh?: boolean } = {}): Promise<ClusterHealth[]> {
    return Promise.all(this.names().map((n) => this.health(n, options)));
  }

  private async probe(cluster: Cluster): Promise<ProbedHealth> {
    const timeoutMs = Math.min(callDeadlineMs, cluster.config.timeoutMs);
    const value = await probeCrm(cluster.clients, cluster.config.name, timeoutMs);
    cluster.health = { at: Date.now(), value };
    if (value.reachable) {
      cluster.monitor?.connected(cluster);
      // The CRM answered within its deadline, so the faults the breaker counts (unreachable,
      // timed out) are likely over: close it now, on probation (one more failure opens it),
      // rather than wait for the next half-open trial, which after a long outage is up to
      // CRM_CIRCUIT_BREAKER_TIMEOUT away. Envoy likewise returns a host that passes an
      // active health check to service (successful_active_health_check_uneject_host).
      if (cluster.breaker.state !== CircuitState.Closed) {
        cluster.breaker = this.newBreaker(cluster.config, true);
        this.emit(cluster.config, "breaker-closed", "a health probe reached the CRM");
      }
    } else cluster.monitor?.failed(cluster, value.error);
    return value;
  }

  close(): void {
    if (this.refresher) clearInterval(this.refresher);
  }
}
