// The PM's domain model in the JSON shape existing clients send: snake_case fields,
// SCREAMING enum values. Optional collections are always present after decoding
// (decode.ts fills the defaults), so code never tests them for undefined.

export const consistencyModels = ["NONE", "READ_YOUR_WRITE", "BOUNDED_STALENESS", "STRONG"] as const;
export type ConsistencyModel = (typeof consistencyModels)[number];

export const accessModifiers = ["PUBLIC", "INTERNAL", "PRIVATE"] as const;
export type AccessModifier = (typeof accessModifiers)[number];

export const functionTypes = ["BUILTIN", "CUSTOM", "MACRO", "LOGICAL"] as const;
export type FunctionType = (typeof functionTypes)[number];

/**
 * Lifecycle of a stored class deployment (see the PM's deployment flow). UNKNOWN: a
 * dispatch's outcome is not known (the connection broke after the unit was sent, or the
 * PM stopped mid-dispatch); the PM's resync asks the clusters and settles it.
 */
export const deploymentConditions = [
  "PENDING",
  "DEPLOYING",
  "RUNNING",
  "DOWN",
  "DELETED",
  "UNKNOWN",
] as const;
export type DeploymentCondition = (typeof deploymentConditions)[number];

export interface KeySpecification {
  name: string;
  key_type: string;
  nullable: boolean;
}

export interface StateSpecification {
  key_specs: KeySpecification[];
  default_provider: string;
  consistency_model: ConsistencyModel;
  persistent: boolean;
  serialization_format: string;
}

export interface FunctionBinding {
  /** The method name on the class. */
  name: string;
  /** Key of an OFunction in the same package. */
  function_key: string;
  access_modifier: AccessModifier;
  stateless: boolean;
  parameters: string[];
}

export interface OClass {
  key: string;
  description?: string;
  state_spec?: StateSpecification;
  function_bindings: FunctionBinding[];
  disabled: boolean;
}

/** Per-function image and scaling bounds (the wire's oaas.common.ProvisionConfig). */
export interface ProvisionConfig {
  container_image?: string;
  port?: number;
  /** 0 = unlimited. */
  max_concurrency: number;
  need_http2: boolean;
  cpu_request?: string;
  memory_request?: string;
  cpu_limit?: string;
  memory_limit?: string;
  min_scale?: number;
  max_scale?: number;
}

export interface OFunction {
  key: string;
  function_type: FunctionType;
  description?: string;
  provision_config?: ProvisionConfig;
  /** Injected into the function container as environment variables. */
  config: Record<string, string>;
}

export interface PackageMetadata {
  author?: string;
  description?: string;
  tags: string[];
  /** RFC 3339 timestamps, set by the PM. */
  created_at?: string;
  updated_at?: string;
}

export interface NfrRequirements {
  max_latency_ms?: number;
  min_throughput_rps?: number;
  /** 0..1; the replica sizing target (default 0.99). */
  availability?: number;
  /** 0..1 */
  cpu_utilization_target?: number;
}

export interface FunctionDeploymentSpec {
  function_key: string;
  description?: string;
  available_location?: string;
  nfr_requirements?: NfrRequirements;
  provision_config?: ProvisionConfig;
  config: Record<string, string>;
}

export interface OdgmSpec {
  collections: string[];
  partition_count?: number;
  replica_count?: number;
  shard_type?: string;
}

export interface OClassDeployment {
  /** Logical key; the per-cluster unit ids derive from it. */
  key: string;
  package_name: string;
  class_key: string;
  target_env: string;
  /** Cluster names; empty means the PM's default cluster. */
  target_clusters: string[];
  nfr_requirements: NfrRequirements;
  functions: FunctionDeploymentSpec[];
  condition: DeploymentCondition;
  odgm?: OdgmSpec;
  /** Quorum availability the planned replica count achieves (set by the PM). */
  achieved_availability?: number;
  /** Replica count the PM chose (set by the PM). */
  replicas?: number;
  /** Last error when condition is DOWN. */
  last_error?: string;
  /**
   * Set by the PM: 1 when created, +1 on every write of the spec (create, redeploy),
   * never by status changes. A client's `If-Match` names the generation it read, so a
   * concurrent update is refused instead of lost (like Kubernetes metadata.generation).
   */
  generation?: number;
  created_at?: string;
  updated_at?: string;
}

export interface OPackage {
  name: string;
  version?: string;
  disabled: boolean;
  metadata: PackageMetadata;
  classes: OClass[];
  functions: OFunction[];
  /** Names of other packages this one needs. */
  dependencies: string[];
  /** Class deployments scheduled when the package is created. */
  deployments: OClassDeployment[];
}

/** One problem with an input, at a field path such as `classes[0].function_bindings[1].function_key`. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

/** "field: message; field: message" — the text of a 400 answer. */
export function describeErrors(errors: readonly FieldError[]): string {
  return errors.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join("; ");
}
