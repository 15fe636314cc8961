import { Redis, type Cluster, type RedisOptions } from "ioredis";
import { queueDefaults } from "./defaults.ts";

/**
 * What the queue edge accepts as a connection: a single Redis or a Redis Cluster (then
 * use a hash-tag prefix such as "{oaas}" so each queue's keys share one slot).
 */
export type RedisClient = Redis | Cluster;

/** Options for createRedisConnection; anything ioredis accepts, plus a role hint. */
export interface RedisConnectionOptions extends Omit<RedisOptions, "keyPrefix"> {
  /**
   * "worker" (default) sets maxRetriesPerRequest: null, which BullMQ 6 requires for
   * workers (it throws at construction otherwise): a command waits for Redis to come
   * back instead of failing. "producer" keeps ioredis' default (fail after 20 retries)
   * so an enqueue during a Redis outage fails fast and the caller can report it.
   */
  readonly use?: "worker" | "producer";
}

/**
 * An ioredis connection suitable for BullMQ. Never set ioredis' keyPrefix (BullMQ rejects
 * it): isolate with the `prefix` option of the queue, worker and history instead.
 *
 * @param url redis:// or rediss:// URL; default redis://127.0.0.1:6379.
 */
export function createRedisConnection(
  url: string = queueDefaults.redisUrl,
  options: RedisConnectionOptions = {},
): Redis {
  const { use = "worker", ...rest } = options;
  return new Redis(url, {
    ...(use === "worker" ? { maxRetriesPerRequest: null } : {}),
    ...rest,
  });
}
