// The schema shapes the DeploymentRecord's TypeBox schemas (spec-schema.ts,
// status-schema.ts) are built from, in the form a CRD's structural schema wants them.
import Type, { type Static, type TSchema } from "typebox";

/** A string enum as a structural schema states it: `type: string` beside `enum`. */
export function enumOf<const V extends string>(values: readonly V[], options: { description: string }) {
  return Type.Unsafe<V>({ type: "string", enum: [...values], ...options });
}

/** A JSON object with arbitrary keys, every value of one schema (a protobuf map). */
export function mapOf<T extends TSchema>(values: T, options: { description: string }) {
  return Type.Unsafe<Record<string, Static<T>>>({ type: "object", additionalProperties: values, ...options });
}

/** A protobuf uint32. */
export const uint32 = (description: string) => Type.Integer({ minimum: 0, maximum: 4294967295, description });
/** A container port. */
export const port = (description: string) => Type.Integer({ minimum: 1, maximum: 65535, description });
/** A number in 0..1. */
export const fraction = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
/** A map of strings. */
export const stringMap = (description: string) => mapOf(Type.String(), { description });
