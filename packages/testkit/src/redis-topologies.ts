// Real Redis topologies for tests that must hold on a scaled-out Redis: a 3-master Redis
// Cluster and a Sentinel group (master, replica, sentinel). Each is started once per test
// run from the Debian redis-server binary, on free ports in a temp dir, and stopped by
// releaseRedisTopologies() (mocha global teardown).
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Cluster, Redis } from "ioredis";
import { freePort } from "./ports.ts";
import { startProcess, stopProcesses, type StartedProcess } from "./processes.ts";
import { waitFor } from "./wait.ts";

const run = promisify(execFile);
const host = "127.0.0.1";

/** A Redis of some topology, with a key prefix no other test uses. */
export interface TestRedisTarget {
  readonly kind: "single" | "cluster" | "sentinel";
  /** For OPRC_CRM_REDIS_URL / createRedisConnection (credentials included). */
  readonly url: string;
  /** Unique per call; carries a hash tag on a cluster (`{oaas-test-1a2b3c4d}`). */
  readonly prefix: string;
  /** A new connection (maxRetriesPerRequest: null, as BullMQ workers need), closed by cleanup(). */
  readonly connect: () => Redis | Cluster;
  /** Deletes every key under the prefix (on every master) and closes connections made by connect(). */
  readonly cleanup: () => Promise<void>;
}

/** The Sentinel group, for tests that fail the master over. */
export interface TestSentinel {
  readonly masterName: string;
  readonly sentinelPort: number;
  /** The password of the data nodes (the sentinel itself has none). */
  readonly password: string;
  /** host:port of the current master, as the sentinel reports it. */
  currentMaster(): Promise<string>;
  /** SENTINEL FAILOVER, then waits until the sentinel names the other node and it accepts writes. */
  failover(): Promise<string>;
}

interface Started {
  readonly processes: StartedProcess[];
  readonly dir: string;
}

let cluster: Promise<{ ports: number[] }> | undefined;
let sentinel: Promise<TestSentinel> | undefined;
const started: Started[] = [];

/** The redis-server binary of the machine (Debian package). */
export const redisServer = (): string =>
  execFileSync("bash", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim();

/** Flags every test redis-server gets: no persistence, noeviction, a cmdline that stays ours. */
export function baseArgs(port: number, dir: string): string[] {
  return [
    "--bind",
    host,
    "--port",
    String(port),
    "--save",
    "",
    "--appendonly",
    "no",
    "--maxmemory-policy",
    "noeviction",
    "--dir",
    dir,
    // Keeps /proc/<pid>/cmdline as started, which stopProcesses checks before a signal.
    "--set-proc-title",
    "no",
  ];
}

/** Starts `count` redis-servers; `extra` adds flags per node (`aux` is one more free port for it). */
async function startServers(
  name: string,
  count: number,
  extra: (port: number, i: number, aux: number) => string[],
) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `oaas-${name}-`));
  const record: Started = { processes: [], dir };
  started.push(record);
  const binary = redisServer();
  const ports: number[] = [];
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const nodeDir = path.join(dir, String(port));
    fs.mkdirSync(nodeDir);
    record.processes.push(
      startProcess(
        `${name}-${port}`,
        binary,
        [...baseArgs(port, nodeDir), ...extra(port, i, await freePort())],
        dir,
      ),
    );
    ports.push(port);
  }
  return { ports, record, binary };
}

