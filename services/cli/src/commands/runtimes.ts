// runtime list|get: the units the CRMs hold, read through the PM (class-runtimes).
import { runtimeDetail, runtimesTable } from "../views.ts";
import type { Query } from "../pm-client.ts";
import { emit, emptyList, type Context } from "./context.ts";

/**
 * Runtimes aggregated over clusters. Clusters that did not answer are named on stderr
 * (a partial answer is still an answer; exit 0).
 */
export async function listRuntimes(ctx: Context, filter: Query): Promise<void> {
  const { items, failed_clusters: failed } = await ctx.client.listClassRuntimes(filter);
  // JSON/YAML: the runtimes, and whether the answer is partial (the PM's header).
  emit(ctx, { items, partial: failed.length > 0, failed_clusters: failed }, () =>
    items.length === 0 ? emptyList("class runtimes") : runtimesTable(items),
  );
  if (failed.length > 0)
    ctx.err.write(
      `warning: partial answer, no answer from: ${failed.map((f) => `${f.cluster} (${f.error})`).join(", ")}\n`,
    );
}

export async function getRuntime(ctx: Context, id: string, cluster?: string): Promise<void> {
  const body = await ctx.client.getClassRuntime(id, cluster);
  emit(ctx, body, () => runtimeDetail(body));
}
