// Output formats: aligned columns for people (default), JSON or YAML of the PM's answer
// for scripts (`-o json|yaml`), so `-o json` output can be fed back with `-f`.
import { stringify as toYaml } from "yaml";
import { UsageError } from "./errors.ts";

export const outputFormats = ["table", "json", "yaml"] as const;
export type OutputFormat = (typeof outputFormats)[number];

/** Validates `-o`; "wide" is not offered (one table per resource is enough here). */
export function parseOutputFormat(value: string): OutputFormat {
  const found = outputFormats.find((f) => f === value);
  if (!found)
    throw new UsageError(`unknown output format "${value}": use one of ${outputFormats.join(", ")}`);
  return found;
}

/** A column: header and how to read its cell from a row (undefined prints "-"). */
export interface Column<T> {
  readonly header: string;
  readonly cell: (row: T) => string | number | boolean | undefined;
}

/**
 * Rows as space-aligned columns under upper-case headers (kubectl style: two spaces
 * between columns, no trailing spaces). Cells are single-line: line breaks become "; ".
 */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cells = rows.map((row) => columns.map((c) => cellText(c.cell(row))));
  const headers = columns.map((c) => c.header.toUpperCase());
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...cells.map(line)].join("\n") + "\n";
}

function cellText(value: string | number | boolean | undefined): string {
  if (value === undefined || value === "") return "-";
  return String(value).replace(/\s*\r?\n\s*/g, "; ");
}

/** `key: value` lines with aligned values, skipping undefined ones. */
export function renderFields(fields: readonly [string, string | number | undefined][]): string {
  const present = fields.filter((f): f is [string, string | number] => f[1] !== undefined && f[1] !== "");
  const width = Math.max(0, ...present.map(([k]) => k.length + 1));
  return present.map(([k, v]) => `${`${k}:`.padEnd(width)}  ${String(v)}`).join("\n") + "\n";
}

/** The PM's answer as JSON (2-space indent) or YAML, ending in a newline. */
export function renderData(format: "json" | "yaml", data: unknown): string {
  return format === "json" ? JSON.stringify(data ?? null, null, 2) + "\n" : toYaml(data ?? null);
}

/** 0.98765 -> "0.98765", 0.99 -> "0.99", undefined -> undefined (a "-" cell). */
export function formatRatio(value: number | undefined): string | undefined {
  return value === undefined ? undefined : String(Number(value.toFixed(6)));
}

/**
 * Age of an RFC 3339 timestamp at `now` (ms), kubectl style: 45s, 12m, 3h, 5d.
 * Undefined or unparseable timestamps give undefined.
 */
export function formatAge(timestamp: string | undefined, now: number): string | undefined {
  if (timestamp === undefined) return undefined;
  const then = Date.parse(timestamp);
  if (Number.isNaN(then)) return undefined;
  const s = Math.max(0, Math.floor((now - then) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}
