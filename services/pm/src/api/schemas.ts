// Route schemas: bodies are the model's own JSON Schemas (packages/models), so Fastify's
// validation and the OpenAPI document come from one source. Query strings are strings
// on the wire; `integer`/`boolean` there are coerced by the query validator.
import { classDeploymentSchema, deploymentConditions, packageSchema } from "@oaas/models";

type Schema = Record<string, unknown>;

const paging: Record<string, Schema> = {
  limit: { type: "integer", minimum: 0, maximum: 10_000 },
  offset: { type: "integer", minimum: 0 },
};

function query(properties: Record<string, Schema>): Schema {
  return { type: "object", properties: { ...properties }, additionalProperties: false };
}

function params(...names: string[]): Schema {
  return {
    type: "object",
    properties: Object.fromEntries(names.map((n) => [n, { type: "string", minLength: 1 }])),
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
    package_name: { type: "string" },
    class_key: { type: "string" },
    target_env: { type: "string" },
    target_cluster: { type: "string" },
    condition: { type: "string", enum: [...deploymentConditions] },
    ...paging,
  }),
  runtimeList: query({
    package_name: { type: "string" },
    class_key: { type: "string" },
    environment: { type: "string" },
    cluster: { type: "string" },
    status: { type: "string" },
    ...paging,
  }),
  clusterQuery: query({ cluster: { type: "string", minLength: 1 } }),
  name: params("name"),
  key: params("key"),
  id: params("id"),
};
