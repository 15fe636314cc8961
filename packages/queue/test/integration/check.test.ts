// checkRedis against real redis-server processes started for this suite with the
// settings under test (allkeys-lru, no persistence, CONFIG disabled as on managed Redis).
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { Redis } from "ioredis";
import { checkRedis, RedisConfigError } from "../../src/index.ts";

interface OwnRedis {
  readonly port: number;
  readonly client: Redis;
  stop(): Promise<void>;
}

async function startRedis(args: string[]): Promise<OwnRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oaas-queue-check-"));
  const child: ChildProcess = spawn(
    "redis-server",
    ["--bind", "127.0.0.1", "--port", String(port), "--dir", dir, ...args],
    {
      stdio: "ignore",
    },
  );
  const client = new Redis({
    port,
    host: "127.0.0.1",
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => 100,
  });
  // Refused connections until the server listens are expected; waitFor reports the last one.
  client.on("error", () => undefined);
  await waitFor(
    async () => {
      if (client.status === "wait") await client.connect();
      await client.ping();
      return true;
    },
    { description: `redis-server on ${port}`, timeoutMs: 15_000, intervalMs: 100 },
  );
  return {
    port,
    client,
    stop: async () => {
      client.disconnect();
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe("checkRedis (own redis-server processes)", function () {
  const started: OwnRedis[] = [];
  after(async function () {
    await Promise.all(started.map((r) => r.stop()));
  });
  const start = async (args: string[]) => {
    const r = await startRedis(args);
    started.push(r);
    return r;
  };

  it("refuses allkeys-lru with the fix in the message, accepts noeviction and warns about no persistence", async function () {
    const r = await start(["--maxmemory-policy", "allkeys-lru", "--save", "", "--appendonly", "no"]);
    let thrown: unknown;
    try {
      await checkRedis(r.client);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).to.be.instanceOf(RedisConfigError);
    const error = thrown as RedisConfigError;
    expect(error.maxmemoryPolicy).to.equal("allkeys-lru");
    expect(error.message).to.include("redis-cli CONFIG SET maxmemory-policy noeviction");
    expect(error.message).to.include("maxmemory-policy noeviction");

    await r.client.config("SET", "maxmemory-policy", "noeviction");
    const check = await checkRedis(r.client);
    expect(check.maxmemoryPolicy).to.equal("noeviction");
    expect(check.warnings).to.have.length(1);
    expect(check.warnings[0]).to.include("persists nothing");

    await r.client.config("SET", "appendonly", "yes");
    expect((await checkRedis(r.client)).warnings).to.deep.equal([]);
  });

  it("RDB save rules alone count as persistence", async function () {
    const r = await start(["--maxmemory-policy", "noeviction", "--save", "900 1", "--appendonly", "no"]);
    expect(await checkRedis(r.client)).to.deep.equal({ maxmemoryPolicy: "noeviction", warnings: [] });
  });

  it("managed Redis with CONFIG disabled: reads the policy from INFO and warns instead of refusing", async function () {
    const good = await start([
      "--maxmemory-policy",
      "noeviction",
      "--save",
      "",
      "--rename-command",
      "CONFIG",
      "",
    ]);
    const check = await checkRedis(good.client);
    expect(check.maxmemoryPolicy).to.equal("noeviction");
    expect(check.warnings.join(" ")).to.include("could not read the RDB save rules");

    const bad = await start(["--maxmemory-policy", "volatile-lru", "--rename-command", "CONFIG", ""]);
    try {
      await checkRedis(bad.client);
      expect.fail("checkRedis accepted volatile-lru");
    } catch (error) {
      expect(error).to.be.instanceOf(RedisConfigError);
    }
  });
});
