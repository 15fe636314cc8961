// The OpenAPI document the PM serves: valid OpenAPI 3.1 (checked with a maintained
// validator of the specification's own JSON Schema), every route with its answers, errors
// included; and the answer checker the test supports use catches an answer the document
// does not describe.
import { Validator } from "@seriousme/openapi-schema-validator";
import { answerChecker, type OpenApiDocument } from "@oaas/pm-api/answer-check";
import { routes } from "@oaas/pm-api";
import { expect } from "chai";
import { startTestPm, type TestPm } from "../support/pm.ts";

describe("pm REST: the OpenAPI document", function () {
  this.timeout(30_000);
  let pm: TestPm;
  let doc: OpenApiDocument & { openapi: string };
  before(async function () {
    pm = await startTestPm({});
    doc = (await pm.request("GET", "/api/v1/openapi.json")).json as typeof doc;
  });
  after(async function () {
    await pm.close();
  });

  it("is valid OpenAPI 3.1", async function () {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors, JSON.stringify(result.errors ?? null, null, 1).slice(0, 3000)).to.equal(undefined);
    expect(result.valid).to.equal(true);
    expect(validator.version).to.equal("3.1");
  });

  it("documents every route of the contract with a JSON schema for each answer, errors included", function () {
    for (const [name, route] of Object.entries(routes)) {
      const urls = [route.url, ...("aliases" in route ? route.aliases : [])];
      for (const url of urls) {
        const path = `/api/v1${url.replace(/:(\w+)/g, "{$1}")}`;
        const operation = doc.paths[path]?.[route.method.toLowerCase()];
        expect(operation, `${name}: ${route.method} ${path}`).to.not.equal(undefined);
        const codes = Object.keys(operation?.responses ?? {});
        expect(codes, `${name} answers`).to.include.members(["400", "500"]);
        for (const code of codes.filter((c) => c !== "204")) {
          expect(
            operation?.responses?.[code]?.content?.["application/json"]?.schema,
            `${name} ${code}`,
          ).to.be.an("object");
        }
      }
    }
  });

  it("the answer checker refuses what the document does not describe", function () {
    const check = answerChecker(doc);
    const health = {
      cluster_name: "a",
      cluster: "a",
      status: "HEALTHY",
      last_seen: "2026-01-01T00:00:00Z",
      reachable: true,
      source: "env-health",
      checked_at: "2026-01-01T00:00:00Z",
      breaker: "closed",
    };
    expect(check.check("GET", "/api/v1/clusters/a/health?fresh=true", 200, health)).to.equal(undefined);
    expect(check.check("GET", "/api/v1/clusters/health", 200, [health])).to.equal(undefined);
    // A field the document does not name, a missing one, an undocumented status.
    expect(check.check("GET", "/api/v1/clusters/a/health", 200, { ...health, extra: 1 })).to.match(
      /does not match.*additionalProperty/,
    );
    const missing: Record<string, unknown> = { ...health };
    delete missing["cluster_name"];
    expect(check.check("GET", "/api/v1/clusters/a/health", 200, missing)).to.match(/cluster_name/);
    expect(check.check("GET", "/api/v1/clusters/a/health", 409, { error: "x" })).to.match(/no answer 409/);
    expect(check.check("GET", "/api/v1/clusters/a/health", 404, { message: "x" })).to.match(/does not match/);
    // Routes outside the document are not checked.
    expect(check.check("GET", "/health", 200, { anything: true })).to.equal(undefined);
    expect(check.check("DELETE", "/api/v1/packages/p", 204, undefined)).to.equal(undefined);
  });
});
