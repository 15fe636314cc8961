// The circuit breaker of one cluster (cockatiel): it counts only the CRM's own faults
// (@oaas/models crm-failure.ts via isCrmFault), opens after `threshold` of them in a row,
// lets a trial through 2 s after opening and doubles that after each failed trial, and can
// start on probation (one failure opens it again) when a health probe reached a CRM whose
// breaker was open (manager.ts probe).
import {
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  circuitBreaker,
  handleWhen,
  type CircuitBreakerPolicy,
} from "cockatiel";
import { isCrmFault } from "./errors.ts";
import type { BreakerState } from "./health-probe.ts";

/** How often, and how long at most, a call meeting an open breaker re-probes the CRM first (ms). */
export const openRecheckMs = 2_000;

/** The first trial call after a breaker opens, ms; each failed trial doubles the wait. */
export const halfOpenFirstMs = 2_000;

/**
 * When an open breaker lets its next trial call through: 2 s after it opened, then twice
 * as long after each failed trial (with jitter), up to `maxMs` (CRM_CIRCUIT_BREAKER_TIMEOUT,
 * default 60 s). A CRM back after a restart is used again within seconds instead of a
 * full minute later, while one that stays down gets one trial a minute. A successful
 * trial closes the breaker and starts the sequence over (cockatiel's halfOpenAfter backoff).
 */
export function halfOpenBackoff(maxMs: number): ExponentialBackoff<unknown> | number {
  if (maxMs <= halfOpenFirstMs) return maxMs;
  return new ExponentialBackoff({ initialDelay: halfOpenFirstMs, maxDelay: maxMs });
}

export interface ClusterBreakerOptions {
  /** Consecutive counted failures that open it (CRM_CIRCUIT_BREAKER_FAILURE_THRESHOLD). */
  readonly threshold: number;
  /** The longest wait before a trial, ms (CRM_CIRCUIT_BREAKER_TIMEOUT). */
  readonly maxOpenMs: number;
  /** Start one failure short of the threshold, as after a half-open trial. */
  readonly probation?: boolean;
  /** "breaker-open", "breaker-closed", "breaker-half-open" as they happen. */
  readonly onEvent?: (event: string) => void;
}

/** A closed breaker for one cluster (see the header). */
export function clusterBreaker(options: ClusterBreakerOptions): CircuitBreakerPolicy {
  const counter = new ConsecutiveBreaker(options.threshold);
  // ConsecutiveBreaker's state is the count of consecutive failures so far.
  if (options.probation) counter.state = Math.max(0, options.threshold - 1);
  const breaker = circuitBreaker(handleWhen(isCrmFault), {
    halfOpenAfter: halfOpenBackoff(options.maxOpenMs),
    breaker: counter,
  });
  breaker.onBreak(() => options.onEvent?.("breaker-open"));
  breaker.onReset(() => options.onEvent?.("breaker-closed"));
  breaker.onHalfOpen(() => options.onEvent?.("breaker-half-open"));
  return breaker;
}

/** A breaker's state as the PM reports it (cluster health `breaker`); no breaker: closed. */
export function stateName(state: CircuitState | undefined): BreakerState {
  switch (state) {
    case CircuitState.Open:
      return "open";
    case CircuitState.HalfOpen:
      return "half-open";
    case CircuitState.Isolated:
      return "isolated";
    default:
      return "closed";
  }
}
