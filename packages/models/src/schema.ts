// JSON Schemas of the model: the structure (types, enum values, required fields, the
// defaults of optional collections, the bounds of every number from bounds.ts). The
// REST layer validates bodies with them and the OpenAPI document is generated from them;
// the rules a schema cannot state (keys, unique keys, bindings, quantities, rules over
// more than one field) live in validate.ts. Unknown fields are kept, so a package
// written by an existing client comes back unchanged.
import { boundedNumber, bounds } from "./bounds.ts";
import { keyDescription } from "./keys.ts";
import { accessModifiers, consistencyModels, deploymentConditions, functionTypes } from "./types.ts";

type Schema = Record<string, unknown>;

const string: Schema = { type: "string" };
const boolFalse: Schema = { type: "boolean", default: false };
const stringList: Schema = { type: "array", items: string, default: [] };
const stringMap: Schema = { type: "object", additionalProperties: string, default: {} };
/** A key field (the rule itself is applied by validate.ts with keyProblem). */
const key: Schema = { type: "string", description: keyDescription };
const keyList: Schema = { type: "array", items: key, default: [] };
const scale = boundedNumber(bounds.scale);

function object(properties: Record<string, Schema>, required: string[] = []): Schema {
  return { type: "object", properties, ...(required.length ? { required } : {}) };
}

export const provisionConfigSchema = object({
  container_image: string,
  port: boundedNumber(bounds.port),
  max_concurrency: { ...boundedNumber(bounds.maxConcurrency), default: 0 },
  need_http2: boolFalse,
  cpu_request: string,
  memory_request: string,
  cpu_limit: string,
  memory_limit: string,
  min_scale: scale,
  max_scale: scale,
});

export const nfrRequirementsSchema = object({
  max_latency_ms: boundedNumber(bounds.latencyMs),
  min_throughput_rps: boundedNumber(bounds.throughputRps),
  availability: boundedNumber(bounds.fraction),
  cpu_utilization_target: boundedNumber(bounds.cpuTarget),
});

export const functionDeploymentSpecSchema = object(
  {
    function_key: key,
    description: string,
    available_location: string,
    nfr_requirements: nfrRequirementsSchema,
    provision_config: provisionConfigSchema,
    config: stringMap,
  },
  ["function_key"],
);

export const odgmSpecSchema = object({
  collections: keyList,
  partition_count: boundedNumber(bounds.partitionCount),
  replica_count: scale,
  shard_type: string,
});

export const classDeploymentSchema = object(
  {
    key: { ...key, description: `${keyDescription} Empty: <package_name>-<class_key>.`, default: "" },
    package_name: key,
    class_key: key,
    target_env: { ...key, description: `${keyDescription} Empty: the cluster's name.`, default: "" },
    target_clusters: { ...keyList, description: "Clusters to deploy to; empty: the PM's default cluster." },
    nfr_requirements: { ...nfrRequirementsSchema, default: {} },
    functions: { type: "array", items: functionDeploymentSpecSchema, default: [] },
    condition: { type: "string", enum: [...deploymentConditions], default: "PENDING" },
    odgm: odgmSpecSchema,
    achieved_availability: boundedNumber(bounds.fraction),
    replicas: scale,
    last_error: string,
    generation: {
      type: "integer",
      minimum: 0,
      description: "Set by the PM: +1 on every write of the spec; what If-Match names.",
    },
    created_at: string,
    updated_at: string,
  },
  ["package_name", "class_key"],
);

export const functionSchema = object(
  {
    key,
    function_type: { type: "string", enum: [...functionTypes], default: "CUSTOM" },
    description: string,
    provision_config: provisionConfigSchema,
    config: stringMap,
  },
  ["key"],
);

export const classSchema = object(
  {
    key,
    description: string,
    state_spec: object({
      key_specs: {
        type: "array",
        items: object({ name: string, key_type: string, nullable: boolFalse }, ["name"]),
        default: [],
      },
      default_provider: { type: "string", default: "memory" },
      consistency_model: { type: "string", enum: [...consistencyModels], default: "NONE" },
      persistent: boolFalse,
      serialization_format: { type: "string", default: "json" },
    }),
    function_bindings: {
      type: "array",
      items: object(
        {
          name: key,
          function_key: key,
          access_modifier: { type: "string", enum: [...accessModifiers], default: "PUBLIC" },
          stateless: boolFalse,
          parameters: stringList,
        },
        ["name", "function_key"],
      ),
      default: [],
    },
    disabled: boolFalse,
  },
  ["key"],
);

export const packageSchema = object(
  {
    name: key,
    version: string,
    disabled: boolFalse,
    metadata: {
      ...object({
        author: string,
        description: string,
        tags: stringList,
        created_at: string,
        updated_at: string,
      }),
      default: {},
    },
    classes: { type: "array", items: classSchema, default: [] },
    functions: { type: "array", items: functionSchema, default: [] },
    dependencies: keyList,
    deployments: { type: "array", items: classDeploymentSchema, default: [] },
  },
  ["name"],
);
