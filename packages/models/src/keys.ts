// The one rule for every identifier a client gives the PM: package names, class,
// function and binding keys, dependency names, deployment keys, target environments,
// cluster names, ODGM collection names, and every URL path segment and query filter
// that names one of them. The PM's body validation (validate.ts), its path and query
// schemas (the "x-oaas-key" keyword below, registered by createAjv) and oaasctl
// (before it puts a key into a URL) all call keyProblem; no other copy exists.
//
// Why these characters: a key becomes a URL path segment (where "/", "?", "#", "%" and
// "\" change which route or resource is meant, and "." / ".." are normalised away), an
// etcd key, a Kubernetes label value or name (derived with hashing in @oaas/crd), an
// ODGM_COLLECTIONS comma-list entry and a query-string filter value (where "," splits
// tag lists and "+" means a space). Letters and digits of any script, with marks, and
// the URL "unreserved" punctuation "." "_" "-" "~" survive all of those unescaped.
import type { ErrorObject, KeywordDefinition } from "ajv";

/** Longest key, in characters: a key is one URL path segment of the REST API (the PM serves up to 4 KiB per segment, enough for 253 characters percent-encoded) and the DNS subdomain limit. */
export const maxKeyLength = 253;

/** One character a key may hold: a letter, mark or digit of any script, or one of "._~-". */
const keyCharacter = /[\p{L}\p{M}\p{N}._~-]/u;

/** The key's characters as Unicode code points (a 4-byte letter is one), not UTF-16 units. */
function codePoints(value: string): string[] {
  return value.match(/./gsu) ?? [];
}

/** What a person reads: the key, cut at 80 characters, with invisible characters escaped. */
function shown(value: string): string {
  const cut = codePoints(value).slice(0, 80).join("");
  return JSON.stringify(cut.length < value.length ? `${cut}...` : cut);
}

/**
 * What is wrong with `value` as a key, or undefined when it is usable. A key is
 * non-empty, at most maxKeyLength characters (Unicode code points), in Unicode NFC (so
 * two keys that look the same are the same), made of letters, marks and digits of any
 * script and "." "_" "-" "~", and not "." or "..". The message names the first problem
 * and, for a refused character, which one.
 */
export function keyProblem(value: string): string | undefined {
  if (value === "") return "must not be empty";
  const chars = codePoints(value);
  const length = chars.length;
  if (length > maxKeyLength) return `is ${length} characters long; at most ${maxKeyLength}`;
  if (/\s/u.test(value)) return `${shown(value)} must not contain whitespace`;
  if (/\p{Cc}/u.test(value)) return `${shown(value)} must not contain control characters`;
  if (value === "." || value === "..") return `"${value}" is not a usable key (a URL path segment)`;
  const bad = chars.find((c) => !keyCharacter.test(c));
  if (bad !== undefined) {
    return (
      `${shown(value)} contains ${JSON.stringify(bad)}; a key is letters, digits, ".", "_", "-" and "~" ` +
      `(it becomes a URL path segment and a Kubernetes name)`
    );
  }
  if (value.normalize("NFC") !== value)
    return `${shown(value)} is not in Unicode normalization form NFC (compose its accents)`;
  return undefined;
}

/** The JSON Schema keyword that applies keyProblem (its value must be true). */
export const keyKeyword = "x-oaas-key";

/** Human text of the rule, for schema descriptions and the OpenAPI document. */
export const keyDescription =
  `A key: 1..${maxKeyLength} letters or digits (any script), ".", "_", "-" or "~", ` +
  `in Unicode NFC, not "." or "..".`;

/** A string schema that must be a key (path parameters, query filters). */
export const keySchema: Readonly<Record<string, unknown>> = {
  type: "string",
  description: keyDescription,
  [keyKeyword]: true,
};

/** keyKeyword's check; Ajv reads the errors from the function itself. */
function validateKey(enabled: boolean, data: string): boolean {
  const problem = enabled ? keyProblem(data) : undefined;
  validateKey.errors = problem ? [{ keyword: keyKeyword, message: problem, params: {} }] : [];
  return problem === undefined;
}
validateKey.errors = [] as Partial<ErrorObject>[];

/**
 * The Ajv definition of keyKeyword: the error message is keyProblem's, so a path
 * parameter, a query filter and a body field are refused with the same words.
 */
export const keyKeywordDefinition: KeywordDefinition = {
  keyword: keyKeyword,
  type: "string",
  schemaType: "boolean",
  errors: true,
  validate: validateKey,
};
