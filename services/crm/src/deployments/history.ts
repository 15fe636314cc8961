// Reading a deployment's history (the capped Redis stream of @oaas/queue): the rules of a
// history read — which ids and limits are accepted, what a store failure means — in
// domain terms. The ingress translates the result to oaas.crm.v1.GetHistory.
import { recordName } from "@oaas/crd";
import type { HistoryEntry } from "@oaas/queue";
import { DeploymentError, invalidArgument, type FieldError } from "./errors.ts";
import { deploymentIdProblems } from "./validate.ts";

/** Reading a record's history; the Redis store of @oaas/queue satisfies it as it is. */
export interface HistorySource {
  read(namespace: string, name: string, options?: { readonly limit?: number }): Promise<HistoryEntry[]>;
}

/** Largest `limit` accepted; the stream keeps at most queueDefaults.historyMaxEntries anyway. */
export const maxHistoryLimit = 10_000;

/**
 * The history of `deploymentId` in `namespace`, oldest first; with `limit`, its newest
 * `limit` entries. [] when it has none (never deployed here, or deleted and its history
 * removed). Throws DeploymentError: invalidArgument for an id GetDeploymentStatus would
 * refuse or a limit outside 1..maxHistoryLimit (nothing is read); unavailable, with the
 * cause, when the store cannot be read.
 */
export async function readHistory(
  source: HistorySource,
  deploymentId: string,
  namespace: string,
  limit?: number,
): Promise<HistoryEntry[]> {
  const problems: FieldError[] = deploymentIdProblems(deploymentId, "deployment_id");
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > maxHistoryLimit))
    problems.push({ field: "limit", message: `must be a whole number from 1 to ${maxHistoryLimit}` });
  if (problems.length > 0) throw invalidArgument(problems);
  try {
    return await source.read(namespace, recordName(deploymentId), limit === undefined ? {} : { limit });
  } catch (error) {
    throw new DeploymentError(
      "unavailable",
      `cannot read the history from Redis: ${error instanceof Error ? error.message : String(error)}`,
      [],
      { cause: error },
    );
  }
}
