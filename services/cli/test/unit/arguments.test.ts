// Argument parsing: durations, the deploy body, and the program's usage errors (in
// process: none of these reach the network).
import { expect } from "chai";
import { defaultDeploymentKey } from "@oaas/models";
import { deploymentBody, splitList } from "../../src/deploy-request.ts";
import { maxTimerMs, parseDuration } from "../../src/durations.ts";
import { UsageError } from "../../src/errors.ts";
import { runInProcess } from "../support/io.ts";

describe("argument parsing", function () {
  it("durations", function () {
    const rows: [string, number][] = [
      ["30", 30_000],
      ["1.5", 1500],
      ["500ms", 500],
      ["90s", 90_000],
      ["5m", 300_000],
      ["1m30s", 90_000],
      ["1h", 3_600_000],
      ["999999h", maxTimerMs],
    ];
    for (const [text, ms] of rows) expect(parseDuration(text, "--timeout"), text).to.equal(ms);
    for (const bad of ["", "soon", "5x", "5m junk", "-1s", "m"]) {
      expect(() => parseDuration(bad, "--timeout"), bad).to.throw(
        UsageError,
        `--timeout: "${bad}" is not a duration`,
      );
    }
  });

  it("splitList; the default key is the PM's own derivation", function () {
    expect(splitList(" a, b,,c ")).to.deep.equal(["a", "b", "c"]);
    const body = deploymentBody({ packageName: "Shop", classKey: "Cart" });
    expect(body["key"]).to.equal(defaultDeploymentKey("Shop", "Cart")).and.to.equal("Shop-Cart");
  });

  it("deploy body from arguments", function () {
    expect(
      deploymentBody({ packageName: "shop", classKey: "cart", envs: ["a", "b"], availability: 0.99 }),
    ).to.deep.equal({
      package_name: "shop",
      class_key: "cart",
      key: "shop-cart",
      target_clusters: ["a", "b"],
      nfr_requirements: { availability: 0.99 },
    });
  });

  it("deploy body from a file, arguments override its fields", function () {
    const file = {
      key: "mine",
      package_name: "shop",
      class_key: "cart",
      nfr_requirements: { max_latency_ms: 50 },
      odgm: { collections: ["c"] },
    };
    expect(deploymentBody({ file, envs: ["x"], targetEnv: "prod", availability: 0.9 })).to.deep.equal({
      key: "mine",
      package_name: "shop",
      class_key: "cart",
      target_clusters: ["x"],
      target_env: "prod",
      nfr_requirements: { max_latency_ms: 50, availability: 0.9 },
      odgm: { collections: ["c"] },
    });
    expect(deploymentBody({ file, classKey: "other" })).to.include({ class_key: "other", key: "mine" });
  });

  it("deploy body: missing package/class, empty --env, availability out of range", function () {
    expect(() => deploymentBody({ packageName: "shop" })).to.throw(
      UsageError,
      "deploy needs <package> and <class>",
    );
    expect(() => deploymentBody({ packageName: "p", classKey: "c", envs: [] })).to.throw(UsageError, "--env");
    expect(() => deploymentBody({ packageName: "p", classKey: "c", availability: 1.5 })).to.throw(
      UsageError,
      "0..1",
    );
  });

  it("usage errors exit 2 with one line", async function () {
    const rows: [string[], RegExp][] = [
      [["deploy"], /^error: deploy needs <package> and <class>, or -f with package_name and class_key$/],
      [["package", "list", "-o", "xml"], /^error: option '-o, --output <format>' argument 'xml' is invalid/],
      [
        ["package", "list", "--limit", "ten"],
        /^error: option '--limit <n>' argument 'ten' is invalid\. must be a whole number/,
      ],
      [
        ["package", "list", "--disabled", "yes"],
        /^error: option '--disabled <bool>' argument 'yes' is invalid/,
      ],
      [
        ["deploy", "p", "c", "--availability", "2"],
        /^error: option '--availability <ratio>' argument '2' is invalid/,
      ],
      [["status", "x", "--timeout", "soon"], /^error: --timeout: "soon" is not a duration/],
      [["status"], /^error: missing required argument 'id'$/],
      [["package", "apply"], /^error: required option '-f, --file <path>' not specified$/],
      [["pakage", "list"], /^error: unknown command 'pakage'; \(Did you mean package\?\)$/],
      [["package", "list", "--nope"], /^error: unknown option '--nope'$/],
      [["--pm-url", "not a url", "clusters"], /^error: --pm-url: "not a url" is not a URL/],
      [["clusters"], /^error: --pm-url: "ftp:\/\/x" must be an http or https URL$/],
      // Keys are checked with the PM's own rule before any request: an empty one would
      // address the collection (GET /packages/ lists), "." and ".." other routes.
      [["package", "get", ""], /^error: package name: must not be empty$/],
      [["package", "delete", ".."], /^error: package name: "\.\." is not a usable key/],
      [["deployment", "get", "a b"], /^error: deployment key: "a b" must not contain whitespace$/],
      [["status", "x".repeat(300)], /^error: deployment key: is 300 characters long; at most 253$/],
      [["history", "\u0007"], /^error: deployment key: .* must not contain control characters$/],
      [
        ["deploy", "p", "c", "--key", "a b"],
        /^error: option '--key <key>' argument 'a b' is invalid\. "a b" must not contain whitespace\.$/,
      ],
      [
        ["deploy", "p", "c", "--env", "default,default"],
        /^error: option '--env <clusters>' argument 'default,default' is invalid\. "default" is named twice\.$/,
      ],
      [
        ["deploy", "p", "c", "--env", "a,,b"],
        /^error: option '--env <clusters>' argument 'a,,b' is invalid\. an empty cluster name/,
      ],
      [
        ["deploy", "p", "c", "--env", "a,b/c"],
        /^error: option '--env <clusters>' argument 'a,b\/c' is invalid\. "b\/c": /,
      ],
      [["--request-timeout", "0", "package", "list"], /^error: --request-timeout: "0" is too short/],
      [["status", "x", "--poll-interval", "0ms", "--wait"], /^error: --poll-interval: "0ms" is too short/],
    ];
    for (const [args, message] of rows) {
      const run = await runInProcess(args, args[0] === "clusters" ? { OAAS_PM_URL: "ftp://x" } : {});
      expect(run.code, args.join(" ")).to.equal(2);
      expect(run.stdout, args.join(" ")).to.equal("");
      const lines = run.stderr.split("\n").filter((l) => l !== "");
      expect(lines, args.join(" ")).to.have.length(1);
      expect(lines[0], args.join(" ")).to.match(message);
    }
  });

  it("--help and version --client exit 0 without a request", async function () {
    const help = await runInProcess(["--help"]);
    expect(help.code).to.equal(0);
    expect(help.stdout).to.contain("Exit codes: 0 ok, 1");
    const version = await runInProcess(["version", "--client"]);
    expect(version).to.deep.equal({ code: 0, stdout: "9.9.9\n", stderr: "" });
    const json = await runInProcess(["version", "--client", "-o", "json"]);
    expect(JSON.parse(json.stdout)).to.deep.equal({ client: "9.9.9" });
  });

  it("history needs a deployment id", async function () {
    const run = await runInProcess(["history"]);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.equal("error: missing required argument 'deployment-id'\n");
  });
});
