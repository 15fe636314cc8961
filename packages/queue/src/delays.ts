// Delay arithmetic of job retries: cockatiel's exponential backoff with half jitter (the
// same generator as @oaas/kube's retry loops) and the cap that keeps delays in Node's
// timer range. No clock of its own.
import { halfJitterGenerator } from "cockatiel";
import { queueDefaults } from "./defaults.ts";

/** Retry backoff shape. */
export interface BackoffOptions {
  /** First retry delay in ms. Default queueDefaults.backoffBaseMs (1000). */
  readonly baseMs?: number;
  /** Largest single delay in ms. Default queueDefaults.backoffMaxMs (5 min). */
  readonly maxMs?: number;
}

/**
 * Delay in ms before retry number `attemptsMade` (1 = first retry; 0 counts as 1): a
 * random value in [step/2, step] where step = min(maxMs, baseMs * 2^(attemptsMade-1)),
 * cockatiel's halfJitterGenerator ("equal jitter" in the AWS architecture blog,
 * "Exponential Backoff And Jitter"): retries of many records spread out while each
 * delay still grows. Never beyond Node's timer range.
 */
export function backoffDelay(attemptsMade: number, options: BackoffOptions = {}): number {
  const [delay] = halfJitterGenerator(Math.max(attemptsMade - 1, 0), {
    generator: halfJitterGenerator,
    initialDelay: options.baseMs ?? queueDefaults.backoffBaseMs,
    maxDelay: capDelay(options.maxMs ?? queueDefaults.backoffMaxMs, queueDefaults.timerMaxMs),
    exponent: 2,
  });
  return delay;
}

/**
 * A delay in ms made safe for timers: negative or NaN -> 0, above `max` or Node's timer
 * range (2^31-1 ms; larger values fire at once with a warning) -> the smaller cap.
 */
export function capDelay(ms: number, max: number): number {
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return Math.floor(Math.min(ms, max, queueDefaults.timerMaxMs));
}
