// JSON Schemas of the model, written once with TypeBox: the structure (types, enum values,
// required fields, the defaults of optional collections, the bounds of every number from
// bounds.ts), and through Static<> the model's TypeScript types (types.ts). The REST
// layer validates bodies with them and the OpenAPI document is generated from them; the
// rules a schema cannot state (keys, unique keys, bindings, quantities, rules over more
// than one field) live in validate.ts.
//
// A field the model does not know is refused (400 naming it): a typo must never change
// where or what gets deployed. The exceptions are the reference implementation's own
// fields (github.com/pawissanutt/oaas-rs, commons/oprc-models), listed here as
// `referenceField`s: a client written for it keeps working, and the PM stores them as sent.
import Type, { type TObject, type TProperties, type TSchema } from "typebox";
import { boundedNumber, bounds } from "./bounds.ts";
import { accessModifiers, consistencyModels, deploymentConditions, functionTypes } from "./enums.ts";
import { keyDescription } from "./keys.ts";

/**
 * An object schema that refuses unknown fields. A property with a `default` is optional
 * on the wire (Ajv fills it in: ajvOptions.useDefaults) and present in the static type,
 * which describes the model after decoding; `Type.Optional` marks one that may stay absent.
 */
export function object<P extends TProperties>(
  properties: P,
  options: { description?: string } = {},
): TObject<P> {
  const schema = Type.Object(properties, { additionalProperties: false, ...options }) as TObject<P> & {
    required?: string[];
  };
  const required = (schema.required ?? []).filter((k) => !("default" in (properties[k] as object)));
  const rest: Record<string, unknown> = { ...schema };
  delete rest["required"];
  return (required.length ? { ...rest, required } : rest) as unknown as TObject<P>;
}

/** A field kept for clients of the reference implementation: accepted and stored as sent. */
export function referenceField<T extends TSchema>(
  schema: T,
  note: string,
): ReturnType<typeof Type.Optional<T>> {
  const described: T = { ...schema, description: `Reference implementation field: ${note}` };
  return Type.Optional(described);
}

const string = Type.String();
const boolFalse = Type.Boolean({ default: false });
const stringList = Type.Array(Type.String(), { default: [] });
const stringMap = Type.Record(Type.String(), Type.String(), { default: {} });
/** A key field (the rule itself is applied by validate.ts with keyProblem). */
const key = Type.String({ description: keyDescription });
const keyList = Type.Array(key, { default: [] });
const scale = () => boundedNumber(bounds.scale);
/** An object the reference implementation defines and the PM does not read. */
const opaque = Type.Record(Type.String(), Type.Unknown());

export const provisionConfigSchema = object({
  container_image: Type.Optional(string),
  port: Type.Optional(boundedNumber(bounds.port)),
  /** 0 = unlimited. */
  max_concurrency: boundedNumber(bounds.maxConcurrency, { default: 0 }),
  need_http2: boolFalse,
  cpu_request: Type.Optional(string),
  memory_request: Type.Optional(string),
  cpu_limit: Type.Optional(string),
  memory_limit: Type.Optional(string),
  min_scale: Type.Optional(scale()),
  max_scale: Type.Optional(scale()),
});

export const nfrRequirementsSchema = object({
  max_latency_ms: Type.Optional(boundedNumber(bounds.latencyMs)),
  min_throughput_rps: Type.Optional(boundedNumber(bounds.throughputRps)),
  /** 0..1; the replica sizing target (default 0.99). */
  availability: Type.Optional(boundedNumber(bounds.fraction)),
  cpu_utilization_target: Type.Optional(boundedNumber(bounds.cpuTarget)),
});

export const functionDeploymentSpecSchema = object({
  function_key: key,
  description: Type.Optional(string),
  available_location: Type.Optional(string),
  nfr_requirements: Type.Optional(nfrRequirementsSchema),
  provision_config: Type.Optional(provisionConfigSchema),
  /** Injected into the function container as environment variables. */
  config: stringMap,
  qos_requirement: referenceField(opaque, "per-function QoS; the PM sizes from nfr_requirements."),
});

export const odgmSpecSchema = object({
  collections: keyList,
  partition_count: Type.Optional(boundedNumber(bounds.partitionCount)),
  replica_count: Type.Optional(scale()),
  shard_type: Type.Optional(string),
});

