// The ledger of a chaos run: every operation the workload sent and what its client was
// told (acknowledged, refused, or unknown: the call broke after it went out). Kept in
// memory for the oracles and appended to a JSON-lines file as it happens, so a failed
// run can be read and replayed (readLedger). The only I/O here is that file.
import { appendFileSync, readFileSync } from "node:fs";
import type { OpAction, OpKind, Path } from "./workload.ts";

/**
 * ack: the front door said it is stored (PM 200/201, ingress OK).
 * refused: it said nothing was stored (PM 4xx/503, ingress INVALID_ARGUMENT/UNAVAILABLE
 * before sending...). unknown: no answer, or an answer that does not say (PM 202, a
 * deadline, a reset connection): it may or may not have been applied.
 */
export type Outcome = "ack" | "refused" | "unknown";

export interface LedgerEntry {
  readonly seq: number;
  readonly id: string;
  readonly path: Path;
  readonly kind: OpKind;
  readonly action: OpAction;
  readonly variant?: string;
  /** ms since the run started: when the call was sent and when its answer (or failure) came. */
  readonly sentMs: number;
  readonly doneMs: number;
  readonly outcome: Outcome;
  /** HTTP status or gRPC code name, and the error message when there was one. */
  readonly code: string;
  readonly message?: string;
  /** The scenario phase it was sent in (baseline, fault, healed, ...). */
  readonly phase: string;
}

/** An append-only ledger: entries in memory, each also one JSON line in `file` (when given). */
export class Ledger {
  readonly #entries: LedgerEntry[] = [];

  constructor(readonly file?: string) {}

  record(entry: LedgerEntry): void {
    this.#entries.push(entry);
    if (this.file !== undefined) appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }

  entries(): readonly LedgerEntry[] {
    return this.#entries;
  }

  /** The entries of the given ids (all when empty), for a failure report. */
  slice(ids: readonly string[]): LedgerEntry[] {
    const wanted = new Set(ids);
    return this.#entries.filter((e) => wanted.size === 0 || wanted.has(e.id));
  }
}

/** Reads a ledger file written by Ledger (one JSON entry per line). */
export function readLedger(file: string): LedgerEntry[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as LedgerEntry);
}
