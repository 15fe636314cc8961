// The in-flight bound per principal: at most N RPCs of one principal at once, one more
// answered RESOURCE_EXHAUSTED at once, so one caller (a runaway script, a stuck PM) cannot
// take every slot of the ingress and starve the others. A counter per principal (a
// semaphore that never queues), not a rate limiter: it bounds concurrency, not requests per
// second. Public RPCs (probes) and requests served with authentication off are not counted:
// they have no principal to tell apart.
import type { Interceptor } from "@connectrpc/connect";
import { describePrincipal } from "@oaas/auth";
import { vars } from "@oaas/config";
import { tooManyInFlight } from "./error-map.ts";
import { principalKey } from "./principal-context.ts";

/**
 * Bounds the calls of each principal (by auth method and name) to `max` (config
 * ingress.maxInFlightPerPrincipal). A call counts from the gate until its work ends
 * (a streaming call until its stream starts).
 */
export function boundInFlight(max: number): Interceptor {
  const counts = new Map<string, number>();
  return (next) => async (req) => {
    const principal = req.contextValues.get(principalKey);
    if (principal.via === "none" || principal.via === "disabled") return next(req);
    const key = `${principal.via}:${principal.name}`;
    const now = counts.get(key) ?? 0;
    if (now >= max) throw tooManyInFlight(describePrincipal(principal), max, vars.maxInFlightPerPrincipal);
    counts.set(key, now + 1);
    try {
      return await next(req);
    } finally {
      const left = (counts.get(key) ?? 1) - 1;
      if (left > 0) counts.set(key, left);
      else counts.delete(key);
    }
  };
}
