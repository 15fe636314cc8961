// The enforcer's durable state as plain JSON and its pure updates: the stability
// window's history, when the current target was first seen, the last applied change.
// The enforcer keeps it in Redis or the record's status, never in process memory.
import type {
  DimensionState,
  EnforcementDimension,
  EnforcerState,
  HistoryPoint,
  Recommendation,
} from "./types.ts";

/** `${component}/${dimension}`: the key of one dimension's state. */
export function stateKey(component: string, dimension: EnforcementDimension): string {
  return `${component}/${dimension}`;
}

export function emptyState(): EnforcerState {
  return { version: 1, dimensions: {} };
}

/**
 * A state read back from storage; anything that is not a well-formed state (absent,
 * another version, garbage) becomes the empty state, which only delays enforcement by
 * one stability window (never applies early).
 */
export function decodeState(value: unknown): EnforcerState {
  if (!isObject(value) || value["version"] !== 1 || !isObject(value["dimensions"])) return emptyState();
  const out = emptyState();
  if (isNumber(value["analyzedAtMs"])) out.analyzedAtMs = value["analyzedAtMs"];
  for (const [key, raw] of Object.entries(value["dimensions"])) {
    const decoded = decodeDimension(raw);
    if (decoded !== undefined) out.dimensions[key] = decoded;
  }
  return out;
}

/**
 * The state after the analysis made at `analyzedAtMs` produced `recommendations`: each
 * appended to its dimension's history (points older than `keepMs` before it dropped) and
 * `firstSeen` reset when the target changed. A dimension with history but no
 * recommendation this time loses its history and firstSeen: missing data restarts the
 * stability window (lastApplied is kept). Idempotent: an analysis time not after the
 * newest point already seen changes nothing (a retried job, or status read twice).
 * Pass keepMs = 2 x the stability window.
 */
export function observe(
  state: EnforcerState,
  recommendations: readonly Recommendation[],
  analyzedAtMs: number,
  keepMs: number,
): EnforcerState {
  if (state.analyzedAtMs !== undefined && analyzedAtMs <= state.analyzedAtMs) return state;
  const next: EnforcerState = structuredClone(state);
  next.analyzedAtMs = analyzedAtMs;
  const seen = new Set<string>();
  for (const r of recommendations) {
    const key = stateKey(r.component, r.dimension);
    seen.add(key);
    const dim = next.dimensions[key] ?? { history: [] };
    dim.history = [
      ...dim.history.filter((p) => p.atMs >= analyzedAtMs - keepMs && p.atMs < analyzedAtMs),
      { atMs: analyzedAtMs, target: r.target, confidence: r.confidence },
    ];
    if (dim.firstSeen?.target !== r.target) dim.firstSeen = { target: r.target, atMs: analyzedAtMs };
    next.dimensions[key] = dim;
  }
  const kept: Record<string, DimensionState> = {};
  for (const [key, dim] of Object.entries(next.dimensions)) {
    // No recommendation this time: the window restarts when data comes back.
    if (seen.has(key)) kept[key] = dim;
    else if (dim.lastApplied !== undefined) kept[key] = { history: [], lastApplied: dim.lastApplied };
  }
  next.dimensions = kept;
  return next;
}

/** The state after the enforcer applied `from` -> `to` on a dimension at `nowMs`. */
export function recordApplied(
  state: EnforcerState,
  component: string,
  dimension: EnforcementDimension,
  change: { from: number; to: number },
  nowMs: number,
): EnforcerState {
  const next: EnforcerState = structuredClone(state);
  const key = stateKey(component, dimension);
  const dim = next.dimensions[key] ?? { history: [] };
  dim.lastApplied = { atMs: nowMs, from: change.from, to: change.to };
  next.dimensions[key] = dim;
  return next;
}

function decodeDimension(raw: unknown): DimensionState | undefined {
  if (!isObject(raw) || !Array.isArray(raw["history"])) return undefined;
  const history: HistoryPoint[] = [];
  for (const p of raw["history"] as unknown[]) {
    if (isObject(p) && isNumber(p["atMs"]) && isNumber(p["target"]) && isNumber(p["confidence"]))
      history.push({ atMs: p["atMs"], target: p["target"], confidence: p["confidence"] });
  }
  history.sort((a, b) => a.atMs - b.atMs);
  const out: DimensionState = { history };
  const first = raw["firstSeen"];
  if (isObject(first) && isNumber(first["target"]) && isNumber(first["atMs"]))
    out.firstSeen = { target: first["target"], atMs: first["atMs"] };
  const last = raw["lastApplied"];
  if (isObject(last) && isNumber(last["atMs"]) && isNumber(last["from"]) && isNumber(last["to"]))
    out.lastApplied = { atMs: last["atMs"], from: last["from"], to: last["to"] };
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/** One dimension's state (undefined when never observed). */
export function dimensionState(
  state: EnforcerState,
  component: string,
  dimension: EnforcementDimension,
): DimensionState | undefined {
  return state.dimensions[stateKey(component, dimension)];
}
