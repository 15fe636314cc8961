// The PM against two REAL CRM processes (test/support/two-crms.ts) with rollback on a
// partial failure and cascading package deletes (DEPLOY_ROLLBACK_ON_PARTIAL,
// PACKAGE_DELETE_CASCADE): "b" refuses ODGM, so a unit with odgm_config fails there.
import { type CrmProcess } from "@oaas/testkit";
import { expect } from "chai";
import { unitId } from "@oaas/models";
import { type DeploymentMappings, type RuntimeList } from "@oaas/pm-api";
import { shopPackage } from "../support/fixtures.ts";
import { errorOf, startTestPm, type TestPm } from "../support/pm.ts";
import { startTwoCrms, stopTwoCrms, twoCrmEnv, waitGone, type TwoCrms } from "../support/two-crms.ts";

describe("pm with two real CRM processes", function () {
  this.timeout(240_000);
  let crms: TwoCrms | undefined;
  let a: CrmProcess;

  before(async function () {
    crms = await startTwoCrms();
    ({ a } = crms);
  });
  after(async function () {
    await stopTwoCrms(crms);
  });

  function clusterEnv(extra: Record<string, string> = {}): Record<string, string> {
    return twoCrmEnv(crms as TwoCrms, extra);
  }

  describe("with cascade and rollback", function () {
    let pm: TestPm;
    before(async function () {
      pm = await startTestPm(
        clusterEnv({ DEPLOY_ROLLBACK_ON_PARTIAL: "true", PACKAGE_DELETE_CASCADE: "true" }),
      );
    });
    after(async function () {
      await pm.close();
    });

    it("rollback removes the partial success: DOWN with the error, 502, nothing left on a", async function () {
      await pm.request("POST", "/api/v1/packages", shopPackage("odgm-roll"));
      const res = await pm.request("POST", "/api/v1/deployments", {
        package_name: "odgm-roll",
        class_key: "cart",
        target_clusters: ["a", "b"],
        odgm: { collections: ["carts"] },
      });
      expect(res.status, res.text).to.equal(502);
      expect(errorOf(res)).to.match(/rolled back on a/);
      const stored = (await pm.request("GET", "/api/v1/deployments/odgm-roll-cart")).json as {
        condition: string;
        last_error: string;
      };
      expect(stored.condition).to.equal("DOWN");
      const mappings = (await pm.request("GET", "/api/v1/deployments/odgm-roll-cart/cluster-mappings"))
        .json as DeploymentMappings;
      expect(mappings.mappings.map((m) => [m.cluster, m.state])).to.deep.equal([["b", "FAILED"]]);
      // On a the unit was deleted again: the record and its finalizer really go away.
      const unitA = (await pm.request("GET", "/api/v1/class-runtimes?cluster=a&package_name=odgm-roll"))
        .json as RuntimeList;
      // Listed while the delete is still being reconciled, or already gone.
      const id = unitId("odgm-roll-cart", "a");
      for (const item of unitA) expect(item.id).to.equal(id);
      await waitGone(a.url, id);
      expect(
        (await pm.request("GET", "/api/v1/class-runtimes?cluster=a&package_name=odgm-roll")).json,
      ).to.deep.equal([]);
    });

    it("deleting a package cascades to its deployments on every cluster", async function () {
      await pm.request("POST", "/api/v1/packages", shopPackage("cascade"));
      const res = await pm.request("POST", "/api/v1/deployments", {
        package_name: "cascade",
        class_key: "cart",
        target_clusters: ["a", "b"],
      });
      expect(res.status, res.text).to.equal(201);
      expect((await pm.request("DELETE", "/api/v1/packages/cascade")).status).to.equal(204);
      expect((await pm.request("GET", "/api/v1/deployments?package_name=cascade")).json).to.deep.equal([]);
      expect((await pm.request("GET", "/api/v1/packages/cascade")).status).to.equal(404);
    });

    it("creating a package schedules its embedded deployments", async function () {
      const pkg = {
        ...shopPackage("embedded"),
        deployments: [{ package_name: "embedded", class_key: "cart", target_clusters: ["b"] }],
      };
      expect((await pm.request("POST", "/api/v1/packages", pkg)).status).to.equal(201);
      const listed = (await pm.request("GET", "/api/v1/deployments?package_name=embedded")).json as {
        key: string;
        condition: string;
      }[];
      expect(listed.map((d) => [d.key, d.condition])).to.deep.equal([["embedded-cart", "DEPLOYING"]]);
      expect((await pm.request("DELETE", "/api/v1/packages/embedded")).status).to.equal(204);
    });
  });
});
