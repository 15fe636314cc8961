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
  /** Routes that take no query parameter: an unknown one (a typo of a filter) is a 400. */
  noQuery: query({}),
  name: params("name"),
  key: params("key"),
  id: params("id"),
};
