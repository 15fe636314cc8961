// status <id> [--wait], history <id>
import { CliError } from "../errors.ts";
import { progressSink } from "../progress.ts";
import { statusViews } from "../shapes.ts";
import { statusVerdict } from "../verdicts.ts";
import { statusText } from "../views.ts";
import { waitUntil } from "../wait.ts";
import { emit, type Context } from "./context.ts";
import type { WaitFlags } from "./deployments.ts";

/** GET /deployment-status/{id}; with `wait`, polls until every cluster is Available. */
export async function status(
  ctx: Context,
  id: string,
  cluster: string | undefined,
  flags: WaitFlags,
): Promise<void> {
  const fetchStatus = () => ctx.client.deploymentStatus(id, cluster);
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
