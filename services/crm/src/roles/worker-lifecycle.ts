// Readiness and stop of a role whose work is a queue worker on Redis (reconciler,
// enforcer, analyzer), written once: not ready while stopping or while its Redis
// connection is not ready, then whatever the role adds (e.g. the analyzer's record
// cache); stopping marks it not ready before the role's own stop runs.
import type { RedisClient } from "@oaas/queue";
import type { ReadinessPart, ReadyState } from "../health/readiness.ts";

/** What workerLifecycle returns: the role's readiness part and its stop. */
export interface WorkerLifecycle {
  readonly readiness: ReadinessPart;
  stop(): Promise<void>;
}

/**
 * `name`: the readiness part's name (/readyz says it); `redis`: the worker's connection;
 * `notReady`: the role's own check after Redis, a reason when not ready, else undefined;
 * `stop`: closes the worker and what the role opened, in order.
 */
export function workerLifecycle(options: {
  readonly name: string;
  readonly redis: Pick<RedisClient, "status">;
  readonly notReady?: () => string | undefined;
  readonly stop: () => Promise<void>;
}): WorkerLifecycle {
  let closed = false;
  const check = (): ReadyState => {
    if (closed) return { ready: false, reason: "stopping" };
    if (options.redis.status !== "ready")
      return { ready: false, reason: `Redis connection is ${options.redis.status}` };
    const reason = options.notReady?.();
    return reason === undefined ? { ready: true, reason: "ok" } : { ready: false, reason };
  };
  return {
    readiness: { name: options.name, check },
    stop: async () => {
      closed = true;
      await options.stop();
    },
  };
}
