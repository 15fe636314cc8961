// /readyz of the dashboard: Redis answers PING within the bound. The queues are all the
// board shows, so without Redis the role is not ready; the record pages degrade instead.
import type { RedisClient } from "@oaas/queue";

export interface RedisReadiness {
  check(): Promise<{ readonly ready: boolean; readonly reason: string }>;
}

export function redisReadiness(redis: RedisClient, timeoutMs: number): RedisReadiness {
  return {
    async check() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new Error(`no answer within ${timeoutMs} ms`));
        }, timeoutMs);
      });
      try {
        await Promise.race([redis.ping(), timeout]);
        return { ready: true, reason: "ok" };
      } catch (error) {
        return {
          ready: false,
          reason: `Redis not reachable: ${error instanceof Error ? error.message : String(error)}`,
        };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
