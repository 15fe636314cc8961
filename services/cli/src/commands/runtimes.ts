// runtime list|get: the units the CRMs hold, read through the PM (class-runtimes).
import { failedClusters, listItems } from "../shapes.ts";
import { runtimeDetail, runtimesTable } from "../views.ts";
import type { Query } from "../pm-client.ts";
import { emit, emptyList, type Context } from "./context.ts";

/**
 * Runtimes aggregated over clusters. Clusters that did not answer are named on stderr
 * (a partial answer is still an answer; exit 0).
 */
export async function listRuntimes(ctx: Context, filter: Query): Promise<void> {
  const body = await ctx.client.listClassRuntimes(filter);
  const items = listItems(body, "runtimes");
  emit(ctx, body, () => (items.length === 0 ? emptyList("class runtimes") : runtimesTable(items)));
  const failed = failedClusters(body);
  if (failed.length > 0) ctx.err.write(`warning: partial answer, no answer from: ${failed.join(", ")}\n`);
}

export async function getRuntime(ctx: Context, id: string, cluster?: string): Promise<void> {
  const body = await ctx.client.getClassRuntime(id, cluster);
  emit(ctx, body, () => runtimeDetail(body));
}
