// status <id> [--wait], history <id>
import { CliError, PmHttpError } from "../errors.ts";
import type { Json } from "../pm-client.ts";
import { progressSink } from "../progress.ts";
import { clusterUnits, isObj, statusViews } from "../shapes.ts";
import { statusVerdict } from "../verdicts.ts";
import { statusText } from "../views.ts";
import { waitUntil } from "../wait.ts";
import { emit, type Context } from "./context.ts";
import type { WaitFlags } from "./deployments.ts";

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
  const fetchStatus = () =>
    cluster === undefined ? everyCluster(ctx, id) : ctx.client.deploymentStatus(id, cluster);
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
  emit(ctx, body, () => statusText(statusViews(body, id), ctx.now()));
}

/**
 * The status of `id` on every cluster its mappings name, as `{deployment, clusters: [...]}`;
 * a plain status answer when `id` is not a logical key (404) or went to one cluster. A
 * cluster whose status fails (e.g. its CRM is down) is shown with the error, not fatal;
 * a FAILED mapping (the deploy never reached that cluster) is shown as FAILED.
 */
async function everyCluster(ctx: Context, id: string): Promise<Json> {
  let mappings: Json;
  try {
    mappings = await ctx.client.clusterMappings(id);
  } catch (err) {
    if (err instanceof PmHttpError && err.status === 404) return ctx.client.deploymentStatus(id);
    throw err;
  }
  const units = clusterUnits(mappings);
  if (units.length <= 1) return ctx.client.deploymentStatus(id);
  const clusters = await Promise.all(
    units.map(async (u) => {
      if (u.status === "FAILED") return { cluster: u.cluster, phase: "FAILED", message: u.message };
      try {
        const answer = await ctx.client.deploymentStatus(id, u.cluster);
        return { ...(isObj(answer) ? answer : {}), cluster: u.cluster };
      } catch (err) {
        if (!(err instanceof PmHttpError)) throw err;
        return { cluster: u.cluster, status: "UNKNOWN", message: err.pmError ?? err.message };
      }
    }),
  );
  return { deployment: id, clusters };
}

/**
 * A record's history lives in the CRM (a capped per-record stream in Redis, DESIGN §2);
 * the PM has no route for it yet, so this says where to look instead of guessing.
 */
export function history(id: string): Promise<never> {
  return Promise.reject(
    new CliError(
      `history is not available through the Package Manager yet; on the cluster's CRM run \`crm history ${id}\` (or read it in the CRM dashboard)`,
    ),
  );
}
