// The dashboard's namespace boundary in pure form: which routes are Bull Board's (they need
// every served namespace) and which served namespaces a caller sees on the records list.
import { expect } from "chai";
import type { Principal } from "@oaas/auth";
import { visibleNamespaces } from "../../../src/dashboard/access.ts";
import { bullBoardRoutes } from "../../../src/dashboard/routes.ts";

const principal = (namespaces: Principal["namespaces"]): Principal => ({
  name: "p",
  role: "viewer",
  via: "token",
  namespaces,
});

describe("dashboard: namespace scope", function () {
  const rows: [string, string, boolean][] = [
    ["/ops/crm/", "/ops/crm/", true],
    ["/ops/crm/", "/ops/crm", true],
    ["/ops/crm/", "/ops/crm/api/queues", true],
    ["/ops/crm/", "/ops/crm/api/queues/:queueName/:jobId", true],
    ["/ops/crm/", "/ops/crm/queue/:queueName", true],
    ["/ops/crm/", "/ops/crm/records", false],
    ["/ops/crm/", "/ops/crm/records/:namespace/:name", false],
    ["/ops/crm/", "/ops/crm/static/*", false],
    ["/ops/crm/", "/healthz", false],
    ["/ops/crm/", "/metrics", false],
    ["/ops/crm/", "/ops/crmx/api/queues", false],
    ["/", "/", true],
    ["/", "/api/queues", true],
    ["/", "/records", false],
    ["/", "/healthz", false],
    ["/", "/readyz", false],
    ["/", "/metrics", false],
  ];
  for (const [basePath, url, want] of rows)
    it(`base ${basePath}: ${url} is ${want ? "" : "not "}Bull Board's`, function () {
      expect(bullBoardRoutes(basePath)(url)).to.equal(want);
    });

  it("a caller sees the served namespaces of its scope, in the served order", function () {
    expect(visibleNamespaces(principal("*"), ["a", "b"])).to.deep.equal(["a", "b"]);
    expect(visibleNamespaces(principal(["b", "c"]), ["a", "b"])).to.deep.equal(["b"]);
    expect(visibleNamespaces(principal(["c"]), ["a", "b"])).to.deep.equal([]);
  });
});
