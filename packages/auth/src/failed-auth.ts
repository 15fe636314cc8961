// Slows down guessing: failed authentications are counted per source (client address), and
// past a burst the source gets 429 instead of 401 for a while. Only failures are counted, and
// a request that authenticates is always served, so an attacker sharing an address (or a NAT)
// with the legitimate client cannot lock its token out. rate-limiter-flexible keeps the counts.
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

export interface FailedAuthLimits {
  /** Failures allowed per source within `windowSecs` before 429. Default 20. */
  readonly burst?: number;
  /** Window of the count, seconds. Default 10. */
  readonly windowSecs?: number;
  /** How long a source stays throttled after exceeding the burst, seconds. Default 10. */
  readonly blockSecs?: number;
}

/** Records failures; answers the seconds the source must wait when it is throttled. */
export interface FailedAuthLimiter {
  failed(source: string): Promise<number | undefined>;
}

/** A per-process limiter (each replica counts its own failures; enough to make guessing a 256-bit token hopeless). */
export function failedAuthLimiter(limits: FailedAuthLimits = {}): FailedAuthLimiter {
  const limiter = new RateLimiterMemory({
    points: limits.burst ?? 20,
    duration: limits.windowSecs ?? 10,
    blockDuration: limits.blockSecs ?? 10,
  });
  return {
    async failed(source) {
      try {
        await limiter.consume(source);
        return undefined;
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
        throw rejection;
      }
    },
  };
}
