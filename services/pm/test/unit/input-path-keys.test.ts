// Hostile keys in the PM's URL paths, percent-encoded or not: 400 {error} naming the key, nothing stored, never a 500.
import { keyProblem, maxKeyLength } from "@oaas/models";
import { expect } from "chai";
import { errorOf } from "../support/pm.ts";
import { pmSuite } from "../support/pm-suite.ts";

describe("pm REST: hostile input is 400 naming the field", function () {
  this.timeout(60_000);
  const hostile = pmSuite();

  describe("keys in the URL path, percent-encoded or not", function () {
    /** [raw segment, the key the PM decodes it to] */
    const segments: readonly (readonly [string, string])[] = [
      ["a%2Fb", "a/b"],
      ["a%2fb", "a/b"],
      ["..%2Fetc", "../etc"],
      ["%2E%2E", ".."],
      ["%2e", "."],
      ["..", ".."],
      ["a%20b", "a b"],
      ["a%09b", "a\tb"],
      ["a%00b", "a\u0000b"],
      ["%25", "%"],
      ["a%3Fb", "a?b"],
      ["a%23b", "a#b"],
      ["a%5Cb", "a\\b"],
      ["a%2Cb", "a,b"],
      ["%F0%9F%98%80", "😀"],
      ["cafe%CC%81", "cafe\u0301"],
      ["x".repeat(maxKeyLength + 1), "x".repeat(maxKeyLength + 1)],
    ];
    /** [method, path with {} for the segment, parameter name, body] */
    const routes: readonly (readonly [string, string, string, string?])[] = [
      ["GET", "/api/v1/packages/{}", "name"],
      ["POST", "/api/v1/packages/{}", "name", '{"name":"p"}'],
      ["DELETE", "/api/v1/packages/{}", "name"],
      ["GET", "/api/v1/deployments/{}", "key"],
      ["PUT", "/api/v1/deployments/{}", "key", '{"package_name":"p","class_key":"c"}'],
      ["DELETE", "/api/v1/deployments/{}", "key"],
      ["GET", "/api/v1/deployments/{}/cluster-mappings", "key"],
      ["GET", "/api/v1/deployments/{}/env-mappings", "key"],
      ["GET", "/api/v1/deployments/{}/history", "key"],
      ["GET", "/api/v1/deployment-status/{}", "id"],
      ["GET", "/api/v1/class-runtimes/{}", "id"],
      ["GET", "/api/v1/deployment-records/{}", "id"],
      ["GET", "/api/v1/clusters/{}/health", "name"],
      ["GET", "/api/v1/envs/{}/health", "name"],
    ];
    for (const [method, template, param, body] of routes) {
      it(`${method} ${template}: every refused segment is 400 "invalid path: ${param}: <the key rule>"`, async function () {
        for (const [segment, key] of segments) {
          const answer = await hostile.raw(method, template.replace("{}", segment), body);
          expect(answer.status, `${segment}: ${answer.text}`).to.equal(400);
          expect(errorOf(answer)).to.equal(`invalid path: ${param}: ${keyProblem(key)}`);
          expect(answer.json).to.have.nested.property("details[0].field", param);
        }
        await hostile.expectNothingStored();
      });
    }

    it("a path that is not valid percent-encoding is 400 {error}, with the correlation id", async function () {
      for (const path of ["/api/v1/packages/%E0%A4%A", "/api/v1/deployments/%ZZ", "/api/v1/packages/%"]) {
        const answer = await hostile.raw("GET", path);
        expect(answer.status, path).to.equal(400);
        expect(errorOf(answer)).to.match(/^invalid path: .* is not a valid url component$/);
        expect(answer.headers.get("x-correlation-id")).to.be.a("string");
      }
    });

    it("usable keys still route: letters of any script, '.', '_', '-', '~', percent-encoded", async function () {
      for (const name of ["shop", "a.b", "snake_case", "~x", "日本語", "Ünïcödé"]) {
        const created = await hostile.pm.request("POST", "/api/v1/packages", { name });
        expect(created.status, name).to.equal(201);
        const path = `/api/v1/packages/${encodeURIComponent(name)}`;
        expect((await hostile.raw("GET", path)).status, name).to.equal(200);
        expect((await hostile.raw("DELETE", path)).status, name).to.equal(204);
      }
    });
  });
});
