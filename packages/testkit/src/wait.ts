/** Polls a condition until it holds or the deadline passes. Tests use this instead of sleeps. */
export interface WaitOptions {
  /** What is awaited, for the timeout message. */
  readonly description: string;
  /** Deadline in ms from the call. Default 60 000. */
  readonly timeoutMs?: number;
  /** Pause between polls in ms. Default 200. */
  readonly intervalMs?: number;
}

export class WaitTimeoutError extends Error {
  constructor(description: string, timeoutMs: number, lastError: unknown) {
    const detail = lastError instanceof Error ? `; last error: ${lastError.message}` : "";
    super(`timed out after ${timeoutMs} ms waiting for ${description}${detail}`);
    this.name = "WaitTimeoutError";
  }
}

/**
 * Resolves with the first value the probe returns that is not undefined/false.
 * A probe that throws counts as "not yet"; its last error is reported on timeout.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: WaitOptions,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const intervalMs = options.intervalMs ?? 200;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) throw new WaitTimeoutError(options.description, timeoutMs, lastError);
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, deadline - Date.now())));
  }
}
