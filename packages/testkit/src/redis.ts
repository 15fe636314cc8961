import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { freePort, isListening } from "./ports.ts";
import { startProcess, stopProcesses, type StartedProcess } from "./processes.ts";
import { waitFor } from "./wait.ts";
import type { TestRedisTarget } from "./redis-topologies.ts";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";

/** Where tests find Redis, with a key prefix no other test uses. */
export interface TestRedis extends TestRedisTarget {
  readonly kind: "single";
  readonly host: string;
  readonly port: number;
  /** Unique per call, e.g. `oaas-test-1a2b3c4d`; use as the BullMQ `prefix`. */
  readonly prefix: string;
  /** A new ioredis connection to this Redis (BullMQ workers need maxRetriesPerRequest: null). */
  readonly connect: () => Redis;
  /** Deletes every key under the prefix and closes connections made through connect(). */
  readonly cleanup: () => Promise<void>;
}

let server: Promise<{ host: string; port: number }> | undefined;
let started: { process: StartedProcess; dir: string } | undefined;

/**
 * The machine's Redis on 127.0.0.1:6379 when it answers, else a `redis-server` (Debian
 * package) started on a free port for this test run and stopped by releaseTestRedis().
 */
export async function testRedis(): Promise<TestRedis> {
  server ??= locate();
  const { host, port } = await server;
  const prefix = `oaas-test-${randomBytes(4).toString("hex")}`;
  const connections: Redis[] = [];
  return {
    kind: "single",
    url: `redis://${host}:${port}`,
    host,
    port,
    prefix,
    connect: () => {
      const connection = new Redis({ host, port, maxRetriesPerRequest: null, lazyConnect: false });
      connections.push(connection);
      return connection;
    },
    cleanup: async () => {
      const admin = new Redis({ host, port });
      try {
        for await (const keys of admin.scanStream({ match: `${prefix}:*`, count: 500 })) {
          if ((keys as string[]).length > 0) await admin.del(...(keys as string[]));
        }
      } finally {
        admin.disconnect();
        for (const c of connections) c.disconnect();
      }
    },
  };
}

async function locate(): Promise<{ host: string; port: number }> {
  const host = "127.0.0.1";
  if (await answersPing(host, 6379)) return { host, port: 6379 };
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oaas-redis-"));
  const binary = execFileSync("bash", ["-c", "command -v redis-server"], { encoding: "utf8" }).trim();
  const process_ = startProcess(
    "redis-server",
    binary,
    [
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
    ],
    dir,
  );
  started = { process: process_, dir };
  await waitFor(() => answersPing(host, port), {
    description: `redis-server on port ${port}`,
    timeoutMs: 15_000,
  });
  return { host, port };
}

async function answersPing(host: string, port: number): Promise<boolean> {
  if (!(await isListening(port, host))) return false;
  const client = new Redis({
    host,
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
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

/** Stops the redis-server this run started, if any. */
export async function releaseTestRedis(): Promise<void> {
  if (started) {
    await stopProcesses([started.process]);
    fs.rmSync(started.dir, { recursive: true, force: true });
  }
  started = undefined;
  server = undefined;
}

/** Mocha helper: a TestRedis per suite with its own key prefix, cleaned up in `after`. */
export function useTestRedis(): () => TestRedis {
  let current: TestRedis | undefined;
  before(async () => {
    current = await testRedis();
  });
  after(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error("useTestRedis: Redis read outside a test");
    return current;
  };
}
