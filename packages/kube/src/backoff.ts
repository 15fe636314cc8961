// Retry delays for loops that must never give up (informers, leader election, the
// watcher's enqueues): cockatiel's exponential backoff with half jitter, so many
// processes restarting at once spread out. The queue's job retries use the same
// generator (packages/queue/src/delays.ts).
import { halfJitterGenerator } from "cockatiel";

export interface BackoffOptions {
  /** Delay ceiling of the first retry, ms. Default 500. */
  readonly initialMs?: number;
  /** Ceiling of every delay, ms. Default 30 000. */
  readonly maxMs?: number;
}

/**
 * The delay in ms before retry number `attempt` (1-based; 0 counts as 1): a random value
 * in [ceiling/2, ceiling] where ceiling = min(maxMs, initialMs * 2^(attempt-1)), from
 * cockatiel's halfJitterGenerator. Half of the ceiling is kept so a retry never fires at
 * once after a failure.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions = {}): number {
  const [delay] = halfJitterGenerator(Math.max(attempt - 1, 0), {
    generator: halfJitterGenerator,
    initialDelay: options.initialMs ?? 500,
    maxDelay: options.maxMs ?? 30_000,
    exponent: 2,
  });
  return delay;
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
