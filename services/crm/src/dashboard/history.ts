// What the dashboard needs from the record history store of @oaas/queue: reading only.
// Structural, so the Redis store of @oaas/queue satisfies it as it is.
import type { HistoryEntry } from "@oaas/queue";

export interface HistoryReader {
  /** The newest entries of a record's history (at most `limit`), in any order: the page sorts them newest first. */
  read(
    namespace: string,
    name: string,
    options?: { readonly limit?: number },
  ): Promise<readonly HistoryEntry[]>;
}

/** Newest first by `time` (RFC 3339 strings of one form compare like the instants they name). */
export function newestFirst(entries: readonly HistoryEntry[]): HistoryEntry[] {
  return [...entries].sort((a, b) => b.time.localeCompare(a.time));
}
