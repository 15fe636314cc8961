// The CRM on a scaled-out Redis, as real processes: `crm all` with OPRC_CRM_REDIS_URL on a
// real 3-master Redis Cluster (and behind Sentinel, password from a file) converges a
// Deploy to Available with its queues and history there; a cluster URL with a prefix
// without hash tag is refused at startup, naming the variable.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { recordName } from "@oaas/crd";
import { createHistory } from "@oaas/queue";
import { StatusCode } from "@oaas/proto";
import {
  testRedisCluster,
  testRedisSentinel,
  testSentinel,
  waitFor,
  type TestRedisTarget,
} from "@oaas/testkit";
import { expect } from "chai";
import { useCrmSuite } from "../support/crm-suite.ts";
import type { Cluster } from "ioredis";
import { deploymentClient } from "../support/clients.ts";
// One CRM process helper for every suite (packages/testkit).
import { waitCrmChildReady as waitReady, type CrmChild as CrmProcess } from "@oaas/testkit";
import { fn, unit, withFunctions } from "../support/fixtures.ts";
import { getRecord } from "../support/records.ts";
import { KubeClient } from "@oaas/kube";

describe("crm on a Redis Cluster and behind Sentinel", function () {
  this.timeout(240_000);
  // Each test brings its own Redis (a cluster, a sentinel set) through OPRC_CRM_REDIS_URL.
  const suite = useCrmSuite({ namespace: "redis-scale", redis: false });
  const namespace = {
    get name() {
      return suite.namespace;
    },
  };
  let kube: KubeClient;
  const targets: TestRedisTarget[] = [];
  let dir: string;

  before(function () {
    kube = suite.kube;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "oaas-redis-scale-"));
  });
  after(async function () {
    for (const t of targets.splice(0)) await t.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const crm = (args: string[], env: Record<string, string>): Promise<CrmProcess> => suite.crm(args, env);

  /** Deploys `id` through the ingress of `all` and waits for Available. */
  async function deployAvailable(all: CrmProcess, id: string): Promise<void> {
    const client = deploymentClient("grpc", all.url);
    const answer = await client.deploy({ deploymentUnit: unit(id, withFunctions(fn("cart"))) });
    expect(answer.status).to.equal(StatusCode.OK);
    await waitFor(async () => (await getRecord(kube, namespace.name, id))?.status?.phase === "Available", {
      description: `record ${recordName(id)} Available`,
      timeoutMs: 120_000,
      intervalMs: 500,
    });
  }

  it("crm all with OPRC_CRM_REDIS_URL=redis+cluster://(3 masters): a Deploy converges, queues and history on the cluster", async function () {
    const t = await testRedisCluster();
    targets.push(t);
    const all = await crm(["all"], {
      OPRC_CRM_REDIS_URL: t.url,
      OPRC_CRM_QUEUE_PREFIX: t.prefix,
      OPRC_CRM_LEASE_NAME: `watcher-${t.prefix.slice(1, -1)}`,
    });
    await waitReady(all);
    const id = "cluster-shop";
    await deployAvailable(all, id);

    const redis = t.connect() as Cluster;
    // A cluster client knows its masters only once it has read the slot map.
    if (redis.status !== "ready") await new Promise((resolve) => redis.once("ready", resolve));
    const keys: string[] = [];
    for (const node of redis.nodes("master")) keys.push(...(await node.keys(`${t.prefix}:*`)));
    expect(
      keys.some((k) => k.startsWith(`${t.prefix}:reconcile:`)),
      keys.join(" "),
    ).to.equal(true);
    const history = await createHistory({ connection: redis, prefix: t.prefix }).read(
      namespace.name,
      recordName(id),
    );
    expect(history.length, "history entries of the record").to.be.above(0);
    // The log states where Redis is without its credentials and with the topology.
    expect(all.output()).to.include("redis+cluster://127.0.0.1:");
  });

  it("refuses a cluster URL whose queue prefix has no hash tag, naming OPRC_CRM_QUEUE_PREFIX", async function () {
    const t = await testRedisCluster();
    const probe = await crm(["reconciler"], {
      OPRC_CRM_REDIS_URL: t.url,
      OPRC_CRM_QUEUE_PREFIX: "oaas-plain",
    });
    expect(await probe.exited).to.not.equal(0);
    expect(probe.output()).to.match(/OPRC_CRM_QUEUE_PREFIX="oaas-plain": must carry a hash tag/);
  });

  it("crm all behind Sentinel, password from OPRC_CRM_REDIS_PASSWORD_FILE: a Deploy converges", async function () {
    const t = await testRedisSentinel();
    targets.push(t);
    const group = await testSentinel();
    const passwordFile = path.join(dir, "redis-password");
    fs.writeFileSync(passwordFile, `${group.password}\n`);
    const all = await crm(["all"], {
      OPRC_CRM_REDIS_URL: `redis+sentinel://127.0.0.1:${group.sentinelPort}/${group.masterName}`,
      OPRC_CRM_REDIS_PASSWORD_FILE: passwordFile,
      OPRC_CRM_QUEUE_PREFIX: t.prefix,
      OPRC_CRM_LEASE_NAME: `watcher-${t.prefix}`,
    });
    await waitReady(all);
    await deployAvailable(all, "sentinel-shop");
    expect(all.output()).not.to.include(group.password);
  });
});
