// A small typed builder for CRD structural schemas (OpenAPI v3 as apiextensions.k8s.io/v1
// takes it). Each builder returns a Schema<T> tagged with the TypeScript type it accepts,
// and object<T>() demands exactly T's keys, wrapped in required() exactly where T's key is
// required. So a field added to a type in record.ts without its schema (or the other way
// round, or required on one side only) fails to compile; the type and the CRD cannot drift.

/** The subset of apiextensions.k8s.io/v1 JSONSchemaProps the builders emit (wire names). */
export interface JsonSchemaProps {
  description?: string;
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  properties?: Record<string, JsonSchemaProps>;
  required?: string[];
  additionalProperties?: JsonSchemaProps;
  items?: JsonSchemaProps;
  enum?: string[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  /** CEL rules the API server checks (Kubernetes 1.25+; GA in 1.29). `oldSelf` makes a transition rule. */
  "x-kubernetes-validations"?: ValidationRule[];
}

/** One apiextensions.k8s.io/v1 ValidationRule. */
export interface ValidationRule {
  rule: string;
  message?: string;
  /** A CEL expression giving the message (may name oldSelf's values); wins over `message`. */
  messageExpression?: string;
  /** Path of the field the failure is reported against, relative to this node (e.g. ".deployment_id"). */
  fieldPath?: string;
  reason?: "FieldValueInvalid" | "FieldValueForbidden" | "FieldValueRequired" | "FieldValueDuplicate";
}

/** Constraints a builder call may add; the builder sets `type` and the structure itself. */
export type Facets = Omit<
  JsonSchemaProps,
  "type" | "properties" | "required" | "additionalProperties" | "items"
>;

// Type-level only: never present at run time, so it never reaches the manifest.
declare const accepts: unique symbol;
// Run-time marker that object() turns into its `required` list and strips.
const requiredMark: unique symbol = Symbol("required");

/** A schema for values of type T. The tag is invariant: Schema<"a"> is no Schema<string>. */
export interface Schema<T> extends JsonSchemaProps {
  readonly [accepts]?: (value: T) => T;
  readonly [requiredMark]?: false;
}

/** A property schema that object() lists as required. */
export interface RequiredSchema<T> extends JsonSchemaProps {
  readonly [accepts]?: (value: T) => T;
  readonly [requiredMark]: true;
}

type IsOptional<T, K extends keyof T> = Partial<Pick<T, K>> extends Pick<T, K> ? true : false;

/** One schema per key of T: required(...) for required keys, a plain Schema for optional ones. */
export type Props<T> = {
  [K in keyof T]-?: IsOptional<T, K> extends true ? Schema<Exclude<T[K], undefined>> : RequiredSchema<T[K]>;
};

export function required<T>(schema: Schema<T>): RequiredSchema<T> {
  return { ...schema, [requiredMark]: true };
}

/** Any string; T narrows the TS side when the CRD deliberately accepts more (e.g. a pattern). */
export function string<T extends string = string>(facets: Facets = {}): Schema<T> {
  return node("string", facets);
}

export function enumOf<const V extends string>(values: readonly V[], facets: Facets = {}): Schema<V> {
  return node("string", facets, { enum: [...values] });
}

export function integer(facets: Facets = {}): Schema<number> {
  return node("integer", facets);
}

export function number(facets: Facets = {}): Schema<number> {
  return node("number", facets);
}

export function boolean(facets: Facets = {}): Schema<boolean> {
  return node("boolean", facets);
}

export function array<T>(items: Schema<T>, facets: Facets = {}): Schema<T[]> {
  return node("array", facets, { items });
}

/** A JSON object with arbitrary keys, every value of one schema (a protobuf map). */
export function mapOf<T>(values: Schema<T>, facets: Facets = {}): Schema<Record<string, T>> {
  return node("object", facets, { additionalProperties: values });
}

export function object<T extends object>(props: Props<T>, facets: Facets = {}): Schema<T> {
  const properties: Record<string, JsonSchemaProps> = {};
  const requiredKeys: string[] = [];
  for (const [key, value] of Object.entries(props) as [string, Schema<unknown> | RequiredSchema<unknown>][]) {
    const { [requiredMark]: isRequired, ...schema } = value;
    properties[key] = schema;
    if (isRequired) requiredKeys.push(key);
  }
  return node("object", facets, { properties, ...(requiredKeys.length ? { required: requiredKeys } : {}) });
}

/** Keys in reading order for the generated YAML: description, type, structure, constraints. */
function node(
  type: JsonSchemaProps["type"],
  facets: Facets,
  structure: JsonSchemaProps = {},
): JsonSchemaProps {
  const { description, ...constraints } = facets;
  return { ...(description === undefined ? {} : { description }), type, ...structure, ...constraints };
}
