// One cluster down (its CRM process stopped) while deploying to two: with
// DEPLOY_ROLLBACK_ON_PARTIAL the healthy cluster's unit is rolled back and nothing is
// left there; without it the healthy cluster runs the class and the other is reported
// with its error. Two PMs on one etcd (separate key prefixes), one per policy; both read
// the clusters' availability while every CRM was up (cached), as a PM would have it
// when an outage begins.
import path from "node:path";
import { startPmProcess, repoRoot, waitFor, type PmProcess } from "@oaas/testkit";
import { expect } from "chai";
import { leftovers, list } from "./support/kube.ts";
import { oaasctl, oaasctlJson, oaasctlOk } from "./support/oaasctl.ts";
import { startSystem, type System } from "./support/system.ts";

const packageFile = path.join(repoRoot, "examples/hello/package.yaml");

describe("e2e: a cluster down during a deploy", function () {
  this.timeout(150_000);
  let system: System;
  let keep: PmProcess | undefined;
  const outage = {
    // Long enough that the figures read while b was up are still used for sizing.
    CRM_HEALTH_CACHE_TTL: "3600",
    CRM_HEALTH_CHECK_INTERVAL: "0",
    DEPLOY_MAX_RETRIES: "1",
  };

  before(async function () {
    system = await startSystem({
      clusters: ["a", "b"],
      pmEnv: { ...outage, DEPLOY_ROLLBACK_ON_PARTIAL: "true" },
    });
    keep = await startPmProcess({
      ...system.pmEnv,
      ETCD_KEY_PREFIX: `${system.pmEnv["ETCD_KEY_PREFIX"] ?? ""}-keep`,
      DEPLOY_ROLLBACK_ON_PARTIAL: "false",
    });
    for (const url of [system.pm.url, keep.url]) {
      await oaasctlOk(url, ["package", "apply", "-f", packageFile]);
      const clusters = await oaasctlJson<{ clusters?: { reachable: boolean }[] } | { reachable: boolean }[]>(
        url,
        ["clusters"],
      );
      expect(JSON.stringify(clusters)).to.not.contain('"reachable":false');
    }
    await system.crm("b").stop();
  });
  after(async function () {
    this.timeout(120_000);
    await keep?.stop();
    await (system as System | undefined)?.close();
  });

  it("with rollback: the deploy fails naming b, a's unit is rolled back, nothing left on a", async function () {
    const run = await oaasctl(system.pm.url, [
      "deploy",
      "hello",
      "greeter",
      "--env",
      "a,b",
      "--key",
      "rolled",
    ]);
    expect(run.code, run.stdout).to.equal(1);
    expect(run.stderr).to.match(/^error: .*cluster "b".*rolled back on a/m);
    const stored = await oaasctlJson<{ condition: string; last_error: string }>(system.pm.url, [
      "deployment",
      "get",
      "rolled",
    ]);
    expect(stored.condition).to.equal("DOWN");
    expect(stored.last_error).to.contain('cluster "b"');
    await waitFor(async () => (await leftovers(system.crm("a").namespace)).length === 0, {
      description: "nothing left on a",
      timeoutMs: 90_000,
      intervalMs: 500,
    });
  });

  it("without rollback: a runs the class, b is reported with its error", async function () {
    const url = keep?.url ?? "";
    const run = await oaasctl(url, ["deploy", "hello", "greeter", "--env", "a,b", "--key", "half"]);
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.contain("warning: not deployed on: b");
    await oaasctlOk(url, [
      "status",
      "half",
      "--cluster",
      "a",
      "--wait",
      "--timeout",
      "120s",
      "--poll-interval",
      "1s",
    ]);
    const status = await oaasctlJson<{
      clusters: { cluster: string; status?: string; phase?: string; message?: string }[];
    }>(url, ["status", "half"]);
    const [a, b] = status.clusters;
    expect(a).to.include({ cluster: "a", status: "RUNNING" });
    expect(b).to.include({ cluster: "b", phase: "FAILED" });
    expect(b?.message).to.match(/cluster "b".*(Unavailable|unreachable|ECONNREFUSED|connect)/i);
    const records = await list("records", system.crm("a").namespace);
    expect(records.map((r) => r.metadata.name)).to.deep.equal(["half-a"]);
    const stored = await oaasctlJson<{ last_error: string }>(url, ["deployment", "get", "half"]);
    expect(stored.last_error).to.contain('cluster "b"');
    await oaasctlOk(url, ["deployment", "delete", "half"]);
    await waitFor(async () => (await leftovers(system.crm("a").namespace)).length === 0, {
      description: "nothing left on a after the delete",
      timeoutMs: 90_000,
      intervalMs: 500,
    });
  });
});
