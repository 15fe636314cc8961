// JSON Schemas of the model: the structure (types, enum values, required fields, the
// defaults of optional collections). The REST layer validates bodies with them and the
// OpenAPI document is generated from them; the rules that need more than one field
// (unique keys, bindings, ranges, quantities) live in validate.ts. Unknown fields are
// kept, so a package written by an existing client comes back unchanged.
import { accessModifiers, consistencyModels, deploymentConditions, functionTypes } from "./types.ts";

type Schema = Record<string, unknown>;

const string: Schema = { type: "string" };
const boolFalse: Schema = { type: "boolean", default: false };
const stringList: Schema = { type: "array", items: string, default: [] };
const stringMap: Schema = { type: "object", additionalProperties: string, default: {} };
const uint32: Schema = { type: "integer", minimum: 0, maximum: 4_294_967_295 };
const number: Schema = { type: "number" };

function object(properties: Record<string, Schema>, required: string[] = []): Schema {
  return { type: "object", properties, ...(required.length ? { required } : {}) };
}

export const provisionConfigSchema = object({
  container_image: string,
  port: uint32,
  max_concurrency: { ...uint32, default: 0 },
  need_http2: boolFalse,
  cpu_request: string,
  memory_request: string,
  cpu_limit: string,
  memory_limit: string,
  min_scale: uint32,
  max_scale: uint32,
});

export const nfrRequirementsSchema = object({
  max_latency_ms: uint32,
  min_throughput_rps: uint32,
  availability: number,
  cpu_utilization_target: number,
});

export const functionDeploymentSpecSchema = object(
  {
    function_key: string,
    description: string,
    available_location: string,
    nfr_requirements: nfrRequirementsSchema,
    provision_config: provisionConfigSchema,
    config: stringMap,
  },
  ["function_key"],
);

export const odgmSpecSchema = object({
  collections: stringList,
  partition_count: uint32,
  replica_count: uint32,
  shard_type: string,
});

export const classDeploymentSchema = object(
  {
    key: { type: "string", default: "" },
    package_name: string,
    class_key: string,
    target_env: { type: "string", default: "" },
    target_clusters: stringList,
    nfr_requirements: { ...nfrRequirementsSchema, default: {} },
    functions: { type: "array", items: functionDeploymentSpecSchema, default: [] },
    condition: { type: "string", enum: [...deploymentConditions], default: "PENDING" },
    odgm: odgmSpecSchema,
    achieved_availability: number,
    replicas: uint32,
    last_error: string,
    created_at: string,
    updated_at: string,
  },
  ["package_name", "class_key"],
);

export const functionSchema = object(
  {
    key: string,
    function_type: { type: "string", enum: [...functionTypes], default: "CUSTOM" },
    description: string,
    provision_config: provisionConfigSchema,
    config: stringMap,
  },
  ["key"],
);

export const classSchema = object(
  {
    key: string,
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
          name: string,
          function_key: string,
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
    name: string,
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
    dependencies: stringList,
    deployments: { type: "array", items: classDeploymentSchema, default: [] },
  },
  ["name"],
);
