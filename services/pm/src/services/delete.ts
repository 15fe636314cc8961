// Deleting a class deployment: gather (the deployment and its mappings), decide which
// clusters to ask (@oaas/models deleteTargets), ask each CRM, decide what the answers
// count as and whether the record goes (deleteVerdict), act (delete the record or keep
// it with the clusters that still have the unit).
import type { ClusterDeleteAnswer } from "@oaas/models";
import { deleteTargets, deleteVerdict } from "@oaas/models";
import type { CrmError } from "../crm/errors.ts";
import type { CallContext } from "../crm/manager.ts";
import { asCrmError, deleteAnswer } from "./crm-answers.ts";
import { keyLog, type ActorDeps } from "./deps.ts";
import { decided } from "./errors.ts";

export interface DeleteResult {
  readonly key: string;
  /** Clusters where the unit is gone (or was never confirmed and could not be asked), sorted. */
  readonly deleted_clusters: string[];
  readonly record_deleted: boolean;
}

/**
 * Deletes the deployment `key` on every cluster it was sent to or meant for (or only
 * `onlyCluster`), then the record when no cluster is left.
 *
 * Guarantees: a CRM answering NOT_FOUND counts as deleted; a cluster that confirmed the
 * unit (or may have) counts only when it answers, so the record is never dropped while
 * a cluster may still run the unit; `onForget(key)` runs once the record is gone.
 * Caveats: a cluster that never confirmed the deploy and cannot be asked is logged and
 * counted as deleted (deleteVerdict).
 * Throws NotFoundError, ValidationError (unknown cluster), or the first failed
 * cluster's CrmError (the record is kept with the clusters that still have it, and the
 * failures as last_error).
 */
export async function deleteDeployment(
  deps: ActorDeps,
  key: string,
  ctx: CallContext,
  onlyCluster: string | undefined,
  onForget: (key: string) => void,
): Promise<DeleteResult> {
  const { storage, crm } = deps;
  const deployment = await storage.getDeployment(key);
  const mappings = deployment ? await storage.getMappings(key) : [];
  const targets = decided(deleteTargets({ key, deployment, mappings, configured: crm.names(), onlyCluster }));
  const log = keyLog(deps, key, ctx);
  const errors = new Map<string, CrmError>();
  const answers = await Promise.all(
    targets.map(async (t): Promise<ClusterDeleteAnswer> => {
      try {
        await crm.delete(t.cluster, t.unit_id, ctx);
        return { cluster: t.cluster, answer: "deleted" };
      } catch (error) {
        const crmError = asCrmError(t.cluster, error);
        errors.set(t.cluster, crmError);
        return { cluster: t.cluster, answer: deleteAnswer(crmError), error: crmError.message };
      }
    }),
  );
  const verdict = deleteVerdict(targets, answers, mappings, onlyCluster);
  for (const cluster of verdict.unasked) {
    log.warn("delete on a cluster that never confirmed the deploy could not be asked", {
      cluster,
      error: errors.get(cluster)?.message,
    });
  }
  let recordDeleted = false;
  if (verdict.deleteRecord) {
    recordDeleted = await storage.deleteDeployment(key);
    onForget(key);
  } else {
    await storage.updateDeployment(key, (d) => ({
      deployment: {
        ...d,
        ...(verdict.lastError !== undefined ? { last_error: verdict.lastError } : {}),
        updated_at: deps.now().toISOString(),
      },
      mappings: verdict.remaining,
    }));
  }
  log.info("deployment deleted", { deleted_clusters: verdict.deleted, record_deleted: recordDeleted });
  const first = verdict.failed[0];
  if (first !== undefined) throw errors.get(first) ?? new Error(verdict.lastError);
  return { key, deleted_clusters: verdict.deleted, record_deleted: recordDeleted };
}
