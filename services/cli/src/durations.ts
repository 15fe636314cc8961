// Durations on the command line: "90s", "5m", "1m30s", "500ms", "1h"; a bare number is
// seconds (what `--timeout 30` means to most people).
import { UsageError } from "./errors.ts";

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Largest value a Node timer accepts (2^31-1 ms, about 24.8 days); longer ones fire at once. */
export const maxTimerMs = 2 ** 31 - 1;

/** Parses a duration into ms; `option` names the flag in the error. Capped at maxTimerMs. */
export function parseDuration(text: string, option: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return cap(Number(trimmed) * 1000);
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== trimmed) {
    throw new UsageError(`${option}: "${text}" is not a duration (examples: 30s, 5m, 1m30s, 500ms)`);
  }
  return cap(parts.reduce((sum, p) => sum + Number(p[1]) * (unitMs[p[2] ?? "s"] ?? 1000), 0));
}

function cap(ms: number): number {
  return Math.min(Math.round(ms), maxTimerMs);
}
