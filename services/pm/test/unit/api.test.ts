// The REST surface in process (memory storage, no cluster): bad input is 400 {error}
// naming the field and stores nothing; every other error is JSON too.
import { expect } from "chai";
import { clientPackageJson } from "../../../../packages/models/test/fixtures.ts";
import { freePort } from "@oaas/testkit";
import { shopPackage } from "../support/fixtures.ts";
import { errorOf, startTestPm, type TestPm } from "../support/pm.ts";

describe("pm REST: input and errors (memory storage, no CRM)", function () {
  this.timeout(30_000);
  let pm: TestPm;
  before(async function () {
    pm = await startTestPm({ OPRC_PM_BODY_LIMIT_BYTES: "4096" });
  });
  after(async function () {
    await pm.close();
  });
  afterEach(async function () {
    for (const p of await pm.storage.listPackages()) await pm.storage.deletePackage(p.name);
  });

  async function expectNothingStored(): Promise<void> {
    expect(await pm.storage.listPackages()).to.deep.equal([]);
    expect(await pm.storage.listDeployments()).to.deep.equal([]);
  }

  const badPackages: {
    name: string;
    body: unknown;
    status?: number;
    headers?: Record<string, string>;
    want: string;
  }[] = [
    { name: "malformed JSON", body: '{"name": ', want: "not valid JSON" },
    { name: "wrong types", body: { name: "p", disabled: "yes" }, want: "disabled: must be boolean" },
    {
      name: "unknown enum value",
      body: { name: "p", functions: [{ key: "f", function_type: "SERVERLESS" }] },
      want: "functions[0].function_type: must be one of BUILTIN, CUSTOM, MACRO, LOGICAL",
    },
    {
      name: "a name with a space",
      body: { name: "my pkg" },
      want: 'name: "my pkg" must not contain whitespace',
    },
    {
      name: "a binding to a missing function",
      body: { name: "p", classes: [{ key: "c", function_bindings: [{ name: "a", function_key: "ghost" }] }] },
      want: 'classes[0].function_bindings[0].function_key: "ghost" is not a function of package "p"',
    },
    {
      name: "a quantity and a port out of range",
      body: { name: "p", functions: [{ key: "f", provision_config: { cpu_request: "lots", port: 70000 } }] },
      want: "functions[0].provision_config.port",
    },
    {
      // The API server would store it cut down, and the CRM would "repair" it forever.
      name: "a memory request beyond what the API server stores",
      body: {
        name: "p",
        functions: [{ key: "f", provision_config: { memory_request: "99999999999999999999Ei" } }],
      },
      want: 'functions[0].provision_config.memory_request: "99999999999999999999Ei" is larger than the API server stores',
    },
    {
      name: "a cpu request finer than 1m",
      body: { name: "p", functions: [{ key: "f", provision_config: { cpu_request: "0.5m" } }] },
      want: 'functions[0].provision_config.cpu_request: "0.5m" is finer than 1m',
    },
    {
      name: "a negative memory limit",
      body: { name: "p", functions: [{ key: "f", provision_config: { memory_limit: "-1Gi" } }] },
      want: 'functions[0].provision_config.memory_limit: "-1Gi" is negative',
    },
    {
      // A kubelet answers InvalidImageName; it was stored and shown RUNNING on KWOK.
      name: "an image with an uppercase repository path",
      body: {
        name: "p",
        functions: [{ key: "f", provision_config: { container_image: "ghcr.io/Example/Cart-Add:1.0" } }],
      },
      want: 'functions[0].provision_config.container_image: repository path "Example" must be lowercase',
    },
    {
      name: "an image with a digest that is not algorithm:hex",
      body: {
        name: "p",
        functions: [
          { key: "f", provision_config: { container_image: "ghcr.io/ok/img:1" } },
          { key: "g", provision_config: { container_image: "ghcr.io/ok/img@sha256:xyz" } },
        ],
      },
      want: "functions[1].provision_config.container_image: digest",
    },
    { name: "not an object", body: "[1,2]", want: "invalid body" },
    // 10,000 levels once were a 500 (stack overflow past parsing);
    // "__proto__" was "not valid JSON".
    {
      name: "1,000 nested arrays",
      body: `{"name":"p","metadata":{"x":${"[".repeat(1000)}${"]".repeat(1000)}}}`,
      want: "body nests more than 32 levels",
    },
    {
      name: "600 nested objects in a function config",
      body: `{"name":"p","functions":[{"key":"f","config":${'{"a":'.repeat(600)}1${"}".repeat(600)}}]}`,
      want: "body nests more than 32 levels",
    },
    {
      name: "a __proto__ key",
      body: '{"name":"p","metadata":{"__proto__":{"admin":true}}}',
      want: 'key "__proto__" in body.metadata is not allowed',
    },
    {
      name: "a constructor.prototype key",
      body: '{"name":"p","functions":[{"key":"f","config":{"constructor":{"prototype":{"x":"1"}}}}]}',
      want: 'key "constructor.prototype" in body.functions[0].config is not allowed',
    },
    { name: "missing name", body: {}, want: "name: is required" },
    {
      name: "wrong content type",
      body: "name=p",
      headers: { "content-type": "text/plain" },
      status: 415,
      want: "Unsupported Media Type",
    },
    {
      name: "oversized body",
      body: { name: "p", metadata: { description: "x".repeat(10_000) } },
      status: 413,
      want: "Request body is too large",
    },
  ];
  for (const row of badPackages) {
    it(`POST /packages with ${row.name} -> ${row.status ?? 400} {error}, nothing stored`, async function () {
      const answer = await pm.request("POST", "/api/v1/packages", row.body, row.headers);
      expect(answer.status, answer.text).to.equal(row.status ?? 400);
      expect(answer.headers.get("content-type")).to.match(/^application\/json/);
      expect(errorOf(answer)).to.contain(row.want);
      await expectNothingStored();
    });
  }

  it("a package written by an existing client round-trips through POST and GET", async function () {
    const created = await pm.request("POST", "/api/v1/packages", clientPackageJson);
    expect(created.status, created.text).to.equal(201);
    const read = await pm.request("GET", "/api/v1/packages/shop");
    expect(read.status).to.equal(200);
    // The PM owns updated_at (it stamps every write); everything else comes back as sent.
    const got = structuredClone(read.json) as typeof clientPackageJson;
    expect(Date.parse(got.metadata.updated_at)).to.be.greaterThan(
      Date.parse(clientPackageJson.metadata.updated_at),
    );
    got.metadata.updated_at = clientPackageJson.metadata.updated_at;
    expect(got).to.deep.equal(clientPackageJson);
  });

  it("409 on a second create; 404 on a missing package; 400 when the update names another package", async function () {
    expect((await pm.request("POST", "/api/v1/packages", { name: "p" })).status).to.equal(201);
    const again = await pm.request("POST", "/api/v1/packages", { name: "p" });
    expect(again.status).to.equal(409);
    expect(errorOf(again)).to.contain("already exists");
    expect((await pm.request("GET", "/api/v1/packages/ghost")).status).to.equal(404);
    expect((await pm.request("POST", "/api/v1/packages/ghost", { name: "ghost" })).status).to.equal(404);
    const other = await pm.request("POST", "/api/v1/packages/p", { name: "q" });
    expect(other.status).to.equal(400);
    expect(errorOf(other)).to.contain("name:");
    const updated = await pm.request("POST", "/api/v1/packages/p", { name: "p", version: "2" });
    expect(updated.status).to.equal(200);
    expect((updated.json as { version: string }).version).to.equal("2");
    expect((await pm.request("DELETE", "/api/v1/packages/p")).status).to.equal(204);
    expect((await pm.request("DELETE", "/api/v1/packages/p")).status).to.equal(404);
  });

  it("a package with a long name (200 chars) can be read and deleted, not only created", async function () {
    const name = "p".repeat(200);
    expect((await pm.request("POST", "/api/v1/packages", { name })).status).to.equal(201);
    expect((await pm.request("GET", `/api/v1/packages/${name}`)).status).to.equal(200);
    expect((await pm.request("DELETE", `/api/v1/packages/${name}`)).status).to.equal(204);
  });

  it("a key that could not be read back through its own URL is refused at create, naming the field", async function () {
    for (const [name, message] of [
      ["x".repeat(254), "at most 253"],
      ["..", "not a usable key"],
      [".", "not a usable key"],
      ["a\u0007b", "control characters"],
    ] as const) {
      const res = await pm.request("POST", "/api/v1/packages", { name });
      expect(res.status, name.slice(0, 20)).to.equal(400);
      expect(errorOf(res)).to.contain("name:").and.to.contain(message);
    }
    // The longest allowed key, made of 4-byte letters (MATHEMATICAL SCRIPT CAPITAL A),
    // percent-encoded: still found.
    const longest = "\u{1D49C}".repeat(253);
    expect((await pm.request("POST", "/api/v1/packages", { name: longest })).status).to.equal(201);
    const path = `/api/v1/packages/${encodeURIComponent(longest)}`;
    expect((await pm.request("GET", path)).status).to.equal(200);
    expect((await pm.request("DELETE", path)).status).to.equal(204);
  });

  it("lists packages with filters, in name order", async function () {
    for (const [name, tags] of [
      ["b", ["x"]],
      ["a", ["x", "y"]],
      ["c", []],
    ] as const) {
      await pm.request("POST", "/api/v1/packages", { name, metadata: { tags } });
    }
    const names = async (q: string) =>
      ((await pm.request("GET", `/api/v1/packages${q}`)).json as { name: string }[]).map((p) => p.name);
    expect(await names("")).to.deep.equal(["a", "b", "c"]);
    expect(await names("?tags=x,y")).to.deep.equal(["a"]);
    expect(await names("?limit=1&offset=1")).to.deep.equal(["b"]);
    expect(await names("?disabled=false&name_pattern=*")).to.deep.equal(["a", "b", "c"]);
    const bad = await pm.request("GET", "/api/v1/packages?limit=-1");
    expect(bad.status).to.equal(400);
    expect(errorOf(bad)).to.contain("limit");
    const unknown = await pm.request("GET", "/api/v1/packages?colour=red");
    expect(unknown.status).to.equal(400);
  });

  it("deployment input errors name the field and store nothing", async function () {
    await pm.request("POST", "/api/v1/packages", clientPackageJson);
    const rows: [unknown, string][] = [
      [{ package_name: "shop" }, "class_key: is required"],
      [{ package_name: "shop", class_key: "cart", condition: "UP" }, "condition: must be one of"],
      [
        { package_name: "shop", class_key: "cart", nfr_requirements: { availability: 1.5 } },
        "nfr_requirements.availability",
      ],
      [
        { package_name: "shop", class_key: "ghost", target_clusters: ["x"] },
        'class_key: "ghost" is not a class',
      ],
      [{ package_name: "nope", class_key: "cart" }, 'package_name: package "nope" does not exist'],
      [
        { package_name: "shop", class_key: "cart", target_clusters: ["mars"] },
        'target_clusters[0]: unknown cluster "mars"',
      ],
      [
        { package_name: "shop", class_key: "cart" },
        "target_clusters: is empty and the PM has no default cluster",
      ],
      [{ package_name: "shop", class_key: "cart", key: "a b" }, "key:"],
      [
        {
          package_name: "shop",
          class_key: "cart",
          functions: [
            { function_key: "add", provision_config: { container_image: "ghcr.io/Example/Cart-Add:1.0" } },
          ],
        },
        'functions[0].provision_config.container_image: repository path "Example" must be lowercase',
      ],
    ];
    for (const [body, want] of rows) {
      const answer = await pm.request("POST", "/api/v1/deployments", body);
      expect(answer.status, answer.text).to.equal(400);
      expect(errorOf(answer)).to.contain(want);
    }
    expect(await pm.storage.listDeployments()).to.deep.equal([]);
  });

  it("unknown routes, missing deployments and clusters are 404 {error}; health and readiness answer", async function () {
    expect(errorOf(await pm.request("GET", "/api/v1/nope"))).to.contain("no route");
    expect((await pm.request("GET", "/api/v1/deployments/ghost")).status).to.equal(404);
    expect((await pm.request("DELETE", "/api/v1/deployments/ghost")).status).to.equal(404);
    expect((await pm.request("GET", "/api/v1/deployments/ghost/cluster-mappings")).status).to.equal(404);
    expect((await pm.request("GET", "/api/v1/clusters/ghost/health")).status).to.equal(404);
    expect((await pm.request("GET", "/health")).json).to.deep.equal({ status: "ok" });
    expect((await pm.request("GET", "/ready")).status).to.equal(200);
    expect((await pm.request("GET", "/api/v1/clusters")).json).to.deep.equal([]);
  });

  it("echoes x-correlation-id and logs it with the route", async function () {
    const answer = await pm.request("GET", "/api/v1/packages", undefined, { "x-correlation-id": "corr-123" });
    expect(answer.headers.get("x-correlation-id")).to.equal("corr-123");
    const line = pm.logs.find((l) => l.correlation_id === "corr-123");
    expect(line?.["route"]).to.equal("/api/v1/packages");
    const fresh = await pm.request("GET", "/api/v1/packages");
    expect(fresh.headers.get("x-correlation-id")).to.match(/^[0-9a-f-]{36}$/);
  });

  it("logs reads (probes, scrapes, status polls) at debug and writes at info, whatever their answer", async function () {
    const rows: { method: string; path: string; body?: unknown; level: string }[] = [
      { method: "GET", path: "/health", level: "debug" },
      { method: "GET", path: "/ready", level: "debug" },
      { method: "GET", path: "/api/v1/deployments", level: "debug" },
      { method: "GET", path: "/api/v1/deployments/nope", level: "debug" },
      { method: "POST", path: "/api/v1/packages", body: { name: "" }, level: "info" },
      { method: "DELETE", path: "/api/v1/packages/nope", level: "info" },
    ];
    for (const [i, row] of rows.entries()) {
      const id = `level-${i}`;
      await pm.request(row.method, row.path, row.body, { "x-correlation-id": id });
      const line = pm.logs.find((l) => l.correlation_id === id && l.message === "request");
      expect(line?.level, `${row.method} ${row.path}`).to.equal(row.level);
    }
  });

  it("serves an OpenAPI 3 document built from the model schemas, and /metrics by route and code", async function () {
    const doc = (await pm.request("GET", "/api/v1/openapi.json")).json as {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } }
        >
      >;
    };
    expect(doc.openapi).to.match(/^3\./);
    for (const path of [
      "/api/v1/packages",
      "/api/v1/packages/{name}",
      "/api/v1/deployments",
      "/api/v1/deployments/{key}",
      "/api/v1/deployments/{key}/cluster-mappings",
      "/api/v1/deployments/{key}/env-mappings",
      "/api/v1/class-runtimes",
      "/api/v1/class-runtimes/{id}",
      "/api/v1/deployment-records",
      "/api/v1/deployment-records/{id}",
      "/api/v1/deployment-status/{id}",
      "/api/v1/clusters",
      "/api/v1/clusters/health",
      "/api/v1/clusters/{name}/health",
      "/api/v1/envs",
      "/api/v1/classes",
      "/api/v1/functions",
    ]) {
      expect(doc.paths, path).to.have.property(path);
    }
    const body = doc.paths["/api/v1/packages"]?.["post"]?.requestBody?.content["application/json"]?.schema;
    expect(body?.properties).to.have.keys([
      "name",
      "version",
      "disabled",
      "metadata",
      "classes",
      "functions",
      "dependencies",
      "deployments",
    ]);
    const metrics = (await pm.request("GET", "/metrics")).text;
    expect(metrics).to.match(/pm_http_requests_total\{[^}]*route="\/api\/v1\/packages"[^}]*code="200"/);
    expect(metrics).to.contain("pm_http_request_duration_seconds");
  });

  // Keys join package and class with "-", so package `col` class `a-b`
  // and package `col-a` class `b` both derive "col-a-b"; the second replaced the first.
  it("a derived key held by another package and class is 409 naming both, whatever its condition", async function () {
    // A default cluster nobody listens on: the refusal must come before any CRM call.
    const withCluster = await startTestPm({ CRM_DEFAULT_URL: `http://127.0.0.1:${await freePort()}` });
    try {
      const classed = (name: string, cls: string) => {
        const pkg = shopPackage(name) as { classes: { key: string }[] };
        (pkg.classes[0] as { key: string }).key = cls;
        return pkg;
      };
      for (const [name, cls] of [
        ["col", "a-b"],
        ["col-a", "b"],
      ] as const)
        expect((await withCluster.request("POST", "/api/v1/packages", classed(name, cls))).status).to.equal(
          201,
        );
      for (const condition of ["RUNNING", "DOWN"] as const) {
        await withCluster.storage.createDeployment(
          {
            key: "col-a-b",
            package_name: "col-a",
            class_key: "b",
            target_env: "dev",
            target_clusters: ["default"],
            nfr_requirements: {},
            functions: [],
            condition,
          },
          [],
        );
        const answer = await withCluster.request("POST", "/api/v1/deployments", {
          package_name: "col",
          class_key: "a-b",
        });
        expect(answer.status, answer.text).to.equal(409);
        expect(errorOf(answer)).to.equal(
          'deployment key "col-a-b" is held by package "col-a" class "b"; package "col" class "a-b" derives the same key: give this deployment another key',
        );
        const kept = await withCluster.storage.getDeployment("col-a-b");
        expect([kept?.package_name, kept?.class_key, kept?.condition]).to.deep.equal([
          "col-a",
          "b",
          condition,
        ]);
        await withCluster.storage.deleteDeployment("col-a-b");
      }
    } finally {
      for (const p of await withCluster.storage.listPackages())
        await withCluster.storage.deletePackage(p.name);
      await withCluster.close();
    }
  });
});
