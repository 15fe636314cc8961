// The PM against two REAL CRM processes (test/support/two-crms.ts: "a" with ODGM on, "b"
// with it off, each in its own namespace on the shared test cluster), the happy path and
// the answers about the request: records are reconciled (KWOK nodes make the pods
// Ready), so a deployment reaches RUNNING and a deleted record really goes away. Rollback
// and cascade: pm-crm-rollback.test.ts; a CRM stopped and started: pm-crm-outage.test.ts.
import { StatusCode } from "@oaas/proto";
import { waitFor, type CrmProcess } from "@oaas/testkit";
import { expect } from "chai";
import {
  failedClustersHeader,
  type ClusterHealth,
  type DeploymentMappings,
  type HealthSummary,
  type RuntimeList,
} from "@oaas/pm-api";
import { CrmError } from "../../src/crm/errors.ts";
import { toProtoUnit } from "../../src/crm/convert.ts";
import { shopPackage } from "../support/fixtures.ts";
import { errorOf, startTestPm, type TestPm } from "../support/pm.ts";
import {
  crmGone,
  crmStatus,
  ownedDeployments,
  startTwoCrms,
  stopTwoCrms,
  twoCrmEnv,
  waitGone,
  type Created,
  type TwoCrms,
} from "../support/two-crms.ts";

