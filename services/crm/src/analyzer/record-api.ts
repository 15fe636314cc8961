// The analyzer's only write: server-side apply of the status fields it owns
// (nfr_recommendations and the NfrObserved condition) through the status subresource,
// with its own field manager, so the reconciler's apply of its own conditions and the
// enforcer's last_applied_* never take these away nor fight over them (the CRD keys
// status.conditions by type). A field it stops sending is removed (it owns it).
// https://kubernetes.io/docs/reference/using-api/server-side-apply/
import type { DeploymentRecord } from "@oaas/crd";
import type { KubeClient } from "@oaas/kube";
import { applyRecordStatus } from "../deployments/record-resource.ts";
import type { AnalyzerStatus } from "./status.ts";

/** Field manager of the analyzer's status fields. */
export const analyzerFieldManager = "oaas-crm-analyzer";

/** Applies `status`; the uid precondition keeps it off a re-created record of the same name. */
export function applyAnalyzerStatus(
  kube: KubeClient,
  record: DeploymentRecord,
  status: AnalyzerStatus,
  signal: AbortSignal,
  fieldManager: string = analyzerFieldManager,
): Promise<DeploymentRecord> {
  return applyRecordStatus(kube, record, status, fieldManager, signal);
}
