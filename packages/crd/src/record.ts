// The DeploymentRecord custom resource (oaas.io/v1alpha1), as TypeScript types.
// Spec fields use the wire contract's snake_case names so a DeploymentUnit maps 1:1;
// 64-bit integers are decimal strings, as in the protobuf JSON mapping, so nothing
// the PM sent is rounded on the way through a JSON document.

export const group = "oaas.io";
export const version = "v1alpha1";
export const apiVersion = `${group}/${version}`;
export const kind = "DeploymentRecord";
export const plural = "deploymentrecords";
export const singular = "deploymentrecord";
export const shortName = "dr";
/** Where DeploymentRecords are served, in the shape of @oaas/kube's ResourceType. */
export const deploymentRecordType = { group, version, plural, namespaced: true } as const;

/** oaas.common.NfrRequirements */
export interface NfrRequirements {
  max_latency_ms?: number;
  min_throughput_rps?: number;
  /** 0..1 */
  availability?: number;
  /** 0..1 (fraction of requested CPU) */
  cpu_utilization_target?: number;
}

/** oaas.common.ProvisionConfig: the only source of image and scaling bounds. */
export interface ProvisionConfig {
  container_image?: string;
  port?: number;
  /** 0 = unlimited */
  max_concurrency?: number;
  need_http2?: boolean;
  cpu_request?: string;
  memory_request?: string;
  cpu_limit?: string;
  memory_limit?: string;
  min_scale?: number;
  max_scale?: number;
}

/** oaas.deployment.FunctionDeploymentSpec */
export interface FunctionSpec {
  function_key: string;
  description?: string;
  available_location?: string;
  nfr_requirements?: NfrRequirements;
  provision_config?: ProvisionConfig;
  /** Injected into the function container as environment variables. */
  config?: Record<string, string>;
}

/** oaas.deployment.FunctionRoute */
export interface FunctionRoute {
  url: string;
  stateless?: boolean;
  standby?: boolean;
  /** uint64 values as decimal strings. */
  active_group?: string[];
}

/** oaas.deployment.OdgmConfig */
export interface OdgmConfig {
  collections?: string[];
  partition_count?: number;
  replica_count?: number;
  shard_type?: string;
  invocations?: { fn_routes?: Record<string, FunctionRoute>; disabled_fn?: string[] };
  options?: Record<string, string>;
}

/**
 * Largest `partition_count` of an ODGM collection (every ODGM replica holds a shard of
 * each partition): one rule for the CRM's render checks and the PM's model bounds.
 */
export const maxPartitionCount = 1024;

/** oaas.common.Timestamp; seconds is an int64 as a decimal string. */
export interface Timestamp {
  seconds: string;
  nanos: number;
}

export type EnforcementMode = "off" | "observe" | "enforce";
export type EnforcementDimension = "replicas" | "cpu" | "memory";

/** Per-record NFR settings (hand-written or derived from the unit). */
export interface NfrSpec {
  /** Class-level requirements used by template scoring. */
  requirements?: NfrRequirements & { consistency?: string };
  enforcement?: { mode?: EnforcementMode; dimensions?: EnforcementDimension[] };
}

/**
 * What the CRM is asked to run. Deploy writes every DeploymentUnit field plus
 * deployment_id; a hand-written record may instead use `function` (one function,
 * image + port), `selected_template`, `addons`, `odgm_config` and `nfr`.
 */
export interface DeploymentRecordSpec {
  /** DeploymentUnit.id; the record name is derived from it (see names.ts). */
  deployment_id?: string;
  package_name?: string;
  class_key?: string;
  target_env?: string;
  functions?: FunctionSpec[];
  created_at?: Timestamp;
  odgm_config?: OdgmConfig;
  /** Explicit template (dev, edge, full, knative or an alias); wins over scoring. */
  selected_template?: string;
  /** Softer than selected_template: used when valid, ignored by nothing else. */
  template_hint?: string;
  /** e.g. ["odgm"] */
  addons?: string[];
  /** Hand-written single-function shorthand. */
  function?: { image?: string; port?: number };
  nfr?: NfrSpec;
}

export type ConditionType = "Available" | "Progressing" | "Degraded" | "NfrObserved";
export type ConditionStatus = "True" | "False" | "Unknown";

/** The Kubernetes metav1.Condition shape. */
export interface Condition {
  type: ConditionType;
  status: ConditionStatus;
  /** CamelCase, machine-readable. */
  reason: string;
  /** For a person: what is wrong and what to do. */
  message: string;
  /** RFC 3339 */
  lastTransitionTime: string;
  observedGeneration?: number;
}

export type Phase = "Pending" | "Progressing" | "Available" | "Degraded" | "Failed" | "Deleting";

export interface ResourceRef {
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  apiVersion?: string;
}

/** One recommendation for one component (function key or "odgm") and dimension. */
export interface Recommendation {
  component: string;
  dimension: EnforcementDimension;
  target: number;
  /** Where it came from, e.g. "p99_latency over 10m" or "enforcer". */
  basis: string;
  /** 0..1 */
  confidence: number;
}

export interface TemplateSelection {
  name: string;
  score: number;
  runner_up?: { name: string; score: number };
  reason: string;
}

/** Observed state of one function's workload (Deployment or Knative Service). */
export interface FunctionStatus {
  function_key: string;
  ready: boolean;
  /** CamelCase, e.g. Available, RollingOut, ProgressDeadlineExceeded, RevisionFailed. */
  reason: string;
  /** For a person: what is happening and, when not ready, what to do. */
  message: string;
  /** In-cluster URL, http://<service>.<namespace>.svc.cluster.local:<port>. */
  url?: string;
}

export interface DeploymentRecordStatus {
  observedGeneration?: number;
  /** Derived from conditions, never stored alone (conditions.ts statusSummary). */
  phase?: Phase;
  /**
   * Reason of the condition that explains the phase (Degraded's when degraded, Progressing's
   * when progressing, ...), derived together with phase; the Reason printer column.
   */
  reason?: string;
  /** For a person: what the phase means here and what to do, derived with phase. */
  message?: string;
  conditions?: Condition[];
  resource_refs?: ResourceRef[];
  /** One entry per function, in spec order (written by the reconciler). */
  functions?: FunctionStatus[];
  selected_template?: string;
  template_selection?: TemplateSelection;
  nfr_recommendations?: Recommendation[];
  last_applied_recommendations?: Recommendation[];
  /** RFC 3339 */
  last_applied_at?: string;
}

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
