// The figures of one chaos scenario, from what the runner observed: time to reconverge
// after the fault ended (per record, p50/p95/max), reconciles per record against the
// fault-free baseline, and the client error rate by outcome. Pure.
import type { LedgerEntry } from "./ledger.ts";

export interface Spread {
  readonly n: number;
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly max_ms: number;
}

/** p50/p95/max of durations in ms (nearest rank), n the count; NaN fields when empty. */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
  return {
    n: sorted.length,
    p50_ms: Math.round(at(0.5)),
    p95_ms: Math.round(at(0.95)),
    max_ms: Math.round(at(1)),
  };
}

export interface ClientFigures {
  readonly calls: number;
  readonly ack: number;
  readonly refused: number;
  readonly unknown: number;
  /** (refused + unknown) / calls; 0 when no call. */
  readonly error_rate: number;
  /** Answer codes that are never right (HTTP 500, gRPC Internal/Unknown) or no answer within the deadline. */
  readonly bad_answers: number;
}

/** What the workload's clients were told over `entries`. */
export function clientFigures(entries: readonly LedgerEntry[]): ClientFigures {
  const count = (o: LedgerEntry["outcome"]) => entries.filter((e) => e.outcome === o).length;
  const refused = count("refused");
  const unknown = count("unknown");
  return {
    calls: entries.length,
    ack: count("ack"),
    refused,
    unknown,
    error_rate: entries.length === 0 ? 0 : Math.round(((refused + unknown) / entries.length) * 1000) / 1000,
    bad_answers: entries.filter(
      (e) => e.code === "500" || e.code === "Internal" || e.code === "Unknown" || e.code === "timeout",
    ).length,
  };
}

/** Reconciles per record, and its ratio to the baseline's (null without a baseline). */
export function reconcileFigures(
  reconciles: number,
  records: number,
  baselinePerRecord?: number,
): { reconciles: number; records: number; per_record: number; over_baseline: number | null } {
  const perRecord = records === 0 ? 0 : Math.round((reconciles / records) * 100) / 100;
  return {
    reconciles,
    records,
    per_record: perRecord,
    over_baseline:
      baselinePerRecord === undefined || baselinePerRecord === 0
        ? null
        : Math.round((perRecord / baselinePerRecord) * 100) / 100,
  };
}

/** Least-squares slope of (t ms, y) points, in y per hour; 0 with fewer than two distinct times. */
export function slopePerHour(points: readonly { readonly t: number; readonly y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const den = points.reduce((a, p) => a + (p.t - mt) ** 2, 0);
  if (den === 0) return 0;
  const perMs = points.reduce((a, p) => a + (p.t - mt) * (p.y - my), 0) / den;
  return Math.round(perMs * 3_600_000 * 100) / 100;
}

/** "4h", "30m", "90s", "1500ms" or a bare number of seconds, in ms; throws on anything else. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${text} (say 4h, 30m, 90s)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "s") as "ms" | "s" | "m" | "h"];
  return Number(m[1]) * unit;
}
