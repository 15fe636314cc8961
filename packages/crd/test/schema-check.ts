// A small checker for the schema subset the CRD uses (json-schema.ts), for fast unit feedback.
// The real API server is the authority (test/integration/crd.test.ts); this only has to
// agree with it on the fixtures.
import type { JsonSchemaProps } from "../src/index.ts";

/** Problems with `value` against `schema`, each naming its path like the API server does. */
export function check(schema: JsonSchemaProps, value: unknown, path = ""): string[] {
  const here = path || "<root>";
  if (!hasType(schema.type, value))
    return [`${here}: expected ${schema.type ?? "?"}, got ${JSON.stringify(value)}`];
  const problems: string[] = [];
  if (typeof value === "string") {
    if (schema.enum && !schema.enum.includes(value))
      problems.push(`${here}: not one of ${schema.enum.join(",")}`);
    if (schema.pattern && !new RegExp(schema.pattern, "u").test(value)) problems.push(`${here}: pattern`);
    if (schema.maxLength !== undefined && value.length > schema.maxLength) problems.push(`${here}: too long`);
    if (schema.minLength !== undefined && value.length < schema.minLength)
      problems.push(`${here}: too short`);
    if (schema.format === "date-time" && Number.isNaN(Date.parse(value))) problems.push(`${here}: date-time`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum)
      problems.push(`${here}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum)
      problems.push(`${here}: above ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    value.forEach((item, i) => problems.push(...check(items, item, `${path}[${i}]`)));
  }
  if (isObject(value)) {
    for (const key of schema.required ?? [])
      if (!(key in value)) problems.push(`${join(path, key)}: Required value`);
    for (const [key, child] of Object.entries(value)) {
      const childSchema = schema.properties?.[key] ?? schema.additionalProperties;
      if (!childSchema) problems.push(`${join(path, key)}: field not declared in schema`);
      else problems.push(...check(childSchema, child, join(path, key)));
    }
  }
  return problems;
}

/** Every path the schema declares (map values and list items as "*"). */
export function schemaPaths(schema: JsonSchemaProps, path = ""): string[] {
  if (schema.properties) {
    return Object.entries(schema.properties).flatMap(([key, child]) => [
      join(path, key),
      ...schemaPaths(child, join(path, key)),
    ]);
  }
  if (schema.additionalProperties) return schemaPaths(schema.additionalProperties, join(path, "*"));
  if (schema.items) return schemaPaths(schema.items, join(path, "*"));
  return [];
}

/** Every declared path a value sets, in the same notation as schemaPaths. */
export function valuePaths(schema: JsonSchemaProps, value: unknown, path = ""): string[] {
  if (Array.isArray(value) && schema.items) {
    const items = schema.items;
    return value.flatMap((item) => valuePaths(items, item, join(path, "*")));
  }
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const declared = schema.properties?.[key];
    if (declared) return [join(path, key), ...valuePaths(declared, child, join(path, key))];
    if (schema.additionalProperties) return valuePaths(schema.additionalProperties, child, join(path, "*"));
    return [join(path, key)];
  });
}

function hasType(type: JsonSchemaProps["type"], value: unknown): boolean {
  switch (type) {
    case "object":
      return isObject(value);
    case "array":
      return Array.isArray(value);
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "string":
    case "boolean":
      return typeof value === type;
    case undefined:
      return true;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
