// Pure delay arithmetic: retry backoff and delay caps. No clock, no randomness of its own.
import { queueDefaults } from "./defaults.ts";

/** Retry backoff shape. */
export interface BackoffOptions {
  /** First retry delay in ms. Default queueDefaults.backoffBaseMs (1000). */
  readonly baseMs?: number;
  /** Largest single delay in ms. Default queueDefaults.backoffMaxMs (5 min). */
  readonly maxMs?: number;
}

/**
 * Delay before retry number `attemptsMade` (1 = first retry): exponential with "equal
 * jitter" (AWS architecture blog, "Exponential Backoff And Jitter"): half the exponential
 * step is fixed and half random, so retries of many records spread out while each delay
 * still grows. `random` is a number in [0, 1) (Math.random in production).
 */
export function backoffDelay(attemptsMade: number, options: BackoffOptions, random: number): number {
  const base = options.baseMs ?? queueDefaults.backoffBaseMs;
  const max = capDelay(options.maxMs ?? queueDefaults.backoffMaxMs, queueDefaults.timerMaxMs);
  const exponent = Math.max(0, Math.min(attemptsMade - 1, 52));
  const step = Math.min(max, base * 2 ** exponent);
  return Math.round(step / 2 + (step / 2) * Math.min(Math.max(random, 0), 1));
}

/**
 * A delay in ms made safe for timers: negative or NaN -> 0, above `max` or Node's timer
 * range (2^31-1 ms; larger values fire at once with a warning) -> the smaller cap.
 */
export function capDelay(ms: number, max: number): number {
  if (Number.isNaN(ms) || ms <= 0) return 0;
  return Math.floor(Math.min(ms, max, queueDefaults.timerMaxMs));
}
