// The PM's JSON body parser, in place of Fastify's: the same 400 for malformed JSON, plus
// two refusals Fastify's parser does not make clearly:
// - nesting deeper than maxBodyDepth: 10,000 nested arrays parsed fine, then overflowed
//   the stack in validation and storage (a 500). No PM document nests beyond ~6 levels.
// - "__proto__" keys, and "constructor" objects holding "prototype" (prototype
//   poisoning): Fastify's secure-json-parse refused them as "Body is not valid JSON",
//   which they are; now the answer names the key and where it is.
// Size is bounded before this runs (Fastify's bodyLimit, OPRC_PM_BODY_LIMIT_BYTES).

/** Deepest nesting of objects and arrays a body may have (the top-level value is depth 1). */
export const maxBodyDepth = 32;

/** An error Fastify answers with its statusCode (mapped to {error} in errors.ts). */
export class BodyError extends Error {
  override readonly name = "BodyError";
  readonly statusCode = 400;
}

/**
 * Parses a JSON request body. Throws BodyError (400) when it is empty, not JSON, nested
 * deeper than maxBodyDepth, or carries a prototype-poisoning key.
 */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "")
    throw new BodyError("Body cannot be empty when content-type is set to 'application/json'");
  const depth = nestingDepth(text);
  if (depth > maxBodyDepth)
    throw new BodyError(`body nests more than ${maxBodyDepth} levels of objects and arrays`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BodyError(`Body is not valid JSON: ${(error as Error).message.slice(0, 200)}`);
  }
  const poisoned = poisonedKey(value, "body");
  if (poisoned) throw new BodyError(`${poisoned} is not allowed (it would set an object's prototype)`);
  return value;
}

/**
 * The deepest nesting of [ and { outside strings, by one scan without recursion (the
 * text may be arbitrarily deep; malformed text is left for JSON.parse to report).
 */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/** Where a "__proto__" key or a "constructor" object with "prototype" is ("body.metadata key ..."). */
function poisonedKey(value: unknown, path: string): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = poisonedKey(item, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    if (key === "__proto__") return `key "__proto__" in ${path}`;
    if (key === "constructor" && typeof item === "object" && item !== null && "prototype" in item)
      return `key "constructor.prototype" in ${path}`;
    const found = poisonedKey(item, `${path}.${key.slice(0, 60)}`);
    if (found) return found;
  }
  return undefined;
}
