// oaasctl deploy and status as a real process against test/support's stand-in PM: what
// deploy sends, --wait with its progress lines and --timeout, status --wait, and a status
// gathered from every cluster a logical key went to.
import { expect } from "chai";
import { oaasctl } from "../support/run-cli.ts";
import type { PmStub } from "../support/pm-stub.ts";
import {
  oneErrorLine,
  sampleDeployment,
  seedSamplePackage,
  useStubPmSuite,
} from "../support/oaasctl-suite.ts";

describe("oaasctl against a stand-in PM over HTTP", function () {
  this.timeout(30_000);
  let pm: PmStub;
  const current = useStubPmSuite();
  beforeEach(function () {
    ({ pm } = current());
  });

  it("deploy <package> <class> --env a,b sends the deployment and shows the units", async function () {
    await seedSamplePackage(pm);
    const run = await oaasctl(
      ["deploy", "hello", "greeter", "--env", "a,b", "--availability", "0.99"],
      pm.url,
    );
    expect(run.code, run.stderr).to.equal(0);
    const sent = pm.requests.find((r) => r.method === "POST" && r.path === "/api/v1/deployments")?.body;
    expect(sent).to.deep.equal({
      package_name: "hello",
      class_key: "greeter",
      key: "hello-greeter",
      target_clusters: ["a", "b"],
      nfr_requirements: { availability: 0.99 },
    });
    expect(run.stdout).to.contain(
      "deployment/hello-greeter created: 3 replica(s), achieved availability 0.972\n",
    );
    expect(run.stdout).to.match(/^a\s+hello-greeter-a\s+DEPLOYED\s+-$/m);
    expect(run.stdout).to.match(/^b\s+hello-greeter-b\s+DEPLOYED\s+-$/m);

    const again = await oaasctl(["deploy", "hello", "greeter", "--env", "a"], pm.url);
    expect(again.code).to.equal(1);
    expect(oneErrorLine(again)).to.equal(
      'error: conflict on deployment "hello-greeter": deployment "hello-greeter" already exists',
    );
  });

  it("deploy -f --wait: progress lines until RUNNING after 3 polls; -o json prints the PM's answer", async function () {
    await seedSamplePackage(pm);
    pm.deploymentScript = { pollsBeforeFinal: 3, final: "RUNNING" };
    const run = await oaasctl(
      [
        "deploy",
        "-f",
        sampleDeployment,
        "--wait",
        "--poll-interval",
        "50ms",
        "--timeout",
        "20s",
        "-o",
        "json",
      ],
      pm.url,
    );
    expect(run.code, run.stderr).to.equal(0);
    const answer = JSON.parse(run.stdout) as { key: string; units: unknown[] };
    expect(answer.key).to.equal("hello-greeter");
    expect(answer.units).to.deep.equal([
      { cluster: "default", unit_id: "hello-greeter-default", state: "DEPLOYED" },
    ]);
    expect(pm.count("GET", "/api/v1/deployments/hello-greeter")).to.equal(4);
    // stderr is not a TTY here: one plain line per state change
    const lines = run.stderr.trim().split("\n");
    expect(lines).to.have.length(2);
    expect(lines[0]).to.match(/^\[\d+s\] deployment\/hello-greeter: DEPLOYING \(default=PROGRESSING\)$/);
    expect(lines[1]).to.match(/^\[\d+s\] deployment\/hello-greeter: RUNNING \(default=RUNNING\)$/);
    const sent = pm.requests.find((r) => r.method === "POST" && r.path === "/api/v1/deployments")?.body;
    expect(sent).to.deep.include({
      key: "hello-greeter",
      odgm: { collections: ["greetings"], partition_count: 1, shard_type: "mst" },
    });
  });

  it("deploy --wait --timeout: exit 4 naming the last state; DOWN fails at once with the PM's error", async function () {
    await seedSamplePackage(pm);
    pm.deploymentScript = { pollsBeforeFinal: 0, final: "DEPLOYING" };
    const started = Date.now();
    const slow = await oaasctl(
      ["deploy", "hello", "greeter", "--wait", "--timeout", "700ms", "--poll-interval", "100ms"],
      pm.url,
    );
    expect(slow.code).to.equal(4);
    expect(Date.now() - started).to.be.below(10_000);
    expect(slow.stdout).to.contain("deployment/hello-greeter created");
    const last = slow.stderr.trim().split("\n").at(-1);
    expect(last).to.equal(
      "error: timed out after 0.7s waiting for deployment/hello-greeter to be RUNNING (last: DEPLOYING (default=PROGRESSING))",
    );

    pm.deploymentScript = { pollsBeforeFinal: 1, final: "DOWN", lastError: "cluster b: image pull refused" };
    const down = await oaasctl(
      ["deploy", "hello", "greeter", "--key", "k2", "--wait", "--poll-interval", "50ms"],
      pm.url,
    );
    expect(down.code).to.equal(4);
    expect(down.stderr.trim().split("\n").at(-1)).to.equal(
      "error: deployment/k2 failed: DOWN (default=PROGRESSING): cluster b: image pull refused",
    );
    expect(pm.count("GET", "/api/v1/deployments/k2")).to.equal(2);
  });

  it("status --wait flips to Available after 2 polls and shows conditions and function URLs", async function () {
    await seedSamplePackage(pm);
    await oaasctl(["deploy", "-f", sampleDeployment], pm.url);
    pm.statusPollsBeforeAvailable = 2;
    const run = await oaasctl(["status", "hello-greeter", "--wait", "--poll-interval", "50ms"], pm.url);
    expect(run.code, run.stderr).to.equal(0);
    expect(pm.count("GET", "/api/v1/deployment-status/hello-greeter")).to.equal(3);
    expect(run.stderr).to.match(
      /deployment hello-greeter: default=PROGRESSING\/WaitingForPods\n.*default=RUNNING\n$/,
    );
    expect(run.stdout).to.match(/^phase:\s+RUNNING$/m);
    expect(run.stdout).to.match(/^CONDITION\s+STATUS\s+REASON\s+AGE\s+MESSAGE$/m);
    expect(run.stdout).to.match(/^Available\s+True\s+AllReady\s+3\ds\s+-$/m);
    expect(run.stdout).to.match(/^count\s+True\s+Ready\s+http:\/\/hello-greeter-count\.oaas\.svc:8080\s+-$/m);

    const missing = await oaasctl(["status", "ghost", "--wait"], pm.url);
    expect(missing.code).to.equal(1);
    expect(oneErrorLine(missing)).to.equal(
      'error: deployment status of "ghost" not found (deployment ghost not found on cluster default)',
    );
  });

  it("status of a logical key sent to two clusters asks each cluster", async function () {
    await seedSamplePackage(pm);
    await oaasctl(["deploy", "hello", "greeter", "--key", "two", "--env", "a,b"], pm.url);
    const run = await oaasctl(["status", "two", "--wait", "--poll-interval", "50ms"], pm.url);
    expect(run.code, run.stderr).to.equal(0);
    const asked = pm.requests
      .filter((r) => r.path === "/api/v1/deployment-status/two")
      .map((r) => r.query.get("cluster"));
    expect(asked.sort()).to.deep.equal(["a", "b"]);
    expect(run.stdout).to.match(/^cluster:\s+a$/m);
    expect(run.stdout).to.match(/^cluster:\s+b$/m);
    expect(run.stderr).to.match(/deployment two: a=RUNNING, b=RUNNING\n$/);
  });
});
