// Retry delays for loops that must never give up (informers, leader election):
// exponential with full jitter, so many processes restarting at once spread out.

export interface BackoffOptions {
  /** Delay ceiling of the first retry, ms. Default 500. */
  readonly initialMs?: number;
  /** Ceiling of every delay, ms. Default 30 000. */
  readonly maxMs?: number;
}

/**
 * The delay before retry number `attempt` (1-based): a random value in
 * [ceiling/2, ceiling] where ceiling = min(maxMs, initialMs * 2^(attempt-1)).
 * Half of the ceiling is kept so a retry never fires at once after a failure.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}, random = Math.random): number {
  const initial = options.initialMs ?? 500;
  const max = options.maxMs ?? 30_000;
  const ceiling = Math.min(max, initial * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Resolves after `ms`, or early (without error) when `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    // Node timers overflow above 2^31-1 ms: cap.
    const timer = setTimeout(done, Math.min(Math.max(ms, 0), 2_147_483_647));
    signal?.addEventListener("abort", done, { once: true });
  });
}
