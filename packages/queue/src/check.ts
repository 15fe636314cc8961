import type { Redis } from "ioredis";
import { masterNodes, type RedisClient } from "./connection.ts";

/** Redis is configured so that queued work could silently disappear: refuse to start. */
export class RedisConfigError extends Error {
  override readonly name = "RedisConfigError";
  constructor(
    message: string,
    /** The offending maxmemory-policy value. */
    readonly maxmemoryPolicy: string,
  ) {
    super(message);
  }
}

/** What checkRedis found. */
export interface RedisCheck {
  /** maxmemory-policy, when readable. */
  readonly maxmemoryPolicy?: string;
  /** Things an operator should fix but that do not stop the CRM (log each as a warning). */
  readonly warnings: readonly string[];
}

/**
 * Startup check of the Redis that holds the queues (BullMQ's production checklist), on
 * every master of a Redis Cluster (each holds part of the queues) or on the one Redis
 * (through Sentinel: the current master):
 * - `maxmemory-policy` must be `noeviction`: any other policy lets Redis evict job and
 *   lock keys under memory pressure, which loses or duplicates work silently. Throws
 *   RedisConfigError with the fix (naming the node on a cluster).
 * - Nothing persisting (no AOF and no RDB `save` rule) is a warning: a Redis restart then
 *   loses every queued job; the periodic resync re-enqueues every record, so no desired
 *   state is lost, only time.
 * Reads `INFO` first (allowed on most managed Redis services), then `CONFIG GET` for what
 * INFO lacks. Where CONFIG is disabled or renamed (managed Redis), what cannot be read is
 * a warning, not a refusal. The connection must be connected (a cluster knows its
 * masters only then).
 */
export async function checkRedis(connection: RedisClient): Promise<RedisCheck> {
  const nodes = masterNodes(connection);
  if (nodes.length === 0) throw new Error("checkRedis: the Redis Cluster connection knows no master yet");
  const checks = await Promise.all(
    nodes.map((node) =>
      checkNode(node, nodes.length > 1 ? `${node.options.host}:${node.options.port}` : undefined),
    ),
  );
  const policies = new Set(checks.map((c) => c.maxmemoryPolicy));
  const warnings = checks.flatMap((c) => c.warnings);
  const [policy] = policies;
  return policies.size === 1 && policy !== undefined ? { maxmemoryPolicy: policy, warnings } : { warnings };
}

/** checkRedis on one data node; `node` names it in messages when there are several. */
async function checkNode(connection: Redis, node: string | undefined): Promise<RedisCheck> {
  const on = node === undefined ? "" : ` on ${node}`;
  const warnings: string[] = [];
  const memory = parseInfo(await connection.info("memory"));
  const persistence = parseInfo(await connection.info("persistence"));
  const policy = memory.get("maxmemory_policy") ?? (await configGet(connection, "maxmemory-policy"));
  if (policy === undefined) {
    warnings.push(
      `could not read maxmemory-policy${on} (INFO and CONFIG GET refused); make sure it is noeviction, or Redis may evict queued jobs`,
    );
  } else if (policy !== "noeviction") {
    throw new RedisConfigError(
      `Redis maxmemory-policy${on} is "${policy}"; the CRM's queues need "noeviction" (otherwise Redis evicts ` +
        `jobs and locks under memory pressure). Fix: redis-cli CONFIG SET maxmemory-policy noeviction ` +
        `(and "maxmemory-policy noeviction" in redis.conf, or the parameter group of a managed Redis)` +
        (node === undefined ? "." : ", on every master."),
      policy,
    );
  }
  const aof = persistence.get("aof_enabled") === "1";
  const save = await configGet(connection, "save");
  if (!aof && save === undefined) {
    warnings.push(
      `could not read the RDB save rules${on} (CONFIG disabled) and AOF is off; if Redis does not persist, a restart loses queued jobs until the next resync`,
    );
  } else if (!aof && save?.trim() === "") {
    warnings.push(
      `Redis${on} persists nothing (appendonly no, save ""): a restart loses queued jobs until the next resync. ` +
        "Fix: redis-cli CONFIG SET appendonly yes (and appendonly yes in redis.conf)",
    );
  }
  return policy === undefined ? { warnings } : { maxmemoryPolicy: policy, warnings };
}

function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0 && !line.startsWith("#")) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/** CONFIG GET one parameter; undefined when CONFIG is refused (managed Redis) or unknown. */
async function configGet(connection: Redis, parameter: string): Promise<string | undefined> {
  try {
    const reply: unknown = await connection.config("GET", parameter);
    if (Array.isArray(reply) && reply.length >= 2) return String(reply[1]);
    return undefined;
  } catch {
    return undefined;
  }
}
