// A file followed for changes: tokens and client identities are Secrets mounted as files,
// which the kubelet updates in place (a symlink swap) when they are rotated, so a server picks
// up new credentials without a restart. I/O edge: stat and read only; it never logs the
// contents (the caller gets counts through onReload).
import { readFile, stat } from "node:fs/promises";

/** The current value of a followed file. */
export interface Source<T> {
  /** The last good value; re-reads first when `recheckMs` passed and the file changed. */
  current(): Promise<T>;
}

export interface WatchOptions<T> {
  /** How long a value is trusted before the file's identity is checked again. Default 2 000 ms: the documented rotation bound. */
  readonly recheckMs?: number;
  /** Called after a successful re-read. */
  readonly onReload?: (value: T) => void;
  /** Called when a re-read fails; the previous value stays in force. */
  readonly onError?: (error: unknown) => void;
}

/** How long a rotated credentials file may take to be in force, in ms (the default recheck interval). */
export const defaultRecheckMs = 2_000;

/**
 * Loads `path` with `parse` now (rejects with parse's error or the fs error: a server must
 * not start without its credentials), then at most every `recheckMs` compares the file's
 * mtime, size and inode (a kubelet swap changes the inode with the same mtime resolution)
 * and re-reads it when any changed. A file that fails to parse is reported once, and the
 * previous value stays in force until the file changes again. Concurrent callers share one re-read.
 */
export async function watchFile<T>(
  path: string,
  parse: (text: string) => T,
  options: WatchOptions<T> = {},
): Promise<Source<T>> {
  const recheckMs = options.recheckMs ?? defaultRecheckMs;
  const identity = async () => {
    const info = await stat(path);
    return `${info.ino}:${info.size}:${info.mtimeMs}`;
  };
  const load = async () => {
    const seen = await identity();
    return { value: parse(await readFile(path, "utf8")), seen };
  };
  let loaded = await load();
  let checkedAt = performance.now();
  let inFlight: Promise<void> | undefined;
  // The identity of a file that failed to parse: not re-read (nor reported again) until it changes.
  let refused: string | undefined;
  const recheck = async () => {
    let seen: string | undefined;
    try {
      seen = await identity();
      if (seen === loaded.seen || seen === refused) return;
      loaded = await load();
      refused = undefined;
      options.onReload?.(loaded.value);
    } catch (error) {
      refused = seen;
      options.onError?.(error);
    }
  };
  return {
    async current() {
      if (performance.now() - checkedAt >= recheckMs) {
        checkedAt = performance.now();
        inFlight ??= recheck().finally(() => {
          inFlight = undefined;
        });
        await inFlight;
      }
      return loaded.value;
    },
  };
}

/** A source whose value never changes (tests, and settings given inline). */
export function fixedSource<T>(value: T): Source<T> {
  return { current: () => Promise.resolve(value) };
}
