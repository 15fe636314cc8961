// Reading JSON a person wrote (a `-f` manifest): its fields are not known in advance.
// The PM's answers are never read this way: they have types (@oaas/pm-api).

type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The field `key` of `o` when it is a non-empty string. */
export function str(o: unknown, key: string): string | undefined {
  if (!isObj(o)) return undefined;
  const v = o[key];
  return typeof v === "string" && v !== "" ? v : undefined;
}
