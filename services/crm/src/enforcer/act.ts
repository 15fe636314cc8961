// Act step of the enforcer: the thin writer. Server-side applies each object's changes
// with the enforcer's own field manager (forced: the fields are the enforcer's once the
// record is in enforce mode; the reconciler leaves them out of what it renders), then
// announces what was applied: status.last_applied_recommendations and last_applied_at
// (the enforcer's own status fields, same field manager), one NFRApplied Event per change
// and one history entry per change.
import type { DeploymentRecord } from "@oaas/crd";
import { applyObject, type EventRecorder, type KubeClient } from "@oaas/kube";
import type { Decision, Recommendation } from "@oaas/nfr";
import { applyBody, changeNote, type Change } from "./apply-body.ts";
import type { EntryBody } from "./history-entries.ts";
import { appliedEntry } from "./history-entries.ts";
import { enforcerFieldManager } from "../children/enforcer-fields.ts";
import { lastApplied } from "./plan.ts";
import { applyRecordStatus } from "../deployments/record-resource.ts";
import { workloadTypes } from "./workloads.ts";

export interface ActDeps {
  readonly kube: KubeClient;
  readonly events: EventRecorder;
  /** Appends one entry to the record's history (time, worker and ids filled in by the caller). */
  readonly history: (entry: EntryBody) => Promise<void>;
}

/**
 * Applies one object's changes (applyBody: only the owned fields, uid precondition).
 * @throws KubeError as the API server answered (conflict: the object was re-created;
 *   invalid: it is gone; forbidden: RBAC).
 */
export async function writeChanges(
  kube: KubeClient,
  changes: readonly Change[],
  signal: AbortSignal,
): Promise<void> {
  const body = applyBody(changes);
  const at = changes[0]?.at;
  if (at === undefined) return;
  await applyObject(kube, workloadTypes[at.kind].type, body, {
    fieldManager: enforcerFieldManager,
    force: true,
    signal,
  });
}

/**
 * Says that `changes` were applied at `at`: the status fields, then per change one Normal
 * NFRApplied Event (`replicas_min=3 for function f1`) and one history entry. Called once
 * per applied change (a retried run finds the change announced in its stored state and
 * does not come here again for it).
 */
export async function announce(
  deps: ActDeps,
  record: DeploymentRecord,
  changes: readonly Change[],
  decisions: readonly Decision[],
  at: Date,
  signal: AbortSignal,
): Promise<void> {
  if (changes.length === 0) return;
  const recommendations: Recommendation[] = record.status?.nfr_recommendations ?? [];
  await applyEnforcerStatus(
    deps.kube,
    record,
    lastApplied(record.status?.last_applied_recommendations ?? [], changes, recommendations),
    at,
    signal,
  );
  const { name, namespace = "", uid } = record.metadata;
  for (const change of changes) {
    await deps.events.record({
      regarding: {
        apiVersion: record.apiVersion,
        kind: record.kind,
        name,
        namespace,
        ...(uid ? { uid } : {}),
      },
      type: "Normal",
      reason: "NFRApplied",
      action: "Enforce",
      note: changeNote(change),
    });
    const decision = decisions.find(
      (d) => d.component === change.component && d.dimension === change.dimension,
    );
    await deps.history(appliedEntry(change, decision));
  }
}

/**
 * Server-side apply of the enforcer's status fields through /status (the reconciler's and
 * analyzer's fields have their own managers and stay). The uid keeps it off a new
 * incarnation of the record.
 */
export function applyEnforcerStatus(
  kube: KubeClient,
  record: DeploymentRecord,
  applied: Recommendation[],
  at: Date,
  signal: AbortSignal,
): Promise<DeploymentRecord> {
  return applyRecordStatus(
    kube,
    record,
    { last_applied_recommendations: applied, last_applied_at: at.toISOString() },
    enforcerFieldManager,
    signal,
  );
}
