import { hasHashTag, parseRedisTarget, redactRedisUrl, type RedisTarget } from "@oaas/config";
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { queueDefaults } from "./defaults.ts";

/**
 * What the queue edge accepts as a connection: a single Redis (direct or found through
 * Sentinel) or a Redis Cluster (then the prefix needs a hash tag such as "{oaas}" so each
 * queue's keys share one slot; see assertPrefixFits).
 */
export type RedisClient = Redis | Cluster;

/** Options for createRedisConnection; anything ioredis accepts for a data node, plus a role hint. */
export interface RedisConnectionOptions extends Omit<RedisOptions, "keyPrefix"> {
  /**
   * "worker" (default) sets maxRetriesPerRequest: null, which BullMQ 6 requires for
   * workers (it throws at construction otherwise): a command waits for Redis to come
   * back instead of failing. "producer" keeps ioredis' default (fail after 20 retries)
   * so an enqueue during a Redis outage fails fast and the caller can report it.
   */
  readonly use?: "worker" | "producer";
}

/** The URL given to createRedisConnection is not one of the forms of @oaas/config's redis-url. */
export class RedisUrlError extends Error {
  override readonly name = "RedisUrlError";
}

/**
 * An ioredis client suitable for BullMQ, for the topology the URL names (grammar and
 * defaults: parseRedisTarget of @oaas/config):
 * - `redis://`, `rediss://`: one Redis;
 * - `redis+cluster://a:p,b:p`: an ioredis Cluster seeded with those nodes (it discovers
 *   the rest); `options` apply to every node connection;
 * - `redis+sentinel://a:p,b:p/name[/db]`: a Redis that asks the sentinels for master
 *   `name` and follows failovers (a failover drops the connection; ioredis asks again).
 *   The URL's credentials serve the master and the sentinels (a sentinel without a
 *   password accepts the AUTH with a warning).
 * `options.password` (e.g. read from OPRC_CRM_REDIS_PASSWORD_FILE) wins over the URL's.
 * Never set ioredis' keyPrefix (BullMQ rejects it): isolate with the `prefix` option of
 * the queue, worker and history instead.
 * @throws RedisUrlError for a URL outside the grammar (credentials redacted in the message).
 */
export function createRedisConnection(
  url: string = queueDefaults.redisUrl,
  options: RedisConnectionOptions = {},
): RedisClient {
  const parsed = parseRedisTarget(url);
  if (!parsed.ok) throw new RedisUrlError(`Redis URL ${redactRedisUrl(url)}: ${parsed.reason}`);
  return connectTarget(parsed.value, options);
}

function connectTarget(target: RedisTarget, options: RedisConnectionOptions): RedisClient {
  const { use = "worker", ...rest } = options;
  const node: RedisOptions = {
    ...(target.username === undefined ? {} : { username: target.username }),
    ...(target.password === undefined ? {} : { password: target.password }),
    ...(target.tls ? { tls: {} } : {}),
    ...(use === "worker" ? { maxRetriesPerRequest: null } : {}),
    ...rest,
  };
  const [first] = target.nodes;
  switch (target.topology) {
    case "standalone":
      return new Redis({ ...node, host: first?.host, port: first?.port, db: target.db });
    case "cluster": {
      // BullMQ reads maxRetriesPerRequest from redisOptions; lazyConnect is the cluster's own.
      const { lazyConnect, ...redisOptions } = node;
      return new Cluster(
        target.nodes.map(({ host, port }) => ({ host, port })),
        { redisOptions, ...(lazyConnect === undefined ? {} : { lazyConnect }) },
      );
    }
    case "sentinel":
      return new Redis({
        ...node,
        sentinels: target.nodes.map(({ host, port }) => ({ host, port })),
        name: target.masterName ?? "",
        db: target.db,
        ...(node.username === undefined ? {} : { sentinelUsername: node.username }),
        ...(node.password === undefined ? {} : { sentinelPassword: node.password }),
        ...(target.tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
      });
  }
}

/**
 * Refuses a key prefix that would spread one queue over several Redis Cluster slots
 * (BullMQ's scripts would fail with CROSSSLOT on the first job). The hash-tag rule is
 * @oaas/config's hasHashTag; OPRC_CRM_QUEUE_PREFIX is checked there at startup.
 * @throws RangeError on a cluster connection with a prefix without hash tag.
 */
export function assertPrefixFits(connection: RedisClient, prefix: string): void {
  if (connection.isCluster && !hasHashTag(prefix)) {
    throw new RangeError(
      `key prefix "${prefix}" has no hash tag, but the connection is a Redis Cluster: use e.g. "{${prefix}}" so each queue's keys share one slot`,
    );
  }
}

/**
 * The data nodes to inspect: every master of a cluster (connected), else the one Redis.
 */
export function masterNodes(connection: RedisClient): Redis[] {
  return connection instanceof Cluster ? connection.nodes("master") : [connection];
}
