// The Redis of the work queues and record history, opened once per process and checked
// before any role uses it (maxmemory-policy noeviction on every master, persistence warnings).
import { readFileSync } from "node:fs";
import type { CrmConfig } from "@oaas/config";
import { redactRedisUrl } from "@oaas/config";
import {
  checkRedis,
  createRedisConnection,
  watchRedis,
  type RedisClient,
  type RedisConnectionOptions,
} from "@oaas/queue";
import { createConnectionMonitor, type ConnectionMonitor, type Logger, type Metrics } from "@oaas/telemetry";

/**
 * The process's one monitor of its Redis connections (every client of queueRedisClient
 * reports to it): an outage logs `redis connection lost` and `redis connection restored`
 * once each, and counts in oaas_connection_failures_total{peer="redis"} /
 * oaas_connection_up{peer="redis"}.
 */
export function redisMonitor(config: CrmConfig, logger: Logger, metrics: Metrics): ConnectionMonitor {
  return createConnectionMonitor({
    peer: "redis",
    logger,
    metrics,
    fields: { redis: redactRedisUrl(config.redis.url) },
  });
}

/**
 * A client for config.redis (one server, Cluster or Sentinel, by the URL's scheme), not
 * yet connected, with the password of OPRC_CRM_REDIS_PASSWORD_FILE when set (read here,
 * trailing newline dropped; never logged). Its events and those of every duplicate BullMQ
 * makes of it go to `monitor` (watchRedis of @oaas/queue), never to the console; every
 * role passes the process's one monitor. Without one (the `crm history` command, which
 * reports failed commands itself) the caller must listen to "error".
 * @throws Error naming the variable when the password file cannot be read.
 */
export function queueRedisClient(
  config: CrmConfig,
  use: RedisConnectionOptions["use"],
  monitor: ConnectionMonitor | undefined,
): RedisClient {
  const client = createRedisConnection(config.redis.url, {
    use,
    lazyConnect: true,
    ...(config.redis.passwordFile === undefined ? {} : { password: readPassword(config.redis.passwordFile) }),
  });
  return monitor ? watchRedis(client, monitor) : client;
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
export async function openQueueRedis(
  config: CrmConfig,
  logger: Logger,
  monitor: ConnectionMonitor,
): Promise<RedisClient> {
  const where = redactRedisUrl(config.redis.url);
  const redis = queueRedisClient(config, "worker", monitor);
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
