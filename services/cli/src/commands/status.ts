// status <id> [--wait], history <id>, nfr <id>
import type { DeploymentStatus } from "@oaas/pm-api";
import { CliError, PmHttpError } from "../errors.ts";
import { progressSink } from "../progress.ts";
import {
  mappedUnits,
  statusViews,
  type ClusterStatus,
  type EveryClusterStatus,
  notReconciled,
  withClusterHealth,
  type StatusView,
} from "../status-view.ts";
import { statusVerdict } from "../verdicts.ts";
import { nfrText } from "../nfr-view.ts";
import { historyTable, statusText } from "../views.ts";
import { waitUntil, type WaitFlags } from "../wait.ts";
import { emit, type Context } from "./context.ts";

/**
 * GET /deployment-status/{id}; with `wait`, polls until every cluster is Available.
 * For a logical key sent to several clusters (and no --cluster) it asks each of them.
 */
export async function status(
  ctx: Context,
  id: string,
  cluster: string | undefined,
  flags: WaitFlags,
): Promise<void> {
  const fetchStatus = (deadline?: AbortSignal) => {
    const scoped = deadline ? { ...ctx, client: ctx.client.withSignal(deadline) } : ctx;
    return cluster === undefined
      ? statusOfEveryCluster(scoped, id)
      : scoped.client.deploymentStatus(id, cluster);
  };
  const body = flags.wait
    ? await waitUntil(fetchStatus, (b) => statusVerdict(statusViews(b, id)), {
        what: `deployment ${id}`,
        goal: "Available",
        timeoutMs: flags.timeoutMs,
        intervalMs: flags.intervalMs,
        progress: progressSink(ctx.err),
        now: ctx.now,
      })
    : await fetchStatus();
  const views = await withClusterHealthOf(ctx, statusViews(body, id));
  emit(ctx, body, () => statusText(views, ctx.now()));
}

/**
 * The views with their cluster's health reason where the spec is not reconciled yet
 * (withClusterHealth); asks GET /clusters only then. Best effort: a failed GET /clusters
 * leaves the views as they are.
 */
async function withClusterHealthOf(ctx: Context, views: StatusView[]): Promise<StatusView[]> {
  if (!views.some(notReconciled)) return views;
  return withClusterHealth(views, await ctx.client.listClusters().catch(() => []));
}

/**
 * The status of `id` on every cluster its mappings name, as `{deployment, clusters: [...]}`;
 * a plain status answer when `id` is not a logical key (404) or went to one cluster. A
 * cluster whose status fails (e.g. its CRM is down) is shown with the error, not fatal;
 * a FAILED mapping (the deploy never reached that cluster) is shown as FAILED.
 */
export async function statusOfEveryCluster(
  ctx: Context,
  id: string,
): Promise<DeploymentStatus | EveryClusterStatus> {
  let mappings;
  try {
    mappings = await ctx.client.clusterMappings(id);
  } catch (err) {
    if (err instanceof PmHttpError && err.status === 404) return ctx.client.deploymentStatus(id);
    throw err;
  }
  const units = mappedUnits(mappings);
  if (units.length <= 1) return ctx.client.deploymentStatus(id);
  const clusters = await Promise.all(
    units.map(async (u): Promise<ClusterStatus> => {
      if (u.status === "FAILED")
        return {
          cluster: u.cluster,
          status: "FAILED",
          ...(u.message !== undefined ? { message: u.message } : {}),
        };
      try {
        return { ...(await ctx.client.deploymentStatus(id, u.cluster)), cluster: u.cluster };
      } catch (err) {
        if (!(err instanceof PmHttpError)) throw err;
        return { cluster: u.cluster, status: "UNKNOWN", message: err.pmError ?? err.message };
      }
    }),
  );
  return { deployment: id, clusters };
}

/**
 * GET /deployments/{id}/history: the CRMs' record history (a capped per-record stream
 * in Redis, @oaas/queue history.ts) through the PM, one table row per entry, oldest first per
 * cluster. A cluster the PM could not ask is a row with its error; when no cluster could
 * be asked the command fails (exit 1) after printing them.
 */
export async function history(ctx: Context, id: string, cluster: string | undefined): Promise<void> {
  const body = await ctx.client.deploymentHistory(id, cluster);
  emit(ctx, body, () => historyTable(body));
  const failed = body.clusters.filter((c) => c.error !== undefined);
  if (body.clusters.length > 0 && failed.length === body.clusters.length) {
    throw new CliError(
      `no cluster could give the history of ${id}: ${failed.map((c) => `${c.cluster}: ${c.error ?? ""}`).join("; ")}`,
    );
  }
}

/**
 * GET /deployments/{id}/nfr: what `crm nfr explain` prints, for each cluster holding the
 * deployment (through the PM); `atRps` adds the what-if. When no cluster could be asked the
 * command fails (exit 1) after printing them.
 */
export async function nfr(
  ctx: Context,
  id: string,
  cluster: string | undefined,
  atRps: number | undefined,
): Promise<void> {
  const body = await ctx.client.deploymentNfr(id, cluster, atRps);
  emit(ctx, body, () => nfrText(body));
  const failed = body.clusters.filter((c) => c.error !== undefined);
  if (body.clusters.length > 0 && failed.length === body.clusters.length) {
    throw new CliError(
      `no cluster could give the NFR state of ${id}: ${failed.map((c) => `${c.cluster}: ${c.error ?? ""}`).join("; ")}`,
    );
  }
}