async function answers(port: number, password?: string): Promise<boolean> {
  const client = new Redis({
    host,
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    ...(password === undefined ? {} : { password }),
  });
  // The refused connection is the answer; without a listener ioredis prints it as unhandled.
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** One command on one node, through a short-lived connection. */
async function command(port: number, args: string[], password?: string): Promise<unknown> {
  const client = new Redis({ host, port, maxRetriesPerRequest: 1, ...(password ? { password } : {}) });
  client.on("error", () => undefined); // the command's own rejection reports it
  try {
    const [name = "", ...rest] = args;
    return await client.call(name, ...rest);
  } finally {
    client.disconnect();
  }
}

async function startCluster(): Promise<{ ports: number[] }> {
  // The bus port is set: the default (port + 10000) may be taken or above 65535.
  const { ports } = await startServers("redis-cluster", 3, (_port, _i, bus) => {
    return [
      "--cluster-enabled",
      "yes",
      "--cluster-config-file",
      "nodes.conf",
      "--cluster-node-timeout",
      "5000",
      "--cluster-port",
      String(bus),
    ];
  });
  for (const port of ports) {
    await waitFor(() => answers(port), { description: `cluster node on ${port}`, timeoutMs: 15_000 });
  }
  await run("redis-cli", [
    "--cluster",
    "create",
    ...ports.map((port) => `${host}:${port}`),
    "--cluster-replicas",
    "0",
    "--cluster-yes",
  ]);
  for (const port of ports) {
    await waitFor(async () => String(await command(port, ["CLUSTER", "INFO"])).includes("cluster_state:ok"), {
      description: `cluster_state:ok on ${port}`,
      timeoutMs: 30_000,
      intervalMs: 100,
    });
  }
  return { ports };
}

/**
 * A real 3-master Redis Cluster (no replicas), started on first use: the URL is
 * `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`.
 */
export async function testRedisCluster(): Promise<TestRedisTarget> {
  cluster ??= startCluster();
  const { ports } = await cluster;
  const nodes = ports.map((port) => ({ host, port }));
  const connections: Cluster[] = [];
  const connect = (): Cluster => {
    const client = new Cluster(nodes, { redisOptions: { maxRetriesPerRequest: null } });
    connections.push(client);
    return client;
  };
  const prefix = `{oaas-test-${randomBytes(4).toString("hex")}}`;
  return {
    kind: "cluster",
    url: `redis+cluster://${nodes.map((n) => `${n.host}:${n.port}`).join(",")}`,
    prefix,
    connect,
    cleanup: async () => {
      const admin = new Cluster(nodes);
      try {
        await new Promise<void>((resolve, reject) => {
          admin.once("ready", resolve);
          admin.once("error", reject);
        });
        for (const node of admin.nodes("master")) await deleteUnder(node, prefix);
      } finally {
        admin.disconnect();
        for (const c of connections) c.disconnect();
      }
    },
  };
}

async function startSentinel(): Promise<TestSentinel> {
  const password = randomBytes(8).toString("hex");
  const masterName = "oaas-test";
  let masterPort = 0;
  const data = await startServers("redis-sentinel-data", 2, (port, i) => {
    if (i === 0) masterPort = port;
    return [
      "--requirepass",
      password,
      "--masterauth",
      password,
      ...(i === 0 ? [] : ["--replicaof", host, String(masterPort)]),
    ];
  });
  for (const port of data.ports) {
    await waitFor(() => answers(port, password), { description: `redis on ${port}`, timeoutMs: 15_000 });
  }
  const sentinelPort = await freePort();
  const config = path.join(data.record.dir, "sentinel.conf");
  fs.writeFileSync(
    config,
    [
      `port ${sentinelPort}`,
      `bind ${host}`,
      `dir ${data.record.dir}`,
      `sentinel monitor ${masterName} ${host} ${masterPort} 1`,
      `sentinel auth-pass ${masterName} ${password}`,
      `sentinel down-after-milliseconds ${masterName} 2000`,
      `sentinel failover-timeout ${masterName} 10000`,
      "",
    ].join("\n"),
  );
  data.record.processes.push(
    startProcess(
      `redis-sentinel-${sentinelPort}`,
      data.binary,
      [config, "--sentinel", "--set-proc-title", "no"],
      data.record.dir,
    ),
  );
  const sentinelCall = (...args: string[]) => command(sentinelPort, ["SENTINEL", ...args]);
  const currentMaster = async (): Promise<string> => {
    const reply = (await sentinelCall("GET-MASTER-ADDR-BY-NAME", masterName)) as string[] | null;
    return reply === null ? "" : `${reply[0]}:${reply[1]}`;
  };
  const replicaReady = async (): Promise<boolean> => {
    // The sentinel lists the replica (it learns it from the master's INFO) and the
    // replica is in sync: only then can SENTINEL FAILOVER promote it.
    const replicas = (await sentinelCall("REPLICAS", masterName)) as string[][];
    const fields = replicas.map(
      (flat) => new Map(flat.flatMap((v, i, a) => (i % 2 === 0 ? [[v, a[i + 1]]] : []))),
    );
    return fields.some(
      (f) =>
        f.get("flags") === "slave" &&
        f.get("master-link-status") === "ok" &&
        f.get("slave-repl-offset") !== "0",
    );
  };
  await waitFor(
    async () => {
      try {
        return (await currentMaster()) === `${host}:${masterPort}` && (await replicaReady());
      } catch {
        return false;
      }
    },
    { description: "sentinel watching the master and its replica", timeoutMs: 30_000, intervalMs: 200 },
  );
  return {
    masterName,
    sentinelPort,
    password,
    currentMaster,
    failover: async () => {
      const before = await currentMaster();
      await waitFor(replicaReady, { description: "a replica in sync", timeoutMs: 30_000, intervalMs: 200 });
      await sentinelCall("FAILOVER", masterName);
      return waitFor(
        async () => {
          const now = await currentMaster();
          if (now === before || now === "") return undefined;
          const role = String(await command(Number(now.split(":")[1]), ["ROLE"], password).catch(() => ""));
          return role.startsWith("master") ? now : undefined;
        },
        { description: `failover away from ${before}`, timeoutMs: 30_000, intervalMs: 100 },
      );
    },
  };
}

/** The Sentinel group's controls (starts it on first use). */
export async function testSentinel(): Promise<TestSentinel> {
  sentinel ??= startSentinel();
  return sentinel;
}

/**
 * A Redis found through Sentinel (one master with password, one replica, one sentinel
 * without password), started on first use: the URL is
 * `redis+sentinel://:<password>@127.0.0.1:<sentinel port>/oaas-test`.
 */
export async function testRedisSentinel(): Promise<TestRedisTarget> {
  const group = await testSentinel();
  const options = {
    sentinels: [{ host, port: group.sentinelPort }],
    name: group.masterName,
    password: group.password,
  };
  const connections: Redis[] = [];
  const prefix = `oaas-test-${randomBytes(4).toString("hex")}`;
  return {
    kind: "sentinel",
    url: `redis+sentinel://:${group.password}@${host}:${group.sentinelPort}/${group.masterName}`,
    prefix,
    connect: () => {
      const client = new Redis({ ...options, maxRetriesPerRequest: null });
      connections.push(client);
      return client;
    },
    cleanup: async () => {
      const admin = new Redis(options);
      try {
        await deleteUnder(admin, prefix);
      } finally {
        admin.disconnect();
        for (const c of connections) c.disconnect();
      }
    },
  };
}

async function deleteUnder(node: Redis, prefix: string): Promise<void> {
  for await (const keys of node.scanStream({ match: `${prefix}:*`, count: 500 })) {
    // One DEL per key: on a cluster, keys of one batch may sit in different slots.
    for (const key of keys as string[]) await node.del(key);
  }
}

/** Stops every cluster and sentinel process this run started and removes their dirs. */
export async function releaseRedisTopologies(): Promise<void> {
  for (const record of started.splice(0)) {
    await stopProcesses(record.processes);
    fs.rmSync(record.dir, { recursive: true, force: true });
  }
  cluster = undefined;
  sentinel = undefined;
}
