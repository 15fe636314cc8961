// The Redis of the work queues and record history, opened once per process and checked
// before any role uses it (maxmemory-policy noeviction on every master, persistence warnings).
import { readFileSync } from "node:fs";
import type { CrmConfig } from "@oaas/config";
import { redactRedisUrl } from "@oaas/config";
import {
  checkRedis,
  createRedisConnection,
  type RedisClient,
  type RedisConnectionOptions,
} from "@oaas/queue";
import type { Logger } from "@oaas/telemetry";

/**
 * A client for config.redis (one server, Cluster or Sentinel, by the URL's scheme), not
 * yet connected, with the password of OPRC_CRM_REDIS_PASSWORD_FILE when set (read here,
 * trailing newline dropped; never logged).
 * @throws Error naming the variable when the password file cannot be read.
 */
export function queueRedisClient(config: CrmConfig, use: RedisConnectionOptions["use"]): RedisClient {
  return createRedisConnection(config.redis.url, {
    use,
    lazyConnect: true,
    ...(config.redis.passwordFile === undefined ? {} : { password: readPassword(config.redis.passwordFile) }),
  });
}

function readPassword(file: string): string {
  try {
    return readFileSync(file, "utf8").replace(/\r?\n$/, "");
  } catch (error) {
    const why = error instanceof Error && "code" in error ? String(error.code) : String(error);
    throw new Error(`OPRC_CRM_REDIS_PASSWORD_FILE=${JSON.stringify(file)}: cannot read it (${why})`, {
      cause: error,
    });
  }
}

/**
 * Connects to config.redis and runs checkRedis. Throws RedisConfigError (refuse to
 * start: the message has the fix) or the connection error; the caller exits 1.
 * Resolves with a connection suitable for BullMQ workers and producers.
 */
export async function openQueueRedis(config: CrmConfig, logger: Logger): Promise<RedisClient> {
  const where = redactRedisUrl(config.redis.url);
  const redis = queueRedisClient(config, "worker");
  // ioredis reports reconnects as "error" events; without a listener they are uncaught.
  redis.on("error", (error: Error) => {
    logger.warn("redis connection error", { error: error.message, redis: where });
  });
  try {
    await redis.connect();
    const check = await checkRedis(redis);
    for (const warning of check.warnings) logger.warn(warning, { redis: where });
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  return redis;
}
