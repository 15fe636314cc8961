// The PM's error answers in process: deployment input errors, 404s, and the correlation id echoed and logged.
import { expect } from "chai";
import { clientPackageJson } from "../../../../packages/models/test/fixtures.ts";
import { errorOf } from "../support/pm.ts";
import { pmSuite } from "../support/pm-suite.ts";

describe("pm REST: input and errors (memory storage, no CRM)", function () {
  this.timeout(30_000);
  const rest = pmSuite({ OPRC_PM_BODY_LIMIT_BYTES: "4096" });

  it("deployment input errors name the field and store nothing", async function () {
    await rest.pm.request("POST", "/api/v1/packages", clientPackageJson);
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
      const answer = await rest.pm.request("POST", "/api/v1/deployments", body);
      expect(answer.status, answer.text).to.equal(400);
      expect(errorOf(answer)).to.contain(want);
    }
    expect(await rest.pm.storage.listDeployments()).to.deep.equal([]);
  });

  it("unknown routes, missing deployments and clusters are 404 {error}; health and readiness answer", async function () {
    expect(errorOf(await rest.pm.request("GET", "/api/v1/nope"))).to.contain("no route");
    expect((await rest.pm.request("GET", "/api/v1/deployments/ghost")).status).to.equal(404);
    expect((await rest.pm.request("DELETE", "/api/v1/deployments/ghost")).status).to.equal(404);
    expect((await rest.pm.request("GET", "/api/v1/deployments/ghost/cluster-mappings")).status).to.equal(404);
    expect((await rest.pm.request("GET", "/api/v1/clusters/ghost/health")).status).to.equal(404);
    expect((await rest.pm.request("GET", "/health")).json).to.deep.equal({ status: "ok" });
    expect((await rest.pm.request("GET", "/ready")).status).to.equal(200);
    expect((await rest.pm.request("GET", "/api/v1/clusters")).json).to.deep.equal([]);
  });

  it("echoes x-correlation-id and logs it with the route", async function () {
    const answer = await rest.pm.request("GET", "/api/v1/packages", undefined, {
      "x-correlation-id": "corr-123",
    });
    expect(answer.headers.get("x-correlation-id")).to.equal("corr-123");
    const line = rest.pm.logs.find((l) => l.correlation_id === "corr-123");
    expect(line?.["route"]).to.equal("/api/v1/packages");
    const fresh = await rest.pm.request("GET", "/api/v1/packages");
    expect(fresh.headers.get("x-correlation-id")).to.match(/^[0-9a-f-]{36}$/);
  });
});
