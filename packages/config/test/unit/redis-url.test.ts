// OPRC_CRM_REDIS_URL's topologies (one server, Redis Cluster, Sentinel), the cluster
// hash-tag rule on OPRC_CRM_QUEUE_PREFIX, the password file, and redaction in logs.
import { expect } from "chai";
import { describeConfig, hasHashTag, parseCrmConfig, parseRedisTarget, vars } from "../../src/index.ts";
import { configError, env, profile, set } from "./fixtures.ts";

describe("config: Redis URL topologies", function () {
  it("parses one server, a cluster's startup nodes and sentinels with their master", function () {
    expect(parseRedisTarget("rediss://u:p%40ss@redis.oaas:6380/2")).to.deep.equal({
      ok: true,
      value: {
        topology: "standalone",
        tls: true,
        nodes: [{ host: "redis.oaas", port: 6380 }],
        username: "u",
        password: "p@ss",
        db: 0 + 2,
      },
    });
    expect(parseRedisTarget("redis+cluster://:pw@10.0.0.1:7000,redis-1:7001,[::1]")).to.deep.equal({
      ok: true,
      value: {
        topology: "cluster",
        tls: false,
        nodes: [
          { host: "10.0.0.1", port: 7000 },
          { host: "redis-1", port: 7001 },
          { host: "::1", port: 6379 },
        ],
        password: "pw",
        db: 0,
      },
    });
    expect(parseRedisTarget("rediss+sentinel://s-0,s-1:26380/mymaster/1")).to.deep.equal({
      ok: true,
      value: {
        topology: "sentinel",
        tls: true,
        nodes: [
          { host: "s-0", port: 26379 },
          { host: "s-1", port: 26380 },
        ],
        db: 1,
        masterName: "mymaster",
      },
    });
  });

  const refused: [string, string][] = [
    ["redis+sentinel://s-0:26379", "names no master"],
    ["redis+cluster://a:7000/1", "no database number"],
    ["redis://a:1,b:2", "exactly one host"],
    ["redis+cluster://a:7000,", "is not host[:port]"],
    ["redis://a:70000", "is not host[:port]"],
    ["redis://a?tls=true", "query strings"],
    ["redis+shard://a", "scheme redis+shard: not allowed"],
  ];
  for (const [raw, says] of refused) {
    it(`refuses ${raw}, naming the variable and the allowed forms`, function () {
      const error = configError(env(profile("dev"), set(vars.redisUrl, raw)));
      expect(error.variables).to.deep.equal([vars.redisUrl]);
      expect(error.message).to.include(says).and.include("redis+cluster://").and.include("redis+sentinel://");
    });
  }

  it("hash tags follow Redis' rule: the first {...} that is not empty", function () {
    expect(["{oaas}", "x{oaas}y", "{a}{b}"].map(hasHashTag)).to.deep.equal([true, true, true]);
    expect(["oaas", "{}oaas", "{oaas", "oaas}"].map(hasHashTag)).to.deep.equal([false, false, false, false]);
  });

  it("refuses a cluster URL with a prefix without hash tag, naming OPRC_CRM_QUEUE_PREFIX", function () {
    const cluster = set(vars.redisUrl, "redis+cluster://r-0:6379,r-1:6379");
    const byDefault = configError(env(profile("dev"), cluster));
    expect(byDefault.variables).to.deep.equal([vars.queuePrefix]);
    expect(byDefault.message).to.include("must carry a hash tag").and.include("{oaas}");
    const explicit = configError(env(profile("dev"), cluster, set(vars.queuePrefix, "crm")));
    expect(explicit.message).to.match(/^OPRC_CRM_QUEUE_PREFIX="crm": must carry a hash tag/);
    const config = parseCrmConfig(env(profile("dev"), cluster, set(vars.queuePrefix, "{crm}")));
    expect(config.redis).to.deep.equal({ url: "redis+cluster://r-0:6379,r-1:6379", prefix: "{crm}" });
  });

  it("sentinel and one server take any prefix", function () {
    for (const url of ["redis+sentinel://s:26379/m", "redis://r:6379"])
      expect(parseCrmConfig(env(profile("dev"), set(vars.redisUrl, url))).redis.prefix).to.equal("oaas");
  });

  it("takes the password from a file, but not from the file and the URL at once", function () {
    const config = parseCrmConfig(
      env(profile("dev"), set(vars.redisPasswordFile, "/etc/oaas/redis/password")),
    );
    expect(config.redis.passwordFile).to.equal("/etc/oaas/redis/password");
    const both = configError(
      env(
        profile("dev"),
        set(vars.redisUrl, "redis://:hunter2@r:6379"),
        set(vars.redisPasswordFile, "/etc/oaas/redis/password"),
      ),
    );
    expect(both.variables).to.deep.equal([vars.redisPasswordFile]);
    expect(both.message).not.to.include("hunter2");
  });

  it("never shows a password in the described config or an error", function () {
    const url = "redis+sentinel://admin:hunter2@s-0:26379,s-1:26379/mymaster";
    const described = JSON.stringify(
      describeConfig(parseCrmConfig(env(profile("dev"), set(vars.redisUrl, url)))),
    );
    expect(described).not.to.include("hunter2");
    expect(described).to.include("redis+sentinel://***@s-0:26379,s-1:26379/mymaster");
    const error = configError(env(profile("dev"), set(vars.redisUrl, "redis+cluster://:hunter2@a:7000/3")));
    expect(error.message).not.to.include("hunter2");
  });
});
