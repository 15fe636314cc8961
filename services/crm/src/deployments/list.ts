// ListClassRuntimes filtering and paging. The API server does the exact package /
// class / env matching with field selectors (the CRD declares spec.package_name,
// spec.class_key and spec.target_env selectable) and keeps only records Deploy wrote
// (label oaas.io/deployment-id present). The status filter (computed from conditions,
// so not selectable) and limit/offset happen here, in memory, over a list sorted by
// record name so pages are stable. The exact filters are re-applied in memory too, so
// a result can never contain a non-matching record. The package/class/env labels on
// each record serve `kubectl get dr -l` and are not needed here.
import { deploymentIdLabel, type DeploymentRecord, type SummarizedStatus } from "@oaas/crd";
import { DeploymentError, type FieldError } from "./errors.ts";
import { summaryOf } from "./summary.ts";

export interface ListFilter {
  readonly packageName?: string;
  readonly classKey?: string;
  readonly targetEnv?: string;
  /** A SummarizedStatus name, any case; empty means any. */
  readonly status?: string;
  /** 0 or absent: defaultPageSize. */
  readonly limit?: number;
  readonly offset?: number;
}

const statuses: readonly SummarizedStatus[] = [
  "SUMMARY_UNKNOWN",
  "RUNNING",
  "PROGRESSING",
  "DEGRADED",
  "ERROR",
];

/** Problems with the filter itself (an unknown status name). */
export function validateListFilter(filter: ListFilter): FieldError[] {
  if (
    !filter.status ||
    parseStatus(filter.status) !== undefined ||
    filter.status.toUpperCase() === "NOT_FOUND"
  ) {
    return [];
  }
  return [
    { field: "status", message: `"${filter.status.slice(0, 40)}" is not one of ${statuses.join(", ")}` },
  ];
}

/** Only records the ingress wrote: they carry the deployment-id label. */
export const managedSelector = deploymentIdLabel;

/** The field selector for the exact filters; "" when there are none. */
export function fieldSelector(filter: ListFilter): string {
  const terms: string[] = [];
  if (filter.packageName) terms.push(`spec.package_name=${escapeFieldValue(filter.packageName)}`);
  if (filter.classKey) terms.push(`spec.class_key=${escapeFieldValue(filter.classKey)}`);
  if (filter.targetEnv) terms.push(`spec.target_env=${escapeFieldValue(filter.targetEnv)}`);
  return terms.join(",");
}

/** As Kubernetes' fields.EscapeValue: backslash, comma and equals are escaped. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

/** Exact filtering, stable order, then offset and limit. */
export function filterAndPage(records: readonly DeploymentRecord[], filter: ListFilter): DeploymentRecord[] {
  const status = filter.status ? (parseStatus(filter.status) ?? "NOT_FOUND") : undefined;
  const matching = records
    .filter((r) => !filter.packageName || r.spec.package_name === filter.packageName)
    .filter((r) => !filter.classKey || r.spec.class_key === filter.classKey)
    .filter((r) => !filter.targetEnv || r.spec.target_env === filter.targetEnv)
    .filter((r) => status === undefined || summaryOf(r) === status)
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  const start = filter.offset ?? 0;
  return matching.slice(start, start + (filter.limit || defaultPageSize));
}

/** Records per ListClassRuntimes page when the request names no limit. */
export const defaultPageSize = 100;
/**
 * Largest ListClassRuntimes answer, bytes: tonic and grpc-go clients refuse messages
 * over 4 MiB by default. Measured as the units' JSON (field names and all), which is
 * never smaller than their protobuf encoding, so the bound holds for every protocol;
 * 64 KiB are left for framing and the response envelope.
 */
export const maxListResponseBytes = 4 * 1024 * 1024 - 64 * 1024;

/**
 * The page itself when it fits in maxListResponseBytes; otherwise RESOURCE_EXHAUSTED
 * naming how many of its records do fit, in the message for a person and as the error's
 * pageHint for a program (the ingress sends it as the oaas.crm.v1.PageTooLarge detail),
 * so the caller asks again with that `limit` and pages on with `offset`.
 */
export function pageOf(page: DeploymentRecord[], filter: ListFilter): DeploymentRecord[] {
  let bytes = 0;
  for (const [index, record] of page.entries()) {
    bytes += Buffer.byteLength(JSON.stringify(record.spec), "utf8");
    if (bytes > maxListResponseBytes) {
      const fit = Math.max(1, index);
      const offset = filter.offset ?? 0;
      throw new DeploymentError(
        "resourceExhausted",
        `this page would exceed ${maxListResponseBytes} bytes (the 4 MiB message limit of default gRPC clients); ` +
          `ask with limit <= ${fit} and page with offset (now ${offset})`,
        [],
        { pageHint: { maxLimit: fit, offset, maxBytes: maxListResponseBytes } },
      );
    }
  }
  return page;
}

function parseStatus(text: string): SummarizedStatus | undefined {
  const upper = text.trim().toUpperCase();
  return statuses.find((s) => s === upper);
}
