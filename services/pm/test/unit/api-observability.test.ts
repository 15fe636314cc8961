// What the PM tells operators: request logs by level, the OpenAPI document and /metrics by route and code.
import { expect } from "chai";
import { pmSuite } from "../support/pm-suite.ts";

describe("pm REST: input and errors (memory storage, no CRM)", function () {
  this.timeout(30_000);
  const rest = pmSuite({ OPRC_PM_BODY_LIMIT_BYTES: "4096" });

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
      await rest.pm.request(row.method, row.path, row.body, { "x-correlation-id": id });
      const line = rest.pm.logs.find((l) => l.correlation_id === id && l.message === "request");
      expect(line?.level, `${row.method} ${row.path}`).to.equal(row.level);
    }
  });

  it("serves an OpenAPI 3 document built from the model schemas, and /metrics by route and code", async function () {
    const doc = (await rest.pm.request("GET", "/api/v1/openapi.json")).json as {
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
    // A request of its own to count: this file's PM has served nothing else before this test.
    expect((await rest.pm.request("GET", "/api/v1/packages")).status).to.equal(200);
    const metrics = (await rest.pm.request("GET", "/metrics")).text;
    expect(metrics).to.match(/pm_http_requests_total\{[^}]*route="\/api\/v1\/packages"[^}]*code="200"/);
    expect(metrics).to.contain("pm_http_request_duration_seconds");
  });
});
