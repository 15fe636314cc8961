// oaasctl as a real process against a real HTTP server. The server is test/support's
// stand-in for the Package Manager (services/pm is being built in parallel and is not
// merged yet); the e2e suites run oaasctl against the real PM. What is checked is the
// CLI's side of the contract: requests sent, exit codes, one-line errors, output formats,
// --wait and --timeout.
import type { DeploymentMappings } from "@oaas/pm-api";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { freePort, repoRoot } from "@oaas/testkit";
import { expect } from "chai";
import { parse as parseYaml } from "yaml";
import { buildCli, oaasctl, removeCli, type CliRun } from "../support/run-cli.ts";
import { startPmStub, type PmStub } from "../support/pm-stub.ts";

const samplePackage = path.join(repoRoot, "examples/hello/package.yaml");
const sampleDeployment = path.join(repoRoot, "examples/hello/deployment.yaml");

/** Puts the sample package into the stand-in PM without a CLI process (setup only). */
async function seedSamplePackage(pm: PmStub): Promise<void> {
  pm.packages.set("hello", parseYaml(await readFile(samplePackage, "utf8")) as Record<string, unknown>);
}

/** Exactly one non-empty stderr line starting with "error: ". */
function oneErrorLine(run: CliRun): string {
  const lines = run.stderr.split("\n").filter((l) => l.trim() !== "");
  expect(lines, run.stderr).to.have.length(1);
  expect(lines[0]).to.match(/^error: /);
  return lines[0] ?? "";
}

