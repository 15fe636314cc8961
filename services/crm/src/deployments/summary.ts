// What GetDeploymentStatus and the list's status filter say about a record. Pure.
import { statusSummary, summarize, type DeploymentRecord, type SummarizedStatus } from "@oaas/crd";

/** The PM-facing summary of a record (a record being deleted reads PROGRESSING). */
export function summaryOf(record: DeploymentRecord): SummarizedStatus {
  return summarize(record.status, summaryOptions(record));
}

/**
 * The status text in GetDeploymentStatus.message: "<SUMMARY> (<phase>): <message>",
 * e.g. "PROGRESSING (Deleting): children are being deleted before the record goes".
 * It starts with the SummarizedStatus name so a client can read the summary off it.
 */
export function statusMessage(record: DeploymentRecord): string {
  const options = summaryOptions(record);
  const detail = statusSummary(record.status?.conditions, options);
  const text = detail.message || record.status?.message || "";
  return `${summarize(record.status, options)} (${detail.phase})${text ? `: ${text}` : ""}`;
}

function summaryOptions(record: DeploymentRecord): { deleting: boolean; generation?: number } {
  const deleting = record.metadata.deletionTimestamp !== undefined;
  const generation = record.metadata.generation;
  return generation === undefined ? { deleting } : { deleting, generation };
}
