// The PM's JSON body parser, in place of Fastify's: the same 400 for malformed JSON, plus
// three refusals Fastify's parser does not make clearly:
// - nesting deeper than maxBodyDepth: 10,000 nested arrays parsed fine, then overflowed
//   the stack in validation and storage (a 500). No PM document nests beyond ~6 levels.
// - "__proto__" keys, and "constructor" objects holding "prototype" (prototype
//   poisoning): Fastify's secure-json-parse refused them as "Body is not valid JSON",
//   which they are; now the answer names the key and where it is.
// - duplicate keys (`{"name":"a","name":"b"}`): JSON.parse silently keeps the last one,
//   so what the client meant and what the PM stored could differ. RFC 8259 leaves
//   duplicates' meaning undefined; an API that keeps one of them guesses. The keys are
//   found with jsonc-parser's visitor (Microsoft's maintained JSON scanner behind VS Code:
//   it unescapes keys, so "\u006e" and "n" are the same key, and reports each key's
//   path) after JSON.parse has accepted the text, so what counts as JSON stays JSON.parse's.
// Size is bounded before this runs (Fastify's bodyLimit, OPRC_PM_BODY_LIMIT_BYTES).
import { visit } from "jsonc-parser";

/** Deepest nesting of objects and arrays a body may have (the top-level value is depth 1). */
export const maxBodyDepth = 32;

/** An error Fastify answers with its statusCode (mapped to {error} in errors.ts). */
export class BodyError extends Error {
  override readonly name = "BodyError";
  readonly statusCode = 400;
}

/**
 * Parses a JSON request body. Throws BodyError (400) when it is empty, not JSON, nested
 * deeper than maxBodyDepth, carries a prototype-poisoning key or a key twice in one object.
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
  const duplicate = duplicateKey(text);
  if (duplicate) throw new BodyError(`${duplicate} appears more than once (JSON object keys must be unique)`);
  return value;
}

/**
 * The first key that an object of `text` (valid JSON, depth already bounded: the
 * visitor recurses) holds twice, as `key "name" in body.classes[0]`; else undefined.
 */
export function duplicateKey(text: string): string | undefined {
  const open: Set<string>[] = [];
  let found: string | undefined;
  visit(
    text,
    {
      onObjectBegin: () => {
        open.push(new Set());
      },
      onObjectEnd: () => {
        open.pop();
      },
      onObjectProperty: (property, _offset, _length, _line, _column, pathSupplier) => {
        const keys = open.at(-1);
        if (found !== undefined || !keys) return;
        if (keys.has(property))
          found = `key ${JSON.stringify(property.slice(0, 60))} in ${where(pathSupplier())}`;
        keys.add(property);
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  return found;
}

/** ["classes", 0, "state_spec"] -> "body.classes[0].state_spec". */
function where(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (out, part) => (typeof part === "number" ? `${out}[${part}]` : `${out}.${part.slice(0, 60)}`),
    "body",
  );
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
