// Per-function status rows from `status.functions`, read defensively: the field is written
// by the reconciler and its exact shape (a list of objects or a map keyed by function) is
// not fixed by the CRD yet, so anything unrecognised is shown as text, never dropped.

export interface FunctionStatusRow {
  readonly key: string;
  /** undefined when the status does not say. */
  readonly ready?: boolean;
  readonly reason?: string;
  readonly message?: string;
  /** In-cluster URL of the function, when known. */
  readonly url?: string;
}

/** Rows for `status.functions`: [] when absent; a list of objects or a map keyed by function. */
export function functionStatusRows(value: unknown): FunctionStatusRow[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((item: unknown, i) => row(item, `#${i + 1}`));
  if (typeof value === "object")
    return Object.entries(value as Record<string, unknown>).map(([key, item]) => row(item, key));
  return [{ key: "functions", message: asText(value) }];
}

function row(item: unknown, fallbackKey: string): FunctionStatusRow {
  if (typeof item !== "object" || item === null) return { key: fallbackKey, message: asText(item) };
  const o = item as Record<string, unknown>;
  const text = (...names: string[]) => {
    for (const n of names) if (typeof o[n] === "string" && o[n] !== "") return o[n];
    return undefined;
  };
  const ready = typeof o["ready"] === "boolean" ? o["ready"] : undefined;
  const reason = text("reason");
  const message = text("message");
  const url = text("url", "service_url", "serviceUrl");
  return {
    key: text("key", "function_key", "functionKey", "name") ?? fallbackKey,
    ...(ready === undefined ? {} : { ready }),
    ...(reason === undefined ? {} : { reason }),
    ...(message === undefined ? {} : { message }),
    ...(url === undefined ? {} : { url }),
  };
}

function asText(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