export const classDeploymentSchema = object({
  /** Logical key; the per-cluster unit ids derive from it. */
  key: Type.String({ description: `${keyDescription} Empty: <package_name>-<class_key>.`, default: "" }),
  package_name: key,
  class_key: key,
  target_env: Type.String({ description: `${keyDescription} Empty: the cluster's name.`, default: "" }),
  /** Cluster names; empty means the PM's default cluster. */
  target_clusters: Type.Array(key, {
    default: [],
    description: "Clusters to deploy to; empty: the PM's default cluster. Alias: target_envs.",
  }),
  target_envs: referenceField(
    Type.Array(key),
    "the same as target_clusters (renamed there); when both are given they must name the same clusters.",
  ),
  available_envs: referenceField(
    Type.Array(key),
    "clusters a deployment may go to; every target cluster must be one of them.",
  ),
  env_templates: referenceField(
    Type.Record(Type.String(), Type.String()),
    "per-cluster template overrides; the CRM chooses templates, so only an empty map is accepted.",
  ),
  telemetry: referenceField(opaque, "telemetry settings; stored, not used."),
  status: referenceField(Type.Unknown(), "a status summary the reference sets; ignored on input."),
  nfr_requirements: { ...nfrRequirementsSchema, default: {} },
  functions: Type.Array(functionDeploymentSpecSchema, { default: [] }),
  condition: Type.Enum(deploymentConditions, { default: "PENDING" }),
  odgm: Type.Optional(odgmSpecSchema),
  /** Quorum availability the planned replica count achieves (set by the PM). */
  achieved_availability: Type.Optional(boundedNumber(bounds.fraction)),
  /** Replica count the PM chose (set by the PM). */
  replicas: Type.Optional(scale()),
  /** Last error when condition is DOWN. */
  last_error: Type.Optional(string),
  /**
   * Set by the PM: 1 when created, +1 on every write of the spec (create, redeploy),
   * never by status changes. A client's `If-Match` names the generation it read, so a
   * concurrent update is refused instead of lost (like Kubernetes metadata.generation).
   */
  generation: Type.Optional(
    Type.Integer({
      minimum: 0,
      description: "Set by the PM: +1 on every write of the spec; what If-Match names.",
    }),
  ),
  created_at: Type.Optional(string),
  updated_at: Type.Optional(string),
});

export const functionSchema = object({
  key,
  function_type: Type.Enum(functionTypes, { default: "CUSTOM" }),
  description: Type.Optional(string),
  provision_config: Type.Optional(provisionConfigSchema),
  /** Injected into the function container as environment variables. */
  config: stringMap,
  immutable: referenceField(Type.Boolean(), "stored, not used."),
  disabled: referenceField(Type.Boolean(), "stored, not used."),
  metadata: referenceField(
    opaque,
    "description, parameters, return_type, resource_requirements; stored, not used: the PM reads provision_config.",
  ),
  qos_requirement: referenceField(opaque, "stored, not used: deployments carry nfr_requirements."),
  qos_constraint: referenceField(opaque, "stored, not used."),
});

export const keySpecificationSchema = object({ name: string, key_type: string, nullable: boolFalse });

export const stateSpecificationSchema = object({
  key_specs: Type.Array(keySpecificationSchema, { default: [] }),
  default_provider: Type.String({ default: "memory" }),
  consistency_model: Type.Enum(consistencyModels, { default: "NONE" }),
  persistent: boolFalse,
  serialization_format: Type.String({ default: "json" }),
});

export const functionBindingSchema = object({
  /** The method name on the class. */
  name: key,
  /** Key of an OFunction in the same package. */
  function_key: key,
  access_modifier: Type.Enum(accessModifiers, { default: "PUBLIC" }),
  stateless: boolFalse,
  parameters: stringList,
  immutable: referenceField(Type.Boolean(), "stored, not used."),
});

export const classSchema = object({
  key,
  description: Type.Optional(string),
  state_spec: Type.Optional(stateSpecificationSchema),
  function_bindings: Type.Array(functionBindingSchema, { default: [] }),
  disabled: boolFalse,
});

export const packageMetadataSchema = object({
  author: Type.Optional(string),
  description: Type.Optional(string),
  tags: stringList,
  /** RFC 3339 timestamps, set by the PM. */
  created_at: Type.Optional(string),
  updated_at: Type.Optional(string),
});

export const packageSchema = object({
  name: key,
  version: Type.Optional(string),
  disabled: boolFalse,
  metadata: { ...packageMetadataSchema, default: {} },
  classes: Type.Array(classSchema, { default: [] }),
  functions: Type.Array(functionSchema, { default: [] }),
  /** Names of other packages this one needs. */
  dependencies: keyList,
  /** Class deployments scheduled when the package is created. */
  deployments: Type.Array(classDeploymentSchema, { default: [] }),
});
