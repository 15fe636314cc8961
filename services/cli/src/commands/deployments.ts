// deploy, deployment list|get|delete|mappings
import { deploymentBody, updateRequest, type DeployArgs } from "../deploy-request.ts";
import { readManifest } from "../manifest.ts";
import type { DeploymentFilter } from "../pm-client.ts";
import { progressSink } from "../progress.ts";
import { PmHttpError, PmUnreachableError } from "../errors.ts";
import { str } from "../json.ts";
import { deploymentReady, mappedUnits, statusViews, type StatusView } from "../status-view.ts";
import { deploymentVerdict } from "../verdicts.ts";
import { deployResultText, deploymentDetail, deploymentsTable, unitsTable } from "../views.ts";
import { waitUntil, type WaitFlags } from "../wait.ts";
import { emit, emitAction, emptyList, type Context } from "./context.ts";
import { statusOfEveryCluster } from "./status.ts";

/**
 * POST /deployments (PUT /deployments/{key} with `update`: redeploy an existing one);
 * with `wait`, then polls the deployment until RUNNING.
 */
export async function deploy(
  ctx: Context,
  args: Omit<DeployArgs, "file"> & { readonly filePath?: string; readonly update?: boolean },
  flags: WaitFlags,
): Promise<void> {
  const file = args.filePath === undefined ? undefined : await readManifest(args.filePath);
  // With --update and --key (or a file's key), package and class may be left out: they
  // are the stored deployment's.
  const givenKey = args.update ? (args.key ?? str(file, "key")) : undefined;
  const body = givenKey === undefined ? deploymentBody({ ...args, file }) : { key: givenKey };
  const key = str(body, "key") ?? "";
  let answer;
  if (args.update) {
    // Read-modify-write: only what the arguments give changes; If-Match makes a
    // concurrent update fail (412) instead of being lost.
    const stored = await ctx.client.getDeployment(key);
    const update = updateRequest(stored, { ...args, file });
    ctx.err.write(
      update.changes.length === 0
        ? `deployment/${key}: no field changes; redeploying as stored\n`
        : `deployment/${key} changes:\n${update.changes.map((c) => `  ${c}\n`).join("")}`,
    );
    answer = await ctx.client.replaceDeployment(update.body, key, stored.generation);
  } else answer = await ctx.client.createDeployment(body, key);
  const result = {
    key: answer.key,
    units: mappedUnits(answer),
    achievedAvailability: answer.achieved_availability,
    replicas: answer.replicas,
  };
  emit(ctx, answer, () => deployResultText(result, args.update ? "updated" : "created"));
  const failed = answer.failed_clusters ?? [];
  if (failed.length > 0) ctx.err.write(`warning: not deployed on: ${failed.join(", ")}\n`);
  const unknown = answer.unknown_clusters ?? [];
  if (unknown.length > 0)
    ctx.err.write(
      `warning: outcome unknown on: ${unknown.join(", ")} (no answer after sending; the PM sends it again until the cluster answers)\n`,
    );
  if (!flags.wait) return;
  await waitForDeployment(ctx, result.key, flags);
}

/**
 * Polls GET /deployments/{key} until RUNNING, and each time the records' status
 * (GET /deployment-status/{key} per cluster) for their reasons: shown as they change, and
 * a reason waiting will not cure (verdicts.ts blockingReasons) ends the wait at once.
 * NotReadyError on DOWN, a blocking reason or timeout.
 */
export async function waitForDeployment(ctx: Context, key: string, flags: WaitFlags): Promise<void> {
  const poll = async (deadline: AbortSignal) => {
    const scoped = { ...ctx, client: ctx.client.withSignal(deadline) };
    const deployment = await scoped.client.getDeployment(key);
    if (deployment.condition === deploymentReady) return { deployment, records: [] };
    return { deployment, records: await recordsOf(scoped, key) };
  };
  await waitUntil(poll, (a) => deploymentVerdict(a.deployment, a.records), {
    what: `deployment/${key}`,
    goal: "RUNNING",
    timeoutMs: flags.timeoutMs,
    intervalMs: flags.intervalMs,
    progress: progressSink(ctx.err),
    now: ctx.now,
  });
  if (ctx.output === "table") ctx.out.write(`deployment/${key} is RUNNING\n`);
}

/**
 * The records' status views of a deployment, one per cluster; none when the PM cannot give
 * them now (the deployment's own condition still decides): a reason is extra, never a
 * reason to fail.
 */
async function recordsOf(ctx: Context, key: string): Promise<StatusView[]> {
  try {
    return statusViews(await statusOfEveryCluster(ctx, key), key);
  } catch (err) {
    if (err instanceof PmHttpError || err instanceof PmUnreachableError) return [];
    throw err;
  }
}

export async function listDeployments(ctx: Context, filter: DeploymentFilter): Promise<void> {
  const items = await ctx.client.listDeployments(filter);
  emit(ctx, items, () =>
    items.length === 0 ? emptyList("deployments") : deploymentsTable(items, ctx.now()),
  );
}

export async function getDeployment(ctx: Context, key: string): Promise<void> {
  const body = await ctx.client.getDeployment(key);
  emit(ctx, body, () => deploymentDetail(body, ctx.now()));
}

export async function deleteDeployment(ctx: Context, key: string, cluster?: string): Promise<void> {
  const answer = await ctx.client.deleteDeployment(key, cluster);
  emitAction(
    ctx,
    answer,
    `deployment/${key} deleted${cluster === undefined ? "" : ` from cluster ${cluster}`}`,
  );
}

export async function deploymentMappings(ctx: Context, key: string): Promise<void> {
  const body = await ctx.client.clusterMappings(key);
  const units = mappedUnits(body);
  emit(ctx, body, () => (units.length === 0 ? emptyList("cluster mappings") : unitsTable(units)));
}