describe("pm with two real CRM processes", function () {
  this.timeout(240_000);
  let crms: TwoCrms | undefined;
  let a: CrmProcess;
  let b: CrmProcess;
  let nsA = "";
  let nsB = "";

  before(async function () {
    crms = await startTwoCrms();
    ({ a, b, nsA, nsB } = crms);
  });
  after(async function () {
    await stopTwoCrms(crms);
  });

  function clusterEnv(extra: Record<string, string> = {}): Record<string, string> {
    return twoCrmEnv(crms as TwoCrms, extra);
  }

  describe("happy path", function () {
    let pm: TestPm;
    before(async function () {
      // A 1 s refresh: the stored condition must follow the clusters without a GET.
      pm = await startTestPm(clusterEnv({ OPRC_PM_STATUS_REFRESH_SECS: "1" }));
    });
    after(async function () {
      await pm.close();
    });

    it("create package -> deploy to both -> records on both -> runtimes -> status -> delete by key", async function () {
      expect((await pm.request("POST", "/api/v1/packages", shopPackage())).status).to.equal(201);
      const res = await pm.request(
        "POST",
        "/api/v1/deployments",
        {
          key: "shop-cart",
          package_name: "shop",
          class_key: "cart",
          target_env: "dev",
          target_clusters: ["a", "b"],
        },
        { "x-correlation-id": "pm-happy-1" },
      );
      expect(res.status, res.text).to.equal(201);
      const created = res.json as Created;
      // Two clusters at 0.9, target 0.99: five replicas reach 0.99144.
      expect(created.replicas).to.equal(5);
      expect(created.achieved_availability).to.be.closeTo(0.99144, 1e-5);
      expect(created.condition).to.equal("DEPLOYING");
      expect(created.units.map((u) => u.cluster)).to.deep.equal(["a", "b"]);
      const [unitA, unitB] = created.units.map((u) => u.unit_id);
      if (!unitA || !unitB) throw new Error("unit ids missing");

      // Both records exist: asked of each CRM directly, not through the PM.
      const [statusA, statusB] = await Promise.all([crmStatus(a.url, unitA), crmStatus(b.url, unitB)]);
      expect(statusA.status).to.equal(StatusCode.OK);
      expect(statusB.status).to.equal(StatusCode.OK);
      expect(statusA.deployment?.functions.map((f) => f.provisionConfig?.minScale)).to.deep.equal([5, 5]);
      // The correlation id went on to the CRM (it logs it with the deployment).
      await waitFor(() => a.output().includes("pm-happy-1"), {
        description: "CRM a to log the correlation id",
      });

      const mappings = await pm.request("GET", "/api/v1/deployments/shop-cart/cluster-mappings");
      const mapped = mappings.json as DeploymentMappings;
      expect(mapped.mappings.map((m) => [m.cluster, m.unit_id])).to.deep.equal([
        ["a", unitA],
        ["b", unitB],
      ]);
      expect(mapped.cluster_ids).to.deep.equal({ a: unitA, b: unitB });
      expect((await pm.request("GET", "/api/v1/deployments/shop-cart/env-mappings")).json).to.deep.equal(
        mappings.json,
      );

      const runtimeAnswer = await pm.request("GET", "/api/v1/class-runtimes?package_name=shop");
      const runtimes = runtimeAnswer.json as RuntimeList;
      expect(runtimeAnswer.headers.get(failedClustersHeader)).to.equal(null);
      expect(runtimes.map((i) => [i.cluster, i.id])).to.deep.equal([
        ["a", unitA],
        ["b", unitB],
      ]);
      const alias = (await pm.request("GET", "/api/v1/deployment-records?package_name=shop")).json;
      expect(alias).to.deep.equal(runtimes);
      const one = await pm.request("GET", `/api/v1/class-runtimes/${unitB}`);
      expect((one.json as { cluster: string }).cluster).to.equal("b");
      expect((await pm.request("GET", `/api/v1/class-runtimes/${unitB}?cluster=a`)).status).to.equal(404);

      const detail = (await pm.request("GET", "/api/v1/deployments/shop-cart")).json as {
        condition: string;
        clusters: { cluster: string; status: string }[];
      };
      expect(detail.clusters.map((c) => c.cluster)).to.deep.equal(["a", "b"]);
      // Read right after the deploy: a record may not have a status yet (SUMMARY_UNKNOWN),
      // or the reconciler may already have made it Available (RUNNING on both flips the
      // stored condition). The wait for RUNNING is its own test below.
      for (const c of detail.clusters)
        expect(c.status).to.be.oneOf(["SUMMARY_UNKNOWN", "PROGRESSING", "RUNNING"]);
      expect(detail.condition).to.be.oneOf(["DEPLOYING", "RUNNING"]);
      const status = (await pm.request("GET", "/api/v1/deployment-status/shop-cart?cluster=b")).json as {
        cluster: string;
        deployment_id: string;
        deployment: { id: string };
        conditions?: unknown[];
        functions?: unknown[];
        detail_unavailable?: string;
      };
      expect(status).to.include({ cluster: "b", deployment_id: unitB });
      expect(status.deployment.id).to.equal(unitB);
      // The record's detail from the real CRM's RecordDetailService, through the PM's client.
      expect(status.detail_unavailable).to.equal(undefined);
      expect(status.conditions).to.be.an("array");
      expect(status.functions).to.be.an("array");

      // Each CRM's history (GetHistory): the ingress's "accepted" first, with the PM's correlation id.
      type History = {
        clusters: {
          cluster: string;
          deployment_id: string;
          entries: { type: string; correlationId?: string }[];
        }[];
      };
      const history = async () =>
        (await pm.request("GET", "/api/v1/deployments/shop-cart/history")).json as History;
      await waitFor(async () => (await history()).clusters.every((c) => c.entries.length > 0), {
        description: "history on both clusters",
      });
      const clusters = (await history()).clusters;
      expect(clusters.map((c) => [c.cluster, c.deployment_id])).to.deep.equal([
        ["a", unitA],
        ["b", unitB],
      ]);
      for (const c of clusters)
        expect(c.entries[0], c.cluster).to.include({ type: "accepted", correlationId: "pm-happy-1" });

      const listed = (await pm.request("GET", "/api/v1/deployments?target_cluster=b")).json as {
        key: string;
      }[];
      expect(listed.map((d) => d.key)).to.deep.equal(["shop-cart"]);

      const deleted = await pm.request("DELETE", "/api/v1/deployments/shop-cart");
      expect(deleted.status, deleted.text).to.equal(200);
      expect(deleted.json).to.deep.include({
        key: "shop-cart",
        deleted_clusters: ["a", "b"],
        record_deleted: true,
      });
      expect((await pm.request("GET", "/api/v1/deployments/shop-cart")).status).to.equal(404);
      // The reconciler removes the children, then the finalizer: NOT_FOUND on both.
      await Promise.all([waitGone(a.url, unitA), waitGone(b.url, unitB)]);
    });

    it("a dispatch cut short (PENDING, no mapping, a record on the cluster) is UNKNOWN, then settled RUNNING by the resync; delete removes the record", async function () {
      expect((await pm.request("POST", "/api/v1/packages", shopPackage("cut"))).status).to.equal(201);
      const res = await pm.request("POST", "/api/v1/deployments", { package_name: "cut", class_key: "cart" });
      expect(res.status, res.text).to.equal(201);
      const unit = (res.json as Created).units[0]?.unit_id ?? "";
      // What a PM killed between storing the deployment and recording the answers leaves:
      // PENDING since long ago, no cluster mapping, while cluster a has the record.
      const stored = await pm.storage.getDeployment("cut-cart");
      if (!stored) throw new Error("cut-cart not stored");
      await pm.storage.deleteDeployment("cut-cart");
      await pm.storage.createDeployment(
        { ...stored, condition: "PENDING", updated_at: new Date(Date.now() - 3_600_000).toISOString() },
        [],
      );
      // The background resync (1 s here) does not know whether cluster a got it: UNKNOWN,
      // sent again (idempotent), and then it follows the cluster. The list never asks a CRM.
      await waitFor(
        async () => {
          const listed = (await pm.request("GET", "/api/v1/deployments?package_name=cut")).json as {
            key: string;
            condition: string;
          }[];
          return listed.find((d) => d.key === "cut-cart" && d.condition === "RUNNING");
        },
        { description: "cut-cart RUNNING in the PM's list", timeoutMs: 90_000, intervalMs: 250 },
      );
      expect((await pm.storage.getMappings("cut-cart")).map((m) => [m.cluster, m.state])).to.deep.equal([
        ["a", "DEPLOYED"],
      ]);
      expect(await crmGone(a.url, unit), "the record is still on cluster a").to.equal(false);
      // Delete asks every target cluster, mapped or not: the record goes.
      const deleted = await pm.request("DELETE", "/api/v1/deployments/cut-cart");
      expect(deleted.status, deleted.text).to.equal(200);
      expect(deleted.json).to.deep.include({
        key: "cut-cart",
        deleted_clusters: ["a"],
        record_deleted: true,
      });
      await waitGone(a.url, unit);
      expect((await pm.request("DELETE", "/api/v1/packages/cut")).status).to.equal(204);
    });

    it("waits for RUNNING on both clusters; delete by key leaves nothing on either", async function () {
      expect((await pm.request("POST", "/api/v1/packages", shopPackage("live"))).status).to.equal(201);
      const res = await pm.request("POST", "/api/v1/deployments", {
        key: "live-cart",
        package_name: "live",
        class_key: "cart",
        target_clusters: ["a", "b"],
      });
      expect(res.status, res.text).to.equal(201);
      const [unitA, unitB] = (res.json as Created).units.map((u) => u.unit_id);
      if (!unitA || !unitB) throw new Error("unit ids missing");

      // Only the list is read (it never asks a CRM): the background refresh must store
      // RUNNING once both clusters report it.
      await waitFor(
        async () => {
          const r = await pm.request("GET", "/api/v1/deployments?package_name=live");
          const listed = r.json as { key: string; condition: string }[];
          return listed.some((d) => d.key === "live-cart" && d.condition === "RUNNING");
        },
        { description: "live-cart RUNNING in the PM's list", timeoutMs: 120_000, intervalMs: 500 },
      );
      const running = (await pm.request("GET", "/api/v1/deployments/live-cart")).json as {
        condition: string;
        clusters: { cluster: string; status: string }[];
      };
      expect(running.condition).to.equal("RUNNING");
      // Asked of each CRM directly, not through the PM.
      for (const [url, id] of [
        [a.url, unitA],
        [b.url, unitB],
      ] as const) {
        const s = await crmStatus(url, id);
        expect(s.status).to.equal(StatusCode.OK);
        expect(s.message ?? "", url).to.match(/^RUNNING/);
      }
      // The stored condition stays RUNNING.
      const listed = (await pm.request("GET", "/api/v1/deployments?package_name=live")).json as {
        key: string;
        condition: string;
      }[];
      expect(listed.map((d) => [d.key, d.condition])).to.deep.equal([["live-cart", "RUNNING"]]);
      expect(await ownedDeployments(nsA)).to.not.have.length(0);
      expect(await ownedDeployments(nsB)).to.not.have.length(0);

      const deleted = await pm.request("DELETE", "/api/v1/deployments/live-cart");
      expect(deleted.status, deleted.text).to.equal(200);
      expect(deleted.json).to.deep.include({
        key: "live-cart",
        deleted_clusters: ["a", "b"],
        record_deleted: true,
      });
      await Promise.all([waitGone(a.url, unitA), waitGone(b.url, unitB)]);
      // Every test before this one deleted what it deployed, so nothing is owned any more.
      expect(await ownedDeployments(nsA), `Deployments left in ${nsA}`).to.deep.equal([]);
      expect(await ownedDeployments(nsB), `Deployments left in ${nsB}`).to.deep.equal([]);
    });

    it("clusters and their health: availability from CrmInfoService", async function () {
      const health = (await pm.request("GET", "/api/v1/clusters/health/summary")).json as HealthSummary;
      expect(health.status).to.equal("HEALTHY");
      const list = (await pm.request("GET", "/api/v1/clusters/health")).json as ClusterHealth[];
      expect(list.map((c) => c.cluster_name)).to.deep.equal(health.clusters.map((c) => c.cluster));
      for (const c of health.clusters) {
        expect(c).to.include({ reachable: true, availability: 0.9, source: "env-health" });
      }
      const clusters = (await pm.request("GET", "/api/v1/envs")).json as { name: string; default: boolean }[];
      expect(clusters.map((c) => [c.name, c.default])).to.deep.equal([
        ["a", true],
        ["b", false],
      ]);
    });

    it("partial failure without rollback keeps the cluster that accepted it", async function () {
      await pm.request("POST", "/api/v1/packages", shopPackage("odgm-keep"));
      const res = await pm.request("POST", "/api/v1/deployments", {
        package_name: "odgm-keep",
        class_key: "cart",
        target_clusters: ["a", "b"],
        odgm: { collections: ["carts"] },
      });
      expect(res.status, res.text).to.equal(201);
      const created = res.json as Created;
      expect(created.failed_clusters).to.deep.equal(["b"]);
      expect(created.units.map((u) => [u.cluster, u.state])).to.deep.equal([
        ["a", "DEPLOYED"],
        ["b", "FAILED"],
      ]);
      // FAILED_PRECONDITION is an answer, not an outage: never retried.
      expect(pm.crm.retryCount("b")).to.equal(0);
      const stored = (await pm.request("GET", "/api/v1/deployments/odgm-keep-cart")).json as {
        last_error: string;
      };
      expect(stored.last_error).to.match(/FailedPrecondition.*ODGM/);
      expect((await pm.request("DELETE", "/api/v1/deployments/odgm-keep-cart")).status).to.equal(200);
    });

    it("a package with deployments cannot be deleted without cascade (409)", async function () {
      await pm.request("POST", "/api/v1/packages", shopPackage("held"));
      const res = await pm.request("POST", "/api/v1/deployments", {
        package_name: "held",
        class_key: "cart",
      });
      expect(res.status, res.text).to.equal(201);
      const refused = await pm.request("DELETE", "/api/v1/packages/held");
      expect(refused.status).to.equal(409);
      expect(errorOf(refused)).to.contain("PACKAGE_DELETE_CASCADE");
      expect((await pm.request("DELETE", "/api/v1/deployments/held-cart")).status).to.equal(200);
      expect((await pm.request("DELETE", "/api/v1/packages/held")).status).to.equal(204);
    });

    it("a CRM answering INVALID_ARGUMENT is not retried and does not trip the breaker", async function () {
      const before = pm.crm.retryCount("a");
      const unit = toProtoUnit({
        id: "no-image",
        package_name: "p",
        class_key: "c",
        target_env: "dev",
        functions: [{ function_key: "f", config: {} }],
        created_at_ms: Date.now(),
      });
      for (let i = 0; i < 8; i++) {
        const error = await pm.crm.deploy("a", unit, { correlationId: `bad-${i}` }).catch((e: unknown) => e);
        expect(error).to.be.instanceOf(CrmError);
        expect((error as CrmError).kind).to.equal("answered");
        expect((error as CrmError).message).to.match(/InvalidArgument.*container_image/);
      }
      expect(pm.crm.retryCount("a")).to.equal(before);
      expect(pm.crm.breakerState("a")).to.equal("closed");
    });
  });
});
