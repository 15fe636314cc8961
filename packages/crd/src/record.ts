// The DeploymentRecord custom resource (oaas.io/v1alpha1): its names, the object around
// spec and status (whose types come from their schemas, spec-schema.ts and
// status-schema.ts), and the labels, annotations and field manager the CRM sets.
import type { DeploymentRecordSpec } from "./spec-schema.ts";
import type { DeploymentRecordStatus } from "./status-schema.ts";

export const group = "oaas.io";
export const version = "v1alpha1";
export const apiVersion = `${group}/${version}`;
export const kind = "DeploymentRecord";
export const plural = "deploymentrecords";
export const singular = "deploymentrecord";
export const shortName = "dr";
/** Where DeploymentRecords are served, in the shape of @oaas/kube's ResourceType. */
export const deploymentRecordType = { group, version, plural, namespaced: true } as const;

/**
 * Largest `partition_count` of an ODGM collection (every ODGM replica holds a shard of
 * each partition): one rule for the CRM's render checks and the PM's model bounds.
 */
export const maxPartitionCount = 1024;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
}

export interface DeploymentRecord {
  apiVersion: typeof apiVersion;
  kind: typeof kind;
  metadata: ObjectMeta;
  spec: DeploymentRecordSpec;
  status?: DeploymentRecordStatus;
}

/** Label on the record and every child: which deployment it belongs to. */
export const deploymentIdLabel = "oaas.io/deployment-id";
/** Label on every child: the owning record's name. */
export const ownerLabel = "oaas.io/owner";
/** Label on function children: the function key (as a label value). */
export const functionLabel = "oaas.io/function";
/** Annotation with the correlation id of the request that last wrote the record. */
export const correlationIdAnnotation = "oaas.io/correlation-id";
/** Annotation naming who last wrote the record: `<principal> via <role>` (@oaas/auth describePrincipal). */
export const requestedByAnnotation = "oaas.io/requested-by";
/**
 * Annotation with the end user a caller says it acts for (the PM's `x-oaas-on-behalf-of`):
 * recorded for people reading the record, never trusted for authorization.
 */
export const onBehalfOfAnnotation = "oaas.io/on-behalf-of";

/**
 * Annotation with the W3C traceparent of the RPC that last wrote the record (only while
 * tracing is on): the watcher copies it into the reconcile job, so the reconcile is a
 * child of the Deploy that caused it.
 */
export const traceparentAnnotation = "oaas.io/traceparent";
/**
 * Field manager of every child the CRM applies and of the record status fields it owns
 * (server-side apply). The watcher reads it too: a child whose only manager is this one
 * was created by the reconciler's own run, which needs no job to learn of it.
 */
export const reconcilerFieldManager = "oaas-crm-reconciler";
/** Finalizer the CRM adds so children are deleted before the record goes. */
export const finalizer = "oaas.io/cleanup";