describe("oaasctl against a stand-in PM over HTTP", function () {
  this.timeout(30_000);
  let pm: PmStub;
  let tmp: string;

  before(async function () {
    await buildCli();
  });
  after(async function () {
    await removeCli();
  });

  beforeEach(async function () {
    pm = await startPmStub();
    tmp = await mkdtemp(path.join(os.tmpdir(), "oaasctl-"));
  });
  afterEach(async function () {
    await pm.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it("package apply creates, then updates; list -o json round-trips through apply -f", async function () {
    const created = await oaasctl(["package", "apply", "-f", samplePackage], pm.url);
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stdout).to.equal("package/hello created\n");
    const fromYaml = parseYaml(await readFile(samplePackage, "utf8")) as unknown;
    expect(pm.packages.get("hello")).to.deep.equal(fromYaml);

    const again = await oaasctl(["package", "apply", "-f", samplePackage], pm.url);
    expect(again.code).to.equal(0);
    expect(again.stdout).to.equal("package/hello updated\n");
    expect(pm.count("POST", "/api/v1/packages/hello")).to.equal(1);

    const listed = await oaasctl(["package", "list", "-o", "json"], pm.url);
    expect(listed.code).to.equal(0);
    const items = JSON.parse(listed.stdout) as unknown[];
    expect(items).to.deep.equal([fromYaml]);

    const file = path.join(tmp, "hello.json");
    await writeFile(file, JSON.stringify(items[0]));
    const reapplied = await oaasctl(["package", "apply", "-f", file, "-o", "json"], pm.url);
    expect(reapplied.code).to.equal(0);
    // The PM's answer: the stored package with {id, status, message}.
    expect(JSON.parse(reapplied.stdout)).to.deep.equal({
      ...(fromYaml as object),
      id: "hello",
      status: "updated",
      message: "package updated",
    });

    const yaml = await oaasctl(["package", "get", "hello", "-o", "yaml"], pm.url);
    expect(parseYaml(yaml.stdout)).to.deep.equal(fromYaml);
  });

  it("package list and get print tables; delete answers 204", async function () {
    await seedSamplePackage(pm);
    const list = await oaasctl(["package", "list", "--name-pattern", "hel", "--limit", "5"], pm.url);
    expect(list.stdout.split("\n")[0]).to.match(
      /^NAME\s+VERSION\s+CLASSES\s+FUNCTIONS\s+DISABLED\s+TAGS\s+AGE$/,
    );
    expect(list.stdout).to.match(/^hello\s+0\.1\.0\s+1\s+2\s+false\s+example,quickstart\s+-$/m);
    const query = pm.requests.find((r) => r.method === "GET" && r.path === "/api/v1/packages")?.query;
    expect(query?.get("name_pattern")).to.equal("hel");
    expect(query?.get("limit")).to.equal("5");

    const get = await oaasctl(["package", "get", "hello"], pm.url);
    expect(get.stdout).to.match(/^greeter\s+greet,count\s+READ_YOUR_WRITE/m);
    expect(get.stdout).to.match(/^count\s+CUSTOM\s+ghcr\.io\/pawissanutt\/oprc-function:latest/m);

    const del = await oaasctl(["package", "delete", "hello"], pm.url);
    expect(del.code).to.equal(0);
    expect(del.stdout).to.equal("package/hello deleted\n");
    expect(pm.packages.has("hello")).to.be.false;
    const empty = await oaasctl(["package", "list"], pm.url);
    expect(empty.stdout).to.equal("No packages found.\n");
  });

  it("404, validation errors by field and 503 are one line with exit 1", async function () {
    const missing = await oaasctl(["package", "get", "nope"], pm.url);
    expect(missing.code).to.equal(1);
    expect(missing.stdout).to.equal("");
    expect(oneErrorLine(missing)).to.equal('error: package "nope" not found (package "nope" does not exist)');

    const bad = path.join(tmp, "bad.yaml");
    await writeFile(
      bad,
      "name: bad\nclasses:\n  - key: c\n    function_bindings:\n      - { name: a, function_key: ghost }\n      - { name: b, function_key: phantom }\nfunctions: []\n",
    );
    const invalid = await oaasctl(["package", "apply", "-f", bad], pm.url);
    expect(invalid.code).to.equal(1);
    expect(oneErrorLine(invalid)).to.equal(
      'error: invalid package "bad": classes[0].function_bindings[0].function_key: no function "ghost"; ' +
        'classes[0].function_bindings[1].function_key: no function "phantom"',
    );
    expect(pm.packages.has("bad")).to.be.false;

    pm.failAll = { status: 503, error: "no CRM is reachable" };
    const down = await oaasctl(["clusters"], pm.url);
    expect(down.code).to.equal(1);
    expect(oneErrorLine(down)).to.equal(
      "error: service unavailable for clusters (the PM cannot reach its store or a CRM): no CRM is reachable",
    );
  });

  it("a PM that is down: exit 3 and the URL with the reason", async function () {
    const port = await freePort(); // nothing listens on it
    const run = await oaasctl(["deployment", "list"], `http://127.0.0.1:${port}`);
    expect(run.code).to.equal(3);
    expect(oneErrorLine(run)).to.equal(
      `error: cannot reach the Package Manager at http://127.0.0.1:${port}: connection refused`,
    );
    const flag = await oaasctl(["--pm-url", `http://127.0.0.1:${port}/`, "status", "x"], pm.url);
    expect(oneErrorLine(flag)).to.contain(`at http://127.0.0.1:${port}: connection refused`);
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
  it("usage errors exit 2 with one line and send nothing", async function () {
    const rows: [string[], RegExp][] = [
      [["pakage", "list"], /^error: unknown command 'pakage'; \(Did you mean package\?\)$/],
      [
        ["package", "apply", "-f", path.join(tmp, "none.yaml")],
        /^error: cannot read .*none\.yaml: no such file$/,
      ],
    ];
    for (const [args, message] of rows) {
      const run = await oaasctl(args, pm.url);
      expect(run.code, args.join(" ")).to.equal(2);
      expect(oneErrorLine(run)).to.match(message);
    }
    expect(pm.requests).to.have.length(0);
  });

  it("nfr: crm nfr explain's text per cluster, --at-rps sent as at_rps, -o json as the PM sent it; bad --at-rps exits 2 sending nothing", async function () {
    await seedSamplePackage(pm);
    expect((await oaasctl(["deploy", "hello", "greeter", "--env", "a"], pm.url)).code).to.equal(0);
    const nfr = {
      deployment_id: "hello-greeter",
      record: "hello-greeter",
      namespace: "oaas",
      at: "2026-12-07T12:00:00.000Z",
      enforcement: { enabled: true, mode: "enforce", dimensions: ["replicas"] },
      requirements: [{ component: "greet", requirements: { max_latency_ms: 200 } }],
      recommendations: [
        {
          component: "greet",
          dimension: "replicas",
          target: 3,
          unit: "replicas",
          basis: "cpu 1.2 cores",
          confidence: 0.9,
        },
      ],
      last_decisions: [],
      would_apply_now: [
        {
          component: "greet",
          dimension: "replicas",
          current: 1,
          recommended: 3,
          verdict: "hold",
          value: 3,
          checks: [{ check: "stability", verdict: "hold", reason: "stability 30/120 s" }],
          next_eligible_at: "2026-12-07T12:01:30.000Z",
          summary: "held: stability 30/120 s",
        },
      ],
      last_applied: [],
      nfr_observed: {
        type: "NfrObserved",
        status: "True",
        reason: "Observed",
        message: "1 recommendation",
        last_transition_time: "2026-12-07T11:59:00Z",
      },
    };
    const body = { id: "hello-greeter", clusters: [{ cluster: "a", deployment_id: "hello-greeter", nfr }] };
    pm.nfrs.set("hello-greeter", body);
    const text = await oaasctl(["nfr", "hello-greeter", "--at-rps", "42.5"], pm.url);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.contain("NFR of oaas/hello-greeter at 2026-12-07T12:00:00.000Z\n");
    expect(text.stdout).to.contain("enforcement: mode enforce, dimensions [replicas], global flag on");
    expect(text.stdout).to.contain(
      "NfrObserved: True (Observed) since 2026-12-07T11:59:00Z: 1 recommendation",
    );
    expect(text.stdout).to.contain("function greet: max_latency_ms 200");
    expect(text.stdout).to.contain("function greet replicas: 3 replicas (confidence 0.90)");
    expect(text.stdout).to.contain(
      "function greet replicas: current 1, recommended 3 -> held: stability 30/120 s (next eligible at 2026-12-07T12:01:30.000Z)",
    );
    expect(text.stdout).to.contain("hold   stability: stability 30/120 s");
    const query = pm.requests.find((r) => r.path === "/api/v1/deployments/hello-greeter/nfr")?.query;
    expect(query?.get("at_rps")).to.equal("42.5");
    const json = await oaasctl(["nfr", "hello-greeter", "-o", "json"], pm.url);
    expect(JSON.parse(json.stdout)).to.deep.equal(body);

    const asked = pm.count("GET", "/api/v1/deployments/hello-greeter/nfr");
    const bad = await oaasctl(["nfr", "hello-greeter", "--at-rps", "-3"], pm.url);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain("requests per second");
    expect(pm.count("GET", "/api/v1/deployments/hello-greeter/nfr")).to.equal(asked);

    pm.nfrs.set("hello-greeter", {
      id: "hello-greeter",
      clusters: [{ cluster: "a", deployment_id: "hello-greeter", error: 'cluster "a": unavailable' }],
    });
    const failed = await oaasctl(["nfr", "hello-greeter"], pm.url);
    expect(failed.code).to.equal(1);
    expect(failed.stdout).to.contain('cluster a (hello-greeter):\nerror: cluster "a": unavailable');
  });

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

  it("scripts/oaasctl runs from the repository root (version)", async function () {
    const child = spawn(path.join(repoRoot, "scripts/oaasctl"), ["version"], {
      cwd: repoRoot,
      env: { ...process.env, OAAS_PM_URL: pm.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    expect(code).to.equal(0);
    expect(stdout).to.match(/^oaasctl:\s+0\.1\.0$/m);
    expect(stdout).to.match(new RegExp(`^pm:\\s+${pm.url} \\(ok\\)$`, "m"));
  });
});
