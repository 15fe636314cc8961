// One cluster down (its CRM process stopped) while deploying to two: the down cluster's
// outcome is UNKNOWN whatever DEPLOY_ROLLBACK_ON_PARTIAL says (rollback is for refusals),
// the healthy cluster runs the class, and once the cluster is back the PM settles it. Two PMs on one etcd (separate key prefixes), one per policy; both read
// the clusters' availability while every CRM was up (cached), as a PM would have it
// when an outage begins.
import path from "node:path";
import { startPmProcess, repoRoot, waitFor, type PmProcess } from "@oaas/testkit";
import { expect } from "chai";
import { leftovers, list } from "./support/kube.ts";
import type { ClusterInfo, DeploymentMappings } from "@oaas/pm-api";
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
    for (const url of [system.pm, keep]) {
      await oaasctlOk(url, ["package", "apply", "-f", packageFile]);
      const clusters = await oaasctlJson<ClusterInfo[]>(url, ["clusters"]);
      expect(clusters.map((c) => c.health.reachable)).to.deep.equal([true, true]);
    }
    await system.crm("b").stop();
  });
  after(async function () {
    this.timeout(120_000);
    await keep?.stop();
    await (system as System | undefined)?.close();
  });

  // A Deploy that found b's CRM down has an unknown outcome (the PM cannot tell a refused
  // connection from one lost after sending): 202 UNKNOWN, a keeps its unit whatever the
  // rollback policy (rollback is for refusals), and the resync sends b its unit once b
  // answers. Never DOWN for a cluster that merely did not answer.
  for (const policy of ["with rollback", "without rollback"] as const) {
    it(`${policy}: b unknown (202), a keeps its unit`, async function () {
      const url = policy === "with rollback" ? system.pm : (keep ?? "");
      const key = policy === "with rollback" ? "rolled" : "half";
      const run = await oaasctl(url, ["deploy", "hello", "greeter", "--env", "a,b", "--key", key]);
      expect(run.code, run.stderr).to.equal(0);
      expect(run.stderr).to.contain("warning: outcome unknown on: b");
      const stored = await oaasctlJson<{ condition: string }>(url, ["deployment", "get", key]);
      expect(stored.condition).to.equal("UNKNOWN");
      const mappings = (await oaasctlJson<DeploymentMappings>(url, ["deployment", "mappings", key])).mappings;
      expect(mappings.map((m) => [m.cluster, m.state])).to.deep.equal([
        ["a", "DEPLOYED"],
        ["b", "UNKNOWN"],
      ]);
      const records = await list("records", system.crm("a").namespace);
      expect(records.map((r) => r.metadata.name)).to.include(`${key}-a`);
    });
  }

  it("once b is back, every UNKNOWN deployment is settled RUNNING on both; delete leaves nothing", async function () {
    await system.crm("b").start();
    for (const [url, key] of [
      [system.pm, "rolled"],
      [keep ?? "", "half"],
    ] as const) {
      await waitFor(
        async () =>
          (await oaasctlJson<{ condition: string }>(url, ["deployment", "get", key])).condition === "RUNNING",
        { description: `${key} settled RUNNING`, timeoutMs: 120_000, intervalMs: 1000 },
      );
      const { mappings } = await oaasctlJson<DeploymentMappings>(url, ["deployment", "mappings", key]);
      expect(mappings.map((m) => m.state)).to.deep.equal(["DEPLOYED", "DEPLOYED"]);
      await oaasctlOk(url, ["deployment", "delete", key]);
    }
    for (const cluster of ["a", "b"]) {
      await waitFor(async () => (await leftovers(system.crm(cluster).namespace)).length === 0, {
        description: `nothing left on ${cluster} after the deletes`,
        timeoutMs: 90_000,
        intervalMs: 500,
      });
    }
  });
});
