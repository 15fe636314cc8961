// oaasctl's reads as a real process against test/support's stand-in PM: deployment
// list|get|mappings|delete, clusters, runtimes (naming clusters that did not answer) and
// history.
import type { DeploymentMappings } from "@oaas/pm-api";
import { expect } from "chai";
import { oaasctl } from "../support/run-cli.ts";
import type { PmStub } from "../support/pm-stub.ts";
import { oneErrorLine, seedSamplePackage, useStubPmSuite } from "../support/oaasctl-suite.ts";

describe("oaasctl against a stand-in PM over HTTP", function () {
  this.timeout(30_000);
  let pm: PmStub;
  const current = useStubPmSuite();
  beforeEach(function () {
    ({ pm } = current());
  });

  it("deployment list|get|mappings|delete and clusters", async function () {
    await seedSamplePackage(pm);
    await oaasctl(["deploy", "hello", "greeter", "--env", "a,b"], pm.url);
    const list = await oaasctl(
      ["deployment", "list", "--package", "hello", "--condition", "running"],
      pm.url,
    );
    expect(list.stdout).to.match(/^hello-greeter\s+hello\s+greeter\s+a,b\s+DEPLOYING\s+3\s+0\.972\s+\d+s$/m);
    const query = pm.requests.find((r) => r.method === "GET" && r.path === "/api/v1/deployments")?.query;
    expect(query?.get("package_name")).to.equal("hello");
    expect(query?.get("condition")).to.equal("RUNNING");

    const get = await oaasctl(["deployment", "get", "hello-greeter"], pm.url);
    expect(get.stdout).to.match(/^condition:\s+RUNNING$/m);
    expect(get.stdout).to.match(/^b\s+hello-greeter-b\s+RUNNING\s+-$/m);
    const mappings = await oaasctl(["deployment", "mappings", "hello-greeter", "-o", "json"], pm.url);
    const mapped = JSON.parse(mappings.stdout) as DeploymentMappings;
    expect(mapped.cluster_ids).to.deep.equal({ a: "hello-greeter-a", b: "hello-greeter-b" });
    expect(mapped.mappings.map((m) => [m.cluster, m.unit_id, m.state])).to.deep.equal([
      ["a", "hello-greeter-a", "DEPLOYED"],
      ["b", "hello-greeter-b", "DEPLOYED"],
    ]);

    const one = await oaasctl(["deployment", "delete", "hello-greeter", "--cluster", "a"], pm.url);
    expect(one.stdout).to.equal("deployment/hello-greeter deleted from cluster a\n");
    expect(pm.requests.at(-1)?.query.get("cluster")).to.equal("a");
    const all = await oaasctl(["deployment", "delete", "hello-greeter", "-o", "json"], pm.url);
    expect(all.code).to.equal(0);
    expect(JSON.parse(all.stdout)).to.deep.include({
      key: "hello-greeter",
      deleted_clusters: ["b"],
      record_deleted: true,
    });
    expect(pm.deployments.size).to.equal(0);

    const clusters = await oaasctl(["clusters"], pm.url);
    expect(clusters.code).to.equal(0);
    expect(clusters.stdout).to.match(/^NAME\s+HEALTH\s+BREAKER\s+AVAILABILITY/m);
    expect(clusters.stdout).to.match(/^a\s+HEALTHY\s+closed\s+0\.999\s+3\/3\s+0\.1\.0\s+-$/m);
    // Reachable, but the PM refuses calls to it for now: the table says so.
    expect(clusters.stdout).to.match(/^b\s+HEALTHY\s+open\s+0\.9\s+2\/3\s+0\.1\.0\s+-$/m);
  });

  it("runtime list names clusters that did not answer; runtime get finds a unit", async function () {
    await seedSamplePackage(pm);
    await oaasctl(["deploy", "hello", "greeter", "--env", "a,b"], pm.url);
    pm.silentClusters = ["b"];
    const list = await oaasctl(["runtime", "list", "--package", "hello"], pm.url);
    expect(list.code).to.equal(0);
    expect(list.stdout).to.match(/^a\s+hello-greeter-a\s+hello\s+greeter\s+-\s+greet,count\s+3$/m);
    expect(list.stdout).not.to.contain("hello-greeter-b");
    expect(list.stderr).to.equal("warning: partial answer, no answer from: b (deadline exceeded)\n");
    expect(pm.requests.at(-1)?.query.get("package_name")).to.equal("hello");

    const get = await oaasctl(["class-runtimes", "get", "hello-greeter-b", "-o", "json"], pm.url);
    expect(JSON.parse(get.stdout)).to.include({ id: "hello-greeter-b", cluster: "b" });
  });

  // The full table of usage errors runs in process (test/unit/arguments.test.ts); these
  // check the real process's exit code for one commander error and one of ours.

  it("history: a table per entry, -o json as the PM sent it, a cluster's error as a row; unknown id exits 1", async function () {
    await seedSamplePackage(pm);
    expect((await oaasctl(["deploy", "hello", "greeter", "--env", "a,b"], pm.url)).code).to.equal(0);
    const body = {
      id: "hello-greeter",
      clusters: [
        {
          cluster: "a",
          deployment_id: "hello-greeter-a",
          entries: [
            {
              type: "applied",
              time: "2026-01-01T00:00:01.000Z",
              generation: 1,
              message: "applied 4 objects",
              objects: ["Deployment/x"],
            },
            { type: "available", time: "2026-01-01T00:00:02.000Z", generation: 1, message: "Available" },
          ],
        },
        {
          cluster: "b",
          deployment_id: "hello-greeter-b",
          entries: [],
          error: 'cluster "b": history: connection refused',
        },
      ],
    };
    pm.histories.set("hello-greeter", body);
    const table = await oaasctl(["history", "hello-greeter", "--cluster", "a"], pm.url);
    expect(table.code, table.stderr).to.equal(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).to.match(/^CLUSTER\s+TIME\s+TYPE\s+GEN\s+MESSAGE$/);
    expect(lines[1]).to.match(
      /^a\s+2026-01-01T00:00:01\.000Z\s+applied\s+1\s+applied 4 objects {2}objects=Deployment\/x$/,
    );
    expect(lines[2]).to.match(/^a\s+2026-01-01T00:00:02\.000Z\s+available\s+1\s+Available$/);
    expect(lines[3]).to.match(/^b\s+-\s+ERROR\s+-\s+cluster "b": history: connection refused$/);
    const query = pm.requests.find((r) => r.path === "/api/v1/deployments/hello-greeter/history")?.query;
    expect(query?.get("cluster")).to.equal("a");
    const json = await oaasctl(["history", "hello-greeter", "-o", "json"], pm.url);
    expect(JSON.parse(json.stdout)).to.deep.equal(body);

    const unknown = await oaasctl(["history", "nope"], pm.url);
    expect(unknown.code).to.equal(1);
    expect(oneErrorLine(unknown)).to.contain('"nope" does not exist');
  });
});
