// `crm history` and `crm nfr explain` as processes (main.ts through tsx) against a real
// Redis and a real cluster: what they print and their exit codes. Their argument parsing
// alone is table-tested in test/unit/command-line.test.ts.
import { recordName } from "@oaas/crd";
import { createHistory } from "@oaas/queue";
import { testCluster, testRedis, type TestRedis } from "@oaas/testkit";
import { expect } from "chai";
import { installCrd } from "../support/ingress.ts";
import { crm } from "../support/process.ts";

describe("crm history and crm nfr explain (processes)", function () {
  this.timeout(120_000);
  let redis: TestRedis;
  let env: Record<string, string>;

  before(async function () {
    redis = await testRedis();
    env = {
      OPRC_CRM_REDIS_URL: redis.url,
      OPRC_CRM_QUEUE_PREFIX: redis.prefix,
      OPRC_CRM_K8S_NAMESPACE: "home",
    };
    const connection = redis.connect();
    const history = createHistory({ connection, prefix: redis.prefix });
    for (const [i, message] of ["accepted", "rendered", "applied"].entries()) {
      await history.append("team", recordName("shop"), {
        type: i === 0 ? "accepted" : i === 1 ? "rendered" : "applied",
        time: `2026-12-07T10:00:0${i}.000Z`,
        generation: 1,
        correlationId: "c-1",
        message: `step ${message}`,
      });
    }
  });
  after(async function () {
    await redis.cleanup();
  });

  it("crm history: the table oldest first; -o json --limit 1 the newest as one JSON line; exit 0", async function () {
    const table = crm(["history", "shop", "--namespace", "team"], env);
    expect(await table.exited, table.output()).to.equal(0);
    const lines = table.output().trim().split("\n");
    expect(lines.map((l) => /step (\w+)/.exec(l)?.[1])).to.deep.equal(["accepted", "rendered", "applied"]);
    expect(lines[0]).to.contain("gen=1").and.to.contain("correlation_id=c-1");

    const json = crm(["history", "-n", "team", "-o", "json", "--limit", "1", "shop"], env);
    expect(await json.exited, json.output()).to.equal(0);
    const entries = json
      .output()
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { message: string });
    expect(entries.map((e) => e.message)).to.deep.equal(["step applied"]);
  });

  it("crm history: exit 3 for an id without history (the configured namespace by default), 2 for a bad --limit", async function () {
    const missing = crm(["history", "shop"], env);
    expect(await missing.exited).to.equal(3);
    expect(missing.output()).to.contain("no history for shop in namespace home");
    const bad = crm(["history", "shop", "--limit", "zero"], env);
    expect(await bad.exited).to.equal(2);
    expect(bad.output()).to.contain("--limit");
  });

  it("crm history: exit 1 when Redis cannot be read; an invalid setting exits 1 naming it", async function () {
    const down = crm(["history", "shop"], { ...env, OPRC_CRM_REDIS_URL: "redis://127.0.0.1:1" });
    expect(await down.exited).to.equal(1);
    expect(down.output()).to.contain("crm history: cannot read Redis");
    const invalid = crm(["history", "shop"], { ...env, OPRC_CRM_HTTP_PORT: "99999" });
    expect(await invalid.exited).to.equal(1);
    expect(invalid.output()).to.contain("OPRC_CRM_HTTP_PORT");
  });

  it("crm nfr explain: exit 3 for an id without a record, 2 for a bad --at-rps", async function () {
    const { kubeconfig, kc } = await testCluster();
    await installCrd(kc);
    const missing = crm(["nfr", "explain", "no-such-record", "-n", "default"], {
      ...env,
      KUBECONFIG: kubeconfig,
    });
    expect(await missing.exited, missing.output()).to.equal(3);
    expect(missing.output()).to.contain("no record for no-such-record in namespace default");
    const bad = crm(["nfr", "explain", "shop", "--at-rps", "-2"], { ...env, KUBECONFIG: kubeconfig });
    expect(await bad.exited).to.equal(2);
    expect(bad.output()).to.contain("--at-rps");
  });
});
