// What only a scaled-out Redis shows: createRedisConnection builds a Cluster or a
// Sentinel-backed client from the URL, checkRedis inspects every master, a queue's keys
// share one slot, an unsuitable prefix is refused, and work goes on after a failover.
import {
  testRedisCluster,
  testRedisSentinel,
  testSentinel,
  waitFor,
  type TestRedisTarget,
} from "@oaas/testkit";
import { expect } from "chai";
import { Cluster, type Redis } from "ioredis";
import { bucketKey, historyKey, leaseKey } from "../../src/keys.ts";
import {
  checkRedis,
  createHistory,
  createRecordQueue,
  createRedisConnection,
  RedisConfigError,
  RedisUrlError,
  type RedisClient,
} from "../../src/index.ts";
import { harness, job, recordingHandler, runsDone } from "./helpers.ts";

const opened: RedisClient[] = [];
function open(url: string): RedisClient {
  const client = createRedisConnection(url);
  opened.push(client);
  return client;
}

async function ready(client: RedisClient): Promise<void> {
  if (client.status === "ready") return;
  await new Promise<void>((resolve, reject) => {
    client.once("ready", resolve);
    client.once("error", reject);
  });
}

afterEach(function () {
  for (const client of opened.splice(0)) client.disconnect();
});

describe("queue on a real 3-master Redis Cluster", function () {
  this.timeout(90_000);
  let t: TestRedisTarget;
  before(async function () {
    t = await testRedisCluster();
  });
  after(async function () {
    await t.cleanup();
  });

  it("redis+cluster:// builds a Cluster client; checkRedis reads all 3 masters", async function () {
    const client = open(t.url);
    expect(client).to.be.instanceOf(Cluster);
    await ready(client);
    expect((client as Cluster).nodes("master")).to.have.length(3);
    const check = await checkRedis(client);
    expect(check.maxmemoryPolicy).to.equal("noeviction");
    // The test nodes persist nothing: one warning per master, each naming its node.
    const named = (client as Cluster)
      .nodes("master")
      .map((n) => `Redis on ${n.options.host}:${n.options.port} persists nothing`);
    expect(check.warnings.map((w) => w.slice(0, w.indexOf(" ("))).sort()).to.deep.equal(named.sort());
  });

  it("checkRedis refuses when one master evicts, naming that master", async function () {
    const client = open(t.url);
    await ready(client);
    const [, second] = (client as Cluster).nodes("master") as [Redis, Redis];
    await second.config("SET", "maxmemory-policy", "allkeys-lru");
    try {
      await checkRedis(client);
      expect.fail("checkRedis accepted allkeys-lru on one master");
    } catch (error) {
      expect(error).to.be.instanceOf(RedisConfigError);
      expect((error as RedisConfigError).message).to.include(
        `on ${second.options.host}:${second.options.port}`,
      );
      expect((error as RedisConfigError).maxmemoryPolicy).to.equal("allkeys-lru");
    } finally {
      await second.config("SET", "maxmemory-policy", "noeviction");
    }
  });

  it("a queue's BullMQ, lease, bucket and history keys share one slot", async function () {
    const client = open(t.url);
    await ready(client);
    const record = "ns/r1";
    const keys = [
      `${t.prefix}:reconcile:wait`,
      `${t.prefix}:reconcile:meta`,
      leaseKey(t.prefix, "reconcile", record),
      bucketKey(t.prefix, "reconcile", record),
      historyKey(t.prefix, "ns", "r1"),
    ];
    const slots = await Promise.all(keys.map((key) => client.cluster("KEYSLOT", key)));
    expect(new Set(slots).size, JSON.stringify(slots)).to.equal(1);
  });

  it("refuses a prefix without hash tag on a cluster, before any command", function () {
    const client = open(t.url);
    expect(() => createRecordQueue({ connection: client, prefix: "oaas", name: "reconcile" })).to.throw(
      RangeError,
      /no hash tag.*"\{oaas\}"/,
    );
  });

  it("refuses a URL outside the grammar without showing its password", function () {
    expect(() => createRedisConnection("redis+cluster://:hunter2@a:1/2")).to.throw(RedisUrlError, /\*\*\*@/);
    expect(() => createRedisConnection("redis+cluster://:hunter2@a:1/2")).not.to.throw(/hunter2/);
  });

  it("spreads queues of different prefixes over the masters (hash tags pick the slot)", async function () {
    const client = open(t.url);
    await ready(client);
    const owners = new Set<string>();
    const shards = await client.cluster("SLOTS");
    for (let i = 0; i < 12; i++) {
      const key = `{${t.prefix.slice(1, -1)}-${i}}:reconcile:wait`;
      const slot = await client.cluster("KEYSLOT", key);
      const owner = shards.find(([from, to]) => slot >= from && slot <= to);
      owners.add(`${owner?.[2]?.[0]}:${owner?.[2]?.[1]}`);
    }
    expect(owners.size).to.be.above(1);
  });
});

describe("queue behind Redis Sentinel", function () {
  this.timeout(120_000);
  let t: TestRedisTarget;
  before(async function () {
    t = await testRedisSentinel();
  });
  after(async function () {
    await t.cleanup();
  });

  it("redis+sentinel:// finds the master (password from the URL; sentinel without one); checkRedis passes", async function () {
    const client = open(t.url);
    await ready(client);
    const group = await testSentinel();
    const [, port] = (await client.config("GET", "port")) as [string, string];
    expect(`127.0.0.1:${port}`).to.equal(await group.currentMaster());
    expect((await checkRedis(client)).maxmemoryPolicy).to.equal("noeviction");
  });

  it("after SENTINEL FAILOVER the same producer, worker and history keep working", async function () {
    const h = harness(t);
    try {
      const { runs, handler } = recordingHandler();
      h.worker({ handler, workerId: "w1" });
      await h.producer.enqueue(job("before"));
      await runsDone(runs, 1, (r) => r.data.name === "before");
      const history = createHistory({ connection: h.redis, prefix: h.prefix });
      await history.append("ns", "kept", {
        type: "applied",
        time: new Date().toISOString(),
        message: "before",
      });

      const group = await testSentinel();
      const before = await group.currentMaster();
      const after = await group.failover();
      expect(after).not.to.equal(before);

      // Writes may fail while the clients reconnect to the new master: retry the enqueue
      // itself (the producer fails fast by design), never sleep.
      await waitFor(
        async () => {
          try {
            await h.producer.enqueue(job("after"));
            return true;
          } catch {
            return false;
          }
        },
        { description: "an enqueue on the new master", timeoutMs: 30_000, intervalMs: 200 },
      );
      const [run] = await runsDone(runs, 1, (r) => r.data.name === "after", 30_000);
      expect(run?.workerId).to.equal("w1");
      const entries = await history.read("ns", "kept");
      expect(entries.map((e) => e.message)).to.deep.equal(["before"]);
      expect(String(await h.redis.call("ROLE"))).to.match(/^master/);
    } finally {
      await h.stop();
    }
  });
});
