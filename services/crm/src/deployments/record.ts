// The DeploymentRecord the ingress applies for a spec, and the test that decides an
// apply would change nothing. Pure.
import { createHash } from "node:crypto";
import {
  apiVersion,
  correlationIdAnnotation,
  deploymentIdLabel,
  finalizer,
  kind,
  labelValue,
  onBehalfOfAnnotation,
  requestedByAnnotation,
  recordName,
  traceparentAnnotation,
  type DeploymentRecord,
  type DeploymentRecordSpec,
} from "@oaas/crd";
import {
  classLabel,
  envLabel,
  managedByLabel,
  managedByValue,
  packageLabel,
  specHashAnnotation,
} from "./labels.ts";

export interface RecordContext {
  readonly namespace: string;
  /** Goes into the correlation annotation: which request last wrote the record. */
  readonly correlationId: string;
  /** Goes into the traceparent annotation (when tracing is on): the trace the reconcile joins. */
  readonly traceparent?: string;
  /** Goes into the requested-by annotation: `<principal> via <role>` of the request. */
  readonly requestedBy?: string;
  /** Goes into the on-behalf-of annotation: the end user the caller names (recorded, never trusted). */
  readonly onBehalfOf?: string;
}

/** The record as the ingress applies it (server-side apply, field manager oaas-crm-ingress). */
export function desiredRecord(spec: DeploymentRecordSpec, context: RecordContext): DeploymentRecord {
  const id = spec.deployment_id ?? "";
  return {
    apiVersion,
    kind,
    metadata: {
      name: recordName(id),
      namespace: context.namespace,
      labels: {
        [deploymentIdLabel]: labelValue(id),
        [packageLabel]: labelValue(spec.package_name ?? ""),
        [classLabel]: labelValue(spec.class_key ?? ""),
        [envLabel]: labelValue(spec.target_env ?? ""),
        [managedByLabel]: managedByValue,
      },
      annotations: {
        [correlationIdAnnotation]: context.correlationId,
        ...(context.traceparent ? { [traceparentAnnotation]: context.traceparent } : {}),
        ...(context.requestedBy ? { [requestedByAnnotation]: context.requestedBy } : {}),
        ...(context.onBehalfOf ? { [onBehalfOfAnnotation]: context.onBehalfOf } : {}),
        [specHashAnnotation]: specHash(spec),
      },
      finalizers: [finalizer],
    },
    spec,
  };
}

/** SHA-256 (hex, first 32 chars) of the spec as canonical JSON (keys sorted). */
export function specHash(spec: DeploymentRecordSpec): string {
  return createHash("sha256").update(canonicalJson(spec)).digest("hex").slice(0, 32);
}

/**
 * True when applying `desired` over `existing` would change nothing the ingress owns:
 * the last applied spec is the same (hash annotation), the stored spec still holds
 * every desired value (nobody edited them), and labels and finalizer are in place.
 * The correlation, traceparent, requested-by and on-behalf-of annotations are ignored: they name the request that last wrote.
 */
export function isUpToDate(existing: DeploymentRecord, desired: DeploymentRecord): boolean {
  const want = desired.metadata;
  const have = existing.metadata;
  return (
    have.annotations?.[specHashAnnotation] === want.annotations?.[specHashAnnotation] &&
    Object.entries(want.labels ?? {}).every(([k, v]) => have.labels?.[k] === v) &&
    (have.finalizers ?? []).includes(finalizer) &&
    contains(existing.spec, desired.spec)
  );
}

/** Every value in `want` is present and equal in `have` (objects by key; arrays exactly). */
export function contains(have: unknown, want: unknown): boolean {
  if (Array.isArray(want)) {
    return Array.isArray(have) && have.length === want.length && want.every((w, i) => contains(have[i], w));
  }
  if (typeof want === "object" && want !== null) {
    if (typeof have !== "object" || have === null || Array.isArray(have)) return false;
    const h = have as Record<string, unknown>;
    return Object.entries(want).every(([k, w]) => w === undefined || contains(h[k], w));
  }
  return have === want;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
