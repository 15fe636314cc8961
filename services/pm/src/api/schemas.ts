// Route schemas: bodies are the model's own JSON Schemas (packages/models), so Fastify's
// validation and the OpenAPI document come from one source. Query strings are strings
// on the wire; `integer`/`boolean` there are coerced by the query validator. Every path
// parameter and every query filter that names a package, class, environment, cluster or
// deployment is a key (@oaas/models keySchema: the same rule as the body's keys), after
// percent-decoding: `a%2Fb` is refused like `a/b`, and "%2E%2E" like "..".
import {
  boundedNumber,
  bounds,
  classDeploymentSchema,
  deploymentConditions,
  keySchema,
  packageSchema,
} from "@oaas/models";

type Schema = Record<string, unknown>;

const paging: Record<string, Schema> = {
  limit: boundedNumber(bounds.pageSize),
  offset: boundedNumber(bounds.offset),
};

function query(properties: Record<string, Schema>): Schema {
  return { type: "object", properties: { ...properties }, additionalProperties: false };
}

function params(...names: string[]): Schema {
  return {
    type: "object",
    properties: Object.fromEntries(names.map((n) => [n, keySchema])),
    required: names,
  };
}

export const errorSchema: Schema = {
  type: "object",
  properties: { error: { type: "string" } },
  required: ["error"],
};

/** One condition of a CRM's DeploymentRecord (Kubernetes condition fields, snake_case). */
const recordCondition: Schema = {
  type: "object",
  properties: {
    type: { type: "string", description: "Available, Progressing, Degraded or NfrObserved" },
    status: { type: "string", enum: ["True", "False", "Unknown"] },
    reason: { type: "string", description: "CamelCase, machine-readable" },
    message: { type: "string", description: "for a person: what is wrong and what to do" },
    last_transition_time: { type: "string", format: "date-time" },
    observed_generation: { type: "integer", description: "the record generation the condition is for" },
  },
  required: ["type", "status"],
};

/** One function's workload as the CRM's reconciler last observed it. */
const recordFunction: Schema = {
  type: "object",
  properties: {
    function_key: { type: "string" },
    ready: { type: "boolean" },
    reason: {
      type: "string",
      description: "CamelCase, e.g. Available, RollingOut, ProgressDeadlineExceeded",
    },
    message: { type: "string" },
    url: { type: "string", description: "in-cluster URL of the function's Service" },
  },
  required: ["function_key", "ready"],
};

/**
 * GET /deployment-status/{id}: one cluster's answer (services/deployments.ts
 * DeploymentStatusAnswer). Also the serializer: a field missing here is not sent.
 */
const deploymentStatus: Schema = {
  type: "object",
  properties: {
    cluster: { type: "string" },
    deployment_id: { type: "string", description: "the unit id on that cluster" },
    status: {
      type: "string",
      description: "summarized status: RUNNING, PROGRESSING, DEGRADED, ERROR or SUMMARY_UNKNOWN",
    },
    message: { type: "string", description: 'the CRM\'s "<SUMMARY> (<phase>): <message>"' },
    deployment: {
      type: "object",
      additionalProperties: true,
      description: "the DeploymentUnit as the CRM stored it (protobuf JSON, field names as in the contract)",
    },
    status_resource_refs: {
      type: "array",
      items: {
        type: "object",
        properties: {
          kind: { type: "string" },
          name: { type: "string" },
          namespace: { type: "string" },
          uid: { type: "string" },
        },
        required: ["kind", "name"],
      },
    },
    conditions: {
      type: "array",
      items: recordCondition,
      description: "the record's conditions with reasons; absent when detail_unavailable is set",
    },
    functions: {
      type: "array",
      items: recordFunction,
      description: "each function's readiness and URL; absent when detail_unavailable is set",
    },
    detail_unavailable: {
      type: "string",
      description:
        "why conditions and functions are missing (a CRM without its record status route, no answer in time, its API server down); the rest of the answer stands",
    },
  },
  required: ["cluster", "deployment_id", "status", "status_resource_refs"],
};

export const schemas = {
  packageBody: packageSchema,
  deploymentBody: classDeploymentSchema,
  packageList: query({
    name_pattern: { type: "string" },
    disabled: { type: "boolean" },
    tags: { type: "string", description: "comma-separated; a package must carry all of them" },
    ...paging,
  }),
  deploymentList: query({
    package_name: keySchema,
    class_key: keySchema,
    target_env: keySchema,
    target_cluster: keySchema,
    condition: { type: "string", enum: [...deploymentConditions] },
    ...paging,
  }),
  runtimeList: query({
    package_name: keySchema,
    class_key: keySchema,
    environment: keySchema,
    cluster: keySchema,
    status: { type: "string", description: "a summarized status (RUNNING, PROGRESSING, ...; any case)" },
    ...paging,
  }),
  clusterQuery: query({ cluster: keySchema }),
  /** PUT /deployments/{key}: If-Match names the generation read (its ETag). */
  ifMatch: {
    type: "object",
    properties: {
      "if-match": {
        type: "string",
        maxLength: 100,
        description:
          'the ETag of GET /deployments/{key} ("<generation>"): refused with 412 when it changed since',
      },
    },
  },
  /** Routes that take no query parameter: an unknown one (a typo of a filter) is a 400. */
  noQuery: query({}),
  name: params("name"),
  key: params("key"),
  id: params("id"),
  deploymentStatus,
};
