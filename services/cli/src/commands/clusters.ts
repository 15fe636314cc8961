// clusters, version
import { PmHttpError, PmUnreachableError } from "../errors.ts";
import { renderFields } from "../output.ts";
import { clustersTable } from "../views.ts";
import { emit, emptyList, type Context } from "./context.ts";

/**
 * Known clusters with their (cached) health, the PM's breaker toward each, availability
 * and nodes: GET /clusters carries each cluster's health (an unreachable one is listed
 * as UNREACHABLE with the error).
 */
export async function clusters(ctx: Context): Promise<void> {
  const list = await ctx.client.listClusters();
  emit(ctx, list, () => (list.length === 0 ? emptyList("clusters") : clustersTable(list)));
}

/**
 * The CLI's version and, unless `clientOnly`, the PM's answer to /health. An unreachable
 * PM is reported in the output, not as a failure: `version` must work offline.
 */
export async function version(ctx: Context, cliVersion: string, clientOnly: boolean): Promise<void> {
  if (clientOnly) {
    emit(ctx, { client: cliVersion }, () => `${cliVersion}\n`);
    return;
  }
  let pm: unknown;
  let pmText: string;
  try {
    const health = await ctx.client.health();
    pm = health;
    pmText = `${ctx.client.baseUrl} (${health.status ?? "answering"})`;
  } catch (err) {
    if (!(err instanceof PmUnreachableError || err instanceof PmHttpError)) throw err;
    pm = { error: err.message };
    pmText = err.message;
  }
  emit(ctx, { client: cliVersion, pm_url: ctx.client.baseUrl, pm }, () =>
    renderFields([
      ["oaasctl", cliVersion],
      ["pm", pmText],
    ]),
  );
}
