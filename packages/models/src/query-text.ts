// Numbers in query strings and path parameters are text that the PM coerces (Ajv's
// coerceTypes), and Ajv's coercion accepts what JavaScript's Number() does: "0x10" (16),
// "+5", " 1", "1e3". A client that sends those most likely has a bug, so integer
// parameters take decimal digits only (an optional leading "-"), given once.
import type { ErrorObject } from "ajv";

const decimal = /^-?[0-9]+$/;

/**
 * The problems of a query or path object's integer parameters before coercion: for each
 * property whose schema type is "integer", a value given twice (an array) or one that is
 * not decimal digits. Returns Ajv-shaped errors (instancePath `/name`), empty when none.
 */
export function textIntegerProblems(schema: unknown, data: unknown): ErrorObject[] {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> } | undefined)?.properties;
  if (properties === undefined || data === null || typeof data !== "object") return [];
  const problems: ErrorObject[] = [];
  for (const [name, property] of Object.entries(properties)) {
    if (property.type !== "integer") continue;
    const value = (data as Record<string, unknown>)[name];
    if (value === undefined) continue;
    const message = Array.isArray(value)
      ? "given more than once"
      : typeof value === "string" && !decimal.test(value)
        ? "must be a decimal integer (digits only)"
        : undefined;
    if (message !== undefined)
      problems.push({
        instancePath: `/${name}`,
        schemaPath: `#/properties/${name}/type`,
        keyword: "type",
        params: {},
        message,
      });
  }
  return problems;
}
