// clusters, version
import { PmHttpError, PmUnreachableError } from "../errors.ts";
import { renderFields } from "../output.ts";
import { clusterViews, str } from "../shapes.ts";
import { clustersTable } from "../views.ts";
import { emit, emptyList, type Context } from "./context.ts";

/**
 * Known clusters joined with their health and availability. When the health fan-out
 * fails (502/503: no CRM answered) the clusters are still listed, marked with the error.
 */
export async function clusters(ctx: Context): Promise<void> {
  const [list, health] = await Promise.all([
    ctx.client.listClusters(),
    ctx.client.clustersHealth().catch((err: unknown) => {
      if (err instanceof PmHttpError && (err.status === 502 || err.status === 503))
        return { error: err.message };
      throw err;
    }),
  ]);
  const rows = clusterViews(list, health);
  const healthError = str(health, "error");
  const shown =
    healthError === undefined ? rows : rows.map((r) => ({ ...r, health: "UNKNOWN", message: healthError }));
  emit(ctx, { clusters: list, health }, () =>
    shown.length === 0 ? emptyList("clusters") : clustersTable(shown),
  );
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
    pm = await ctx.client.health();
    const v = str(pm, "version");
    pmText = `${ctx.client.baseUrl} (${str(pm, "status") ?? "answering"}${v === undefined ? "" : `, version ${v}`})`;
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
