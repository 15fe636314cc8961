// The CRD's schemas on the wire: the subset of apiextensions.k8s.io/v1 JSONSchemaProps
// this CRD uses, and `toWire`, which turns a TypeBox schema (schema.ts) into it as plain
// JSON in a fixed key order, so the generated manifest reads the same on every run.
// Field reference: https://kubernetes.io/docs/reference/kubernetes-api/extend-resources/custom-resource-definition-v1/#JSONSchemaProps
import type { TSchema } from "typebox";

/** The subset of apiextensions.k8s.io/v1 JSONSchemaProps the CRD uses (wire names). */
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

/** Keys in reading order: what a node is, then its structure; its constraints follow as written. */
const leading = ["description", "type", "properties", "required", "items", "additionalProperties", "enum"];
const nested = new Set(["items", "additionalProperties"]);

/**
 * The plain-JSON wire form of a TypeBox schema: only enumerable keys (TypeBox's own
 * markers such as `~kind` are not), description first, then type and structure, then the
 * constraints in the order the schema states them; `required` only when not empty.
 */
export function toWire(schema: TSchema): JsonSchemaProps {
  const source = schema as Record<string, unknown>;
  const keys = [
    ...leading.filter((key) => key in source),
    ...Object.keys(source).filter((key) => !leading.includes(key)),
  ];
  const wire: Record<string, unknown> = {};
  for (const key of keys) {
    const value = source[key];
    if (value === undefined) continue;
    if (key === "required" && Array.isArray(value) && value.length === 0) continue;
    if (key === "properties") {
      wire[key] = Object.fromEntries(
        Object.entries(value as Record<string, TSchema>).map(([name, child]) => [name, toWire(child)]),
      );
    } else if (nested.has(key)) {
      wire[key] = toWire(value as TSchema);
    } else {
      wire[key] = structuredClone(value);
    }
  }
  return wire;
}
