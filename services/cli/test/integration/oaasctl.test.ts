// oaasctl as a real process against a real HTTP server, test/support's stand-in for the
// Package Manager (the e2e suites run oaasctl against the real PM): packages, the errors
// every command maps (one line, exit codes), usage errors, and the repository's launcher.
// Deploy, status and --wait: oaasctl-deploy.test.ts; deployments, clusters, runtimes and
// history: oaasctl-reads.test.ts.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { spawn } from "node:child_process";
import { freePort, repoRoot } from "@oaas/testkit";
import { expect } from "chai";
import { parse as parseYaml } from "yaml";
import { oaasctl } from "../support/run-cli.ts";
import type { PmStub } from "../support/pm-stub.ts";
import { oneErrorLine, samplePackage, seedSamplePackage, useStubPmSuite } from "../support/oaasctl-suite.ts";

describe("oaasctl against a stand-in PM over HTTP", function () {
  this.timeout(30_000);
  let pm: PmStub;
  let tmp: string;
  const current = useStubPmSuite();
  beforeEach(function () {
    ({ pm, tmp } = current());
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
