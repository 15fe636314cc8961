// The PM's package routes in process: round trips, conflicts, long and unreadable keys, listing, derived-key clashes.
import { expect } from "chai";
import { clientPackageJson } from "../../../../packages/models/test/fixtures.ts";
import { freePort } from "@oaas/testkit";
import { shopPackage } from "../support/fixtures.ts";
import { errorOf, startTestPm } from "../support/pm.ts";
import { pmSuite } from "../support/pm-suite.ts";

describe("pm REST: input and errors (memory storage, no CRM)", function () {
  this.timeout(30_000);
  const rest = pmSuite({ OPRC_PM_BODY_LIMIT_BYTES: "4096" });

  it("a package written by an existing client round-trips through POST and GET", async function () {
    const created = await rest.pm.request("POST", "/api/v1/packages", clientPackageJson);
    expect(created.status, created.text).to.equal(201);
    const read = await rest.pm.request("GET", "/api/v1/packages/shop");
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
    expect((await rest.pm.request("POST", "/api/v1/packages", { name: "p" })).status).to.equal(201);
    const again = await rest.pm.request("POST", "/api/v1/packages", { name: "p" });
    expect(again.status).to.equal(409);
    expect(errorOf(again)).to.contain("already exists");
    expect((await rest.pm.request("GET", "/api/v1/packages/ghost")).status).to.equal(404);
    expect((await rest.pm.request("POST", "/api/v1/packages/ghost", { name: "ghost" })).status).to.equal(404);
    const other = await rest.pm.request("POST", "/api/v1/packages/p", { name: "q" });
    expect(other.status).to.equal(400);
    expect(errorOf(other)).to.contain("name:");
    const updated = await rest.pm.request("POST", "/api/v1/packages/p", { name: "p", version: "2" });
    expect(updated.status).to.equal(200);
    expect((updated.json as { version: string }).version).to.equal("2");
    expect((await rest.pm.request("DELETE", "/api/v1/packages/p")).status).to.equal(204);
    expect((await rest.pm.request("DELETE", "/api/v1/packages/p")).status).to.equal(404);
  });

  it("a package with a long name (200 chars) can be read and deleted, not only created", async function () {
    const name = "p".repeat(200);
    expect((await rest.pm.request("POST", "/api/v1/packages", { name })).status).to.equal(201);
    expect((await rest.pm.request("GET", `/api/v1/packages/${name}`)).status).to.equal(200);
    expect((await rest.pm.request("DELETE", `/api/v1/packages/${name}`)).status).to.equal(204);
  });

  it("a key that could not be read back through its own URL is refused at create, naming the field", async function () {
    for (const [name, message] of [
      ["x".repeat(254), "at most 253"],
      ["..", "not a usable key"],
      [".", "not a usable key"],
      ["a\u0007b", "control characters"],
    ] as const) {
      const res = await rest.pm.request("POST", "/api/v1/packages", { name });
      expect(res.status, name.slice(0, 20)).to.equal(400);
      expect(errorOf(res)).to.contain("name:").and.to.contain(message);
    }
    // The longest allowed key, made of 4-byte letters (MATHEMATICAL SCRIPT CAPITAL A),
    // percent-encoded: still found.
    const longest = "\u{1D49C}".repeat(253);
    expect((await rest.pm.request("POST", "/api/v1/packages", { name: longest })).status).to.equal(201);
    const path = `/api/v1/packages/${encodeURIComponent(longest)}`;
    expect((await rest.pm.request("GET", path)).status).to.equal(200);
    expect((await rest.pm.request("DELETE", path)).status).to.equal(204);
  });

  it("lists packages with filters, in name order", async function () {
    for (const [name, tags] of [
      ["b", ["x"]],
      ["a", ["x", "y"]],
      ["c", []],
    ] as const) {
      await rest.pm.request("POST", "/api/v1/packages", { name, metadata: { tags } });
    }
    const names = async (q: string) =>
      ((await rest.pm.request("GET", `/api/v1/packages${q}`)).json as { name: string }[]).map((p) => p.name);
    expect(await names("")).to.deep.equal(["a", "b", "c"]);
    expect(await names("?tags=x,y")).to.deep.equal(["a"]);
    expect(await names("?limit=1&offset=1")).to.deep.equal(["b"]);
    expect(await names("?disabled=false&name_pattern=*")).to.deep.equal(["a", "b", "c"]);
    const bad = await rest.pm.request("GET", "/api/v1/packages?limit=-1");
    expect(bad.status).to.equal(400);
    expect(errorOf(bad)).to.contain("limit");
    const unknown = await rest.pm.request("GET", "/api/v1/packages?colour=red");
    expect(unknown.status).to.equal(400);
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
