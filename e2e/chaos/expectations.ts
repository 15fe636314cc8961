// What the ledger promises about each id at the end of a run: the set of states the
// record may be in. An acknowledged operation fixes the state; a refused one changes
// nothing; one with an unknown outcome adds its result to what is possible (it may have
// been applied). Pure.
import type { LedgerEntry } from "./ledger.ts";
import type { Path } from "./workload.ts";

/** "absent", or the spec variant a present record must carry. */
export type State = "absent" | { readonly variant: string };

export interface Expectation {
  readonly id: string;
  readonly path: Path;
  /** Every state the record may end in (one when the last word was an acknowledgement). */
  readonly possible: readonly State[];
  /** seq of the last acknowledged operation (-1: none), for a failure report. */
  readonly lastAck: number;
}

const key = (s: State) => (s === "absent" ? "absent" : `variant:${s.variant}`);

/** Adds `s` to `states` unless an equal state is there. */
function withState(states: readonly State[], s: State): State[] {
  return states.some((x) => key(x) === key(s)) ? [...states] : [...states, s];
}

/**
 * Folds the entries (in seq order; one id's operations never overlap, so seq order is
 * the order they took effect) into one Expectation per id. Ids start absent.
 */
export function expectations(entries: readonly LedgerEntry[]): Map<string, Expectation> {
  const out = new Map<string, Expectation>();
  for (const e of [...entries].sort((a, b) => a.seq - b.seq)) {
    const before = out.get(e.id) ?? { id: e.id, path: e.path, possible: ["absent"], lastAck: -1 };
    const result: State = e.action === "delete" ? "absent" : { variant: e.variant ?? "" };
    if (e.outcome === "refused") {
      out.set(e.id, before);
      continue;
    }
    out.set(e.id, {
      ...before,
      possible: e.outcome === "ack" ? [result] : withState(before.possible, result),
      lastAck: e.outcome === "ack" ? e.seq : before.lastAck,
    });
  }
  return out;
}

/** True when `live` is one of the states `expectation` allows. */
export function allows(expectation: Expectation, live: State): boolean {
  return expectation.possible.some((s) => key(s) === key(live));
}

/** A state for messages: "absent" or "variant v3". */
export function describeState(s: State): string {
  return s === "absent" ? "absent" : `variant ${s.variant}`;
}
