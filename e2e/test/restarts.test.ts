// Restarts, with real processes: the CRM killed (SIGKILL, no drain) while a deploy is
// being reconciled and started again converges to Available; the PM stopped and started
// again on etcd storage still has every package, deployment and cluster mapping.
import path from "node:path";
import { repoRoot, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { list, type Obj } from "./support/kube.ts";
import type { DeploymentMappings } from "@oaas/pm-api";
import { oaasctlJson, oaasctlOk, type PmTarget } from "./support/oaasctl.ts";
import { startSystem, type System } from "./support/system.ts";

const packageFile = path.join(repoRoot, "examples/hello/package.yaml");

const available = (record: Obj | undefined) =>
  record?.status?.conditions?.find((c) => c.type === "Available")?.status === "True";

describe("e2e: CRM and PM restarts", function () {
  this.timeout(150_000);
  let system: System;
  let pm: PmTarget = "";

  before(async function () {
    system = await startSystem({ clusters: ["a", "b"] });
    pm = system.pm;
    await oaasctlOk(pm, ["package", "apply", "-f", packageFile]);
  });
  after(async function () {
    this.timeout(120_000);
    await (system as System | undefined)?.close();
  });

  it("the CRM killed mid-deploy and started again converges to Available", async function () {
    const crm = system.crm("a");
    await oaasctlOk(pm, ["deploy", "hello", "greeter", "--env", "a", "--key", "crash"]);
    // The Deploy RPC stored the record; the reconciler is working on it: kill now.
    const before = (await list("records", crm.namespace)).find((r) => r.metadata.name === "crash-a");
    expect(before, "the record exists once Deploy answered").to.not.equal(undefined);
    await crm.kill();
    expect(crm.output()).to.not.contain('"message":"stopping"');
    await crm.start();
    const status = await oaasctlOk(pm, [
      "status",
      "crash",
      "--wait",
      "--timeout",
      "120s",
      "--poll-interval",
      "1s",
      "-o",
      "json",
    ]);
    expect((JSON.parse(status.stdout) as { status: string }).status).to.equal("RUNNING");
    const record = (await list("records", crm.namespace)).find((r) => r.metadata.name === "crash-a");
    expect(available(record), "record Available after the restart").to.equal(true);
    // Every child is Ready: the restarted process finished what the killed one began.
    await waitFor(
      async () =>
        (await list("deployments", crm.namespace)).every(
          (d) => (d.status?.readyReplicas ?? 0) > 0 && d.status?.readyReplicas === d.status?.replicas,
        ),
      { description: "every Deployment Ready", timeoutMs: 60_000, intervalMs: 500 },
    );
  });

  it("the PM restarted on etcd storage still has packages, deployments and mappings", async function () {
    await oaasctlOk(pm, ["deploy", "hello", "greeter", "--env", "a,b", "--key", "kept"]);
    const read = async () => ({
      packages: await oaasctlJson<unknown>(pm, ["package", "list"]),
      deployments: (
        await oaasctlJson<{ key: string; condition: string; replicas: number }[]>(pm, ["deployment", "list"])
      ).map((d) => ({ key: d.key, replicas: d.replicas })),
      crash: await oaasctlJson<unknown>(pm, ["deployment", "mappings", "crash"]),
      kept: await oaasctlJson<unknown>(pm, ["deployment", "mappings", "kept"]),
    });
    const before = await read();
    expect(before.deployments.map((d) => d.key)).to.deep.equal(["crash", "kept"]);
    expect((before.kept as DeploymentMappings).mappings.map((m) => m.cluster)).to.deep.equal(["a", "b"]);
    await system.pm.stop();
    await system.pm.start();
    expect(await read()).to.deep.equal(before);
    // And it still acts on them: a delete by key reaches both clusters.
    await oaasctlOk(pm, ["deployment", "delete", "kept"]);
    await oaasctlOk(pm, ["deployment", "delete", "crash"]);
    for (const cluster of ["a", "b"])
      await waitFor(async () => (await list("records", system.crm(cluster).namespace)).length === 0, {
        description: `no records left on ${cluster}`,
        timeoutMs: 90_000,
        intervalMs: 500,
      });
  });
});
