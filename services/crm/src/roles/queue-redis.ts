// The Redis of the work queues and record history, opened once per process and checked
// before any role uses it (maxmemory-policy noeviction, persistence warnings).
import type { CrmConfig } from "@oaas/config";
import { redactUrl } from "@oaas/config";
import { checkRedis, createRedisConnection } from "@oaas/queue";
import type { Logger } from "@oaas/telemetry";
import type { Redis } from "ioredis";

/**
 * Connects to config.redis.url and runs checkRedis. Throws RedisConfigError (refuse to
 * start: the message has the fix) or the connection error; the caller exits 1.
 * Resolves with a connection suitable for BullMQ workers and producers.
 */
export async function openQueueRedis(config: CrmConfig, logger: Logger): Promise<Redis> {
  const redis = createRedisConnection(config.redis.url, { lazyConnect: true });
  // ioredis reports reconnects as "error" events; without a listener they are uncaught.
  redis.on("error", (error: Error) => {
    logger.warn("redis connection error", { error: error.message, redis: redactUrl(config.redis.url) });
  });
  try {
    await redis.connect();
    const check = await checkRedis(redis);
    for (const warning of check.warnings) logger.warn(warning, { redis: redactUrl(config.redis.url) });
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return redis;
}
