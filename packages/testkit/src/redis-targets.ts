// Runs one suite on each Redis topology the CRM supports, by a mocha helper per kind.
import { testRedis } from "./redis.ts";
import { testRedisCluster, testRedisSentinel, type TestRedisTarget } from "./redis-topologies.ts";

export type RedisTargetKind = TestRedisTarget["kind"];
const allKinds: readonly RedisTargetKind[] = ["single", "cluster", "sentinel"];

/**
 * The topologies suites parameterised by kind run on: OAAS_TEST_REDIS_KINDS (a comma
 * list, e.g. `single`) when set, else all three.
 * @throws Error on an unknown kind in the variable.
 */
export function redisTargetKinds(): RedisTargetKind[] {
  const raw = process.env.OAAS_TEST_REDIS_KINDS?.trim();
  if (raw === undefined || raw === "") return [...allKinds];
  return raw.split(",").map((word) => {
    const kind = allKinds.find((k) => k === word.trim());
    if (kind === undefined)
      throw new Error(`OAAS_TEST_REDIS_KINDS: unknown kind "${word}" (${allKinds.join(", ")})`);
    return kind;
  });
}

const starters: Readonly<Record<RedisTargetKind, () => Promise<TestRedisTarget>>> = {
  single: testRedis,
  cluster: testRedisCluster,
  sentinel: testRedisSentinel,
};

/** Mocha helper: a TestRedisTarget of `kind` per suite with its own key prefix, cleaned up in `after`. */
export function useRedisTarget(kind: RedisTargetKind): () => TestRedisTarget {
  let current: TestRedisTarget | undefined;
  before(async function () {
    // The first use of a cluster or sentinel group starts its servers.
    this.timeout(90_000);
    current = await starters[kind]();
  });
  after(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error(`useRedisTarget(${kind}): Redis read outside a test`);
    return current;
  };
}
