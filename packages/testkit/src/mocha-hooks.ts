// Loaded by .mocharc.cjs for every run: stops what the run itself started.
import { releaseTestCluster } from "./cluster/shared.ts";
import { releaseTestRedis } from "./redis.ts";
import { releaseRedisTopologies } from "./redis-topologies.ts";

export async function mochaGlobalTeardown(): Promise<void> {
  await releaseTestCluster();
  await releaseTestRedis();
  await releaseRedisTopologies();
}
