// Decoding untrusted JSON into the model: the schema checks structure and fills the
// defaults of optional collections, then validate.ts checks the rules. Ajv compiles
// code from the schema; it does no I/O, so this module stays pure.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { keyKeywordDefinition } from "./keys.ts";
import { classDeploymentSchema, packageSchema } from "./schema.ts";
import type { FieldError, OClassDeployment, OPackage } from "./types.ts";
import { validateDeployment, validatePackage } from "./validate.ts";

/**
 * The Ajv options every validator of model JSON uses (the REST layer compiles its body
 * schemas with the same): every error at once, defaults filled in, no type coercion
 * ("5" is not a number), unknown fields kept.
 */
export const ajvOptions = { allErrors: true, useDefaults: true, coerceTypes: false, strict: false } as const;

/**
 * A validator compiler with those options and the key keyword (keys.ts: `"x-oaas-key":
 * true` applies keyProblem), so the REST layer's route schemas use the same rule.
 * `coerceTypes` is for query strings and path parameters only: they are text.
 */
export function createAjv(coerceTypes = false): Ajv {
  const ajv = new Ajv({ ...ajvOptions, coerceTypes });
  ajv.addKeyword(keyKeywordDefinition);
  return ajv;
}

const ajv = createAjv();
const packageValidator = ajv.compile(packageSchema);
const deploymentValidator = ajv.compile(classDeploymentSchema);

export type Decoded<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** `/a/0/b` (Ajv's instancePath) -> `a[0].b`. */
export function fieldPath(pointer: string, prefix = ""): string {
  let out = prefix;
  for (const raw of pointer.split("/").slice(1)) {
    const part = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    out += /^\d+$/.test(part) ? `[${part}]` : out ? `.${part}` : part;
  }
  return out;
}

/** Ajv's errors as field errors: a missing or unknown property is named at its own path. */
export function schemaErrors(errors: readonly ErrorObject[] | null | undefined, prefix = ""): FieldError[] {
  return (errors ?? []).map((e) => {
    const at = fieldPath(e.instancePath, prefix);
    if (e.keyword === "required") {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      return { field: at ? `${at}.${missing}` : missing, message: "is required" };
    }
    if (e.keyword === "additionalProperties") {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      return { field: at ? `${at}.${extra}` : extra, message: "is not a known field" };
    }
    if (e.keyword === "enum") {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.join(", ");
      return { field: at, message: `must be one of ${allowed}` };
    }
    return { field: at, message: e.message ?? "is invalid" };
  });
}

function decodeWith<T>(
  validator: ValidateFunction,
  rules: (value: T) => FieldError[],
  json: unknown,
): Decoded<T> {
  const value: unknown = structuredClone(json);
  if (!validator(value)) return { ok: false, errors: schemaErrors(validator.errors) };
  const errors = rules(value as T);
  return errors.length ? { ok: false, errors } : { ok: true, value: value as T };
}

/** A package from JSON (not mutated): defaults filled, every structural and rule error. */
export function decodePackage(json: unknown): Decoded<OPackage> {
  return decodeWith(packageValidator, validatePackage, json);
}

/** A class deployment from JSON (not mutated): defaults filled, every error. */
export function decodeDeployment(json: unknown): Decoded<OClassDeployment> {
  return decodeWith(deploymentValidator, (d: OClassDeployment) => validateDeployment(d), json);
}
