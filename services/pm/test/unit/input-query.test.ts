// Hostile query filters and parameters on the PM's REST routes: 400 {error} naming the parameter.
import { keyProblem, maxPageSize } from "@oaas/models";
import { expect } from "chai";
import { errorOf } from "../support/pm.ts";
import { pmSuite } from "../support/pm-suite.ts";

describe("pm REST: hostile input is 400 naming the field", function () {
  this.timeout(60_000);
  const hostile = pmSuite();

  describe("keys in query filters", function () {
    const cases: readonly (readonly [string, string, string])[] = [
      ["/api/v1/deployments?package_name=a%2Fb", "package_name", "a/b"],
      ["/api/v1/deployments?class_key=..", "class_key", ".."],
      ["/api/v1/deployments?target_env=a%20b", "target_env", "a b"],
      ["/api/v1/deployments?target_cluster=", "target_cluster", ""],
      ["/api/v1/class-runtimes?environment=a%2Cb", "environment", "a,b"],
      ["/api/v1/class-runtimes?cluster=%00", "cluster", "\u0000"],
      ["/api/v1/deployments/k?cluster=x%2Fy", "cluster", "x/y"],
      ["/api/v1/deployment-status/k?cluster=..", "cluster", ".."],
      ["/api/v1/deployments/k/history?cluster=a%3Fb", "cluster", "a?b"],
    ];
    for (const [path, field, key] of cases) {
      it(`${path.split("?")[0]} ?${field}=${JSON.stringify(key)} -> 400 naming ${field}`, async function () {
        const method = path.startsWith("/api/v1/deployments/k?") ? "DELETE" : "GET";
        const answer = await hostile.raw(method, path);
        expect(answer.status, answer.text).to.equal(400);
        expect(errorOf(answer)).to.equal(`invalid query: ${field}: ${keyProblem(key)}`);
      });
    }

    it("an unknown runtime status is 400 naming status (it was 503: every CRM refused it)", async function () {
      const answer = await hostile.raw("GET", "/api/v1/class-runtimes?status=bogus");
      expect(answer.status).to.equal(400);
      expect(errorOf(answer)).to.equal(
        'invalid query: status: "bogus" is not one of SUMMARY_UNKNOWN, RUNNING, PROGRESSING, DEGRADED, ERROR, NOT_FOUND',
      );
      // Any case, as the CRMs take it.
      expect((await hostile.raw("GET", "/api/v1/class-runtimes?status=running")).status).to.equal(200);
    });

    it("paging numbers out of bounds, fractional or not numbers are 400 naming the parameter", async function () {
      for (const [query, want] of [
        [`limit=${maxPageSize + 1}`, `invalid query: limit: must be <= ${maxPageSize}`],
        ["limit=-1", "invalid query: limit: must be >= 0"],
        // Number()'s spellings that Ajv's coercion would take: decimal digits only.
        ...["1e9", "1.5", "NaN", "Infinity", "", "0x10", "%2B5", "%201", "1e3", "1_000"].map(
          (v) => [`limit=${v}`, "invalid query: limit: must be a decimal integer (digits only)"] as const,
        ),
        ["limit=1&limit=2", "invalid query: limit: given more than once"],
        ["offset=1e20", "invalid query: offset: must be a decimal integer (digits only)"],
        ["offset=2147483648", "invalid query: offset: must be <= 2147483647"],
        ["offset=-5", "invalid query: offset: must be >= 0"],
      ] as const) {
        for (const base of [
          "/api/v1/packages",
          "/api/v1/deployments",
          "/api/v1/class-runtimes",
          "/api/v1/classes",
          "/api/v1/functions",
        ]) {
          const answer = await hostile.raw("GET", `${base}?${query}`);
          expect(answer.status, `${base}?${query}`).to.equal(400);
          expect(errorOf(answer), `${base}?${query}`).to.equal(want);
        }
      }
    });

    it("an unknown query parameter is 400 naming it, on every route that takes none too", async function () {
      await hostile.pm.request("POST", "/api/v1/packages", { name: "p" });
      for (const [method, path] of [
        ["GET", "/api/v1/packages?colour=red"],
        ["GET", "/api/v1/packages/p?colour=red"],
        ["DELETE", "/api/v1/packages/p?colour=red"],
        ["DELETE", "/api/v1/deployments/k?clustr=edge"],
        ["GET", "/api/v1/classes?colour=red"],
        ["GET", "/api/v1/clusters?colour=red"],
      ] as const) {
        const answer = await hostile.raw(method, path);
        expect(answer.status, path).to.equal(400);
        expect(errorOf(answer), path).to.match(/^invalid query: (colour|clustr): is not a known field$/);
      }
      expect((await hostile.pm.request("GET", "/api/v1/packages/p")).status).to.equal(200);
    });
  });
});
