// Durations on the command line: "90s", "5m", "1m30s", "500ms", "1h"; a bare number is
// seconds (what `--timeout 30` means to most people).
import { UsageError } from "./errors.ts";

const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Largest value a Node timer accepts (2^31-1 ms, about 24.8 days); longer ones fire at once. */
export const maxTimerMs = 2 ** 31 - 1;

/**
 * Parses a duration into ms; `option` names the flag in the error. Capped at maxTimerMs.
 * Every duration flag of oaasctl (request timeout, wait timeout, poll interval) needs at
 * least 1 ms: 0 would abort each request at once or poll without pause.
 * @throws UsageError for text that is not a duration or is below 1 ms.
 */
export function parseDuration(text: string, option: string): number {
  const trimmed = text.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) ms = cap(Number(trimmed) * 1000);
  else {
    const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join("") !== trimmed) {
      throw new UsageError(`${option}: "${text}" is not a duration (examples: 30s, 5m, 1m30s, 500ms)`);
    }
    ms = cap(parts.reduce((sum, p) => sum + Number(p[1]) * (unitMs[p[2] ?? "s"] ?? 1000), 0));
  }
  if (ms < 1) throw new UsageError(`${option}: "${text}" is too short; give at least 1ms`);
  return ms;
}

function cap(ms: number): number {
  return Math.min(Math.round(ms), maxTimerMs);
}
