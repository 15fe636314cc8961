// The PM against two REAL CRM processes (services/crm, `crm all`: ingress + watcher +
// reconciler, on real Redis) on the shared test cluster, each in its own namespace,
// configured as clusters "a" and "b". CRM "a" has ODGM on and "b" has it off, so a unit
// with odgm_config is accepted by "a" and refused by "b" (FAILED_PRECONDITION): a real,
// deterministic partial failure. Records are reconciled (KWOK nodes make the pods
// Ready), so a deployment reaches RUNNING and a deleted record really goes away.
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { create } from "@bufbuild/protobuf";
import { DeploymentService, GetDeploymentStatusRequestSchema, StatusCode } from "@oaas/proto";
import { listObjects } from "@oaas/kube";
import {
  builtIn,
  createTestNamespace,
  installCrdWithCrm,
  startCrmProcess,
  testCluster,
  waitFor,
  type CrmProcess,
  type TestNamespace,
} from "@oaas/testkit";
import { expect } from "chai";
import { unitId } from "@oaas/models";
import {
  failedClustersHeader,
  type ClusterHealth,
  type DeploymentMappings,
  type DeploymentNfr,
  type HealthSummary,
  type RuntimeList,
} from "@oaas/pm-api";
import { recordName } from "@oaas/crd";
import { CrmError } from "../../src/crm/errors.ts";
import { applyAnalyzerStatus } from "../../../crm/src/analyzer/record-api.ts";
import { getRecord } from "../../../crm/src/deployments/record-resource.ts";
import { nfrText } from "../../../cli/src/nfr-view.ts";
import { toProtoUnit } from "../../src/crm/convert.ts";
import { shopPackage } from "../support/fixtures.ts";
import { errorOf, startTestPm, type TestPm } from "../support/pm.ts";

const availability = "0.9";

function crmStatus(url: string, id: string) {
  const client = createClient(DeploymentService, createGrpcTransport({ baseUrl: url }));
  return client.getDeploymentStatus(create(GetDeploymentStatusRequestSchema, { deploymentId: id }), {
    timeoutMs: 5000,
  });
}

/** True once the CRM at `url` answers NOT_FOUND for `id` (the record and its finalizer are gone). */
async function crmGone(url: string, id: string): Promise<boolean> {
  try {
    await crmStatus(url, id);
    return false;
  } catch (error) {
    if (error instanceof ConnectError && error.code === Code.NotFound) return true;
    throw error;
  }
}

async function waitGone(url: string, id: string): Promise<void> {
  await waitFor(() => crmGone(url, id), {
    description: `${id} NOT_FOUND on ${url}`,
    timeoutMs: 120_000,
    intervalMs: 500,
  });
}

/** Names of the Deployments in `namespace` that a DeploymentRecord owns (label oaas.io/owner). */
async function ownedDeployments(namespace: string): Promise<string[]> {
  const { kube } = await testCluster();
  const owned = await listObjects<{ metadata: { name: string } }>(kube, builtIn.deployments, namespace, {
    labelSelector: "oaas.io/owner",
  });
  return owned.map((d) => d.metadata.name);
}

interface Created {
  key: string;
  condition: string;
  replicas: number;
  achieved_availability: number;
  units: { cluster: string; unit_id: string; state: string }[];
  failed_clusters?: string[];
}

describe("pm with two real CRM processes", function () {
  this.timeout(240_000);
  let namespaces: TestNamespace[] = [];
  let a: CrmProcess;
  let b: CrmProcess;
  let nsA = "";
  let nsB = "";

  before(async function () {
    const { kubeconfig } = await testCluster();
    await installCrdWithCrm(kubeconfig);
    namespaces = await Promise.all([createTestNamespace("pm-a"), createTestNamespace("pm-b")]);
    [nsA = "", nsB = ""] = namespaces.map((n) => n.name);
    if (!nsA || !nsB) throw new Error("namespaces missing");
    [a, b] = await Promise.all([
      startCrmProcess({
        kubeconfig,
        namespace: nsA,
        env: { OPRC_CRM_FEATURES_ODGM: "true", OPRC_CRM_ENV_AVAILABILITY_OVERRIDE: availability },
      }),
      startCrmProcess({
        kubeconfig,
        namespace: nsB,
        env: { OPRC_CRM_ENV_AVAILABILITY_OVERRIDE: availability },
      }),
    ]);
  });
  after(async function () {
    // Either may be missing when `before` failed half-way.
    await Promise.all(([a, b] as (CrmProcess | undefined)[]).map((p) => p?.release() ?? Promise.resolve()));
    await Promise.all(namespaces.map((n) => n.cleanup()));
  });

  function clusterEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      OPRC_PM_CRM_CLUSTERS: "a,b",
      OPRC_PM_CRM_A_URL: a.url,
      OPRC_PM_CRM_B_URL: b.url,
      OPRC_PM_CRM_DEFAULT_CLUSTER: "a",
      OPRC_PM_RETRY_BASE_MS: "20",
      ...extra,
    };
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

    it("nfr: each cluster's NFR state from the CRM's GetNfrDetail (requirements, mode, recommendations, decisions, NfrObserved, what-if); 404 for an unknown id", async function () {
      expect((await pm.request("POST", "/api/v1/packages", shopPackage("nfrshop"))).status).to.equal(201);
      const res = await pm.request("POST", "/api/v1/deployments", {
        key: "nfr-cart",
        package_name: "nfrshop",
        class_key: "cart",
        target_env: "dev",
        target_clusters: ["a"],
      });
      expect(res.status, res.text).to.equal(201);
      const unit = (res.json as Created).units[0]?.unit_id ?? "";
      const { kube } = await testCluster();
      const record = await getRecord(kube, nsA, recordName(unit), AbortSignal.timeout(10_000));
      if (!record) throw new Error(`no record for ${unit} in ${nsA}`);
      // The test stands in for the analyzer: its status fields, applied as the analyzer applies them.
      const observedAt = new Date().toISOString().replace(/\.\d+Z$/, "Z");
      await applyAnalyzerStatus(
        kube,
        record,
        {
          nfr_recommendations: [
            {
              component: "cart-add",
              dimension: "replicas",
              target: 3,
              basis: "cpu 1.2 cores over 10m",
              confidence: 0.9,
            },
          ],
          conditions: [
            {
              type: "NfrObserved",
              status: "True",
              reason: "Observed",
              message: "1 recommendation",
              lastTransitionTime: observedAt,
            },
          ],
        },
        AbortSignal.timeout(10_000),
        "pm-crm-test-analyzer",
      );
      const nfrOf = async (query = "") => {
        const answer = await pm.request("GET", `/api/v1/deployments/nfr-cart/nfr${query}`);
        expect(answer.status, answer.text).to.equal(200);
        return answer.json as DeploymentNfr;
      };
      // The CRM reads records from its informer cache: wait until it saw the status.
      await waitFor(async () => ((await nfrOf()).clusters[0]?.nfr?.recommendations.length ?? 0) > 0, {
        description: "the recommendation through the PM",
      });
      const body = await nfrOf("?at_rps=50");
      expect(body.id).to.equal("nfr-cart");
      expect(body.clusters.map((c) => [c.cluster, c.deployment_id, c.error])).to.deep.equal([
        ["a", unit, undefined],
      ]);
      const nfr = body.clusters[0]?.nfr;
      if (!nfr) throw new Error("no nfr");
      expect(nfr).to.include({ deployment_id: unit, record: recordName(unit), namespace: nsA });
      expect(nfr.enforcement).to.deep.equal({
        enabled: false,
        mode: "observe",
        dimensions: ["replicas", "cpu", "memory"],
      });
      expect(nfr.requirements.map((r) => r.component)).to.deep.equal(["cart-add", "cart-total"]);
      expect(nfr.recommendations).to.deep.equal([
        {
          component: "cart-add",
          dimension: "replicas",
          target: 3,
          unit: "replicas",
          basis: "cpu 1.2 cores over 10m",
          confidence: 0.9,
        },
      ]);
      expect(nfr.nfr_observed).to.include({ type: "NfrObserved", status: "True", reason: "Observed" });
      expect(nfr.stale).to.equal(undefined);
      // Observe mode: the chain holds, and says which check does.
      const decision = nfr.would_apply_now[0];
      expect(decision).to.include({
        component: "cart-add",
        dimension: "replicas",
        recommended: 3,
        verdict: "hold",
      });
      expect(decision?.checks.find((c) => c.verdict === "hold")?.check).to.be.oneOf(["global", "mode"]);
      expect(nfr.what_if?.at_rps).to.equal(50);
      expect(nfr.what_if?.components.map((c) => [c.component, c.observed])).to.deep.equal([
        ["cart-add", "OPRC_CRM_PROM_URL is not set: cost per request unknown"],
        ["cart-total", "OPRC_CRM_PROM_URL is not set: cost per request unknown"],
      ]);
      // What oaasctl prints: the text of crm nfr explain.
      const text = nfrText(body);
      expect(text).to.contain(`NFR of ${nsA}/${recordName(unit)} at `);
      expect(text).to.contain("function cart-add replicas: 3 replicas (confidence 0.90)");
      expect(text).to.contain(`NfrObserved: True (Observed) since ${observedAt}: 1 recommendation`);

      expect((await pm.request("GET", "/api/v1/deployments/no-such-unit/nfr")).status).to.equal(404);
      expect((await pm.request("GET", "/api/v1/deployments/nfr-cart/nfr?at_rps=-1")).status).to.equal(400);

      expect((await pm.request("DELETE", "/api/v1/deployments/nfr-cart")).status).to.equal(200);
      await waitGone(a.url, unit);
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

  describe("a CRM process stopped and started again", function () {
    let c: CrmProcess;
    let pm: TestPm;
    before(async function () {
      const { kubeconfig } = await testCluster();
      const ns = await createTestNamespace("pm-c");
      namespaces.push(ns);
      c = await startCrmProcess({
        kubeconfig,
        namespace: ns.name,
        env: { OPRC_CRM_ENV_AVAILABILITY_OVERRIDE: availability },
      });
      pm = await startTestPm({
        OPRC_PM_CRM_CLUSTERS: "a,c",
        OPRC_PM_CRM_A_URL: a.url,
        OPRC_PM_CRM_C_URL: c.url,
        OPRC_PM_RETRY_BASE_MS: "20",
        DEPLOY_MAX_RETRIES: "3",
        DEPLOY_ROLLBACK_ON_PARTIAL: "true",
        // Long enough that the figures read while c was up are still used for sizing.
        CRM_HEALTH_CACHE_TTL: "3600",
        CRM_CIRCUIT_BREAKER_FAILURE_THRESHOLD: "3",
        CRM_CIRCUIT_BREAKER_TIMEOUT: "1",
      });
      await pm.request("POST", "/api/v1/packages", shopPackage("outage"));
    });
    after(async function () {
      await (pm as TestPm | undefined)?.close();
      await (c as CrmProcess | undefined)?.release();
    });

    it("health shows it; deploy retries (counted), opens the breaker, UNKNOWN (not rolled back); recovery closes it and settles the deployment", async function () {
      expect(
        ((await pm.request("GET", "/api/v1/clusters/health/summary")).json as HealthSummary).status,
      ).to.equal("HEALTHY");
      await c.stop();
      // The figures read while c was up are cached: the deploy is sized and dispatched;
      // c fails three times (UNAVAILABLE is retried), the third failure opens the breaker,
      // the fourth attempt is refused by it. An attempt may have reached c before its
      // connection broke, so c's outcome is not known: 202 UNKNOWN, not a failure, and
      // nothing is rolled back; the PM sends c its unit again once it answers.
      const res = await pm.request("POST", "/api/v1/deployments", {
        package_name: "outage",
        class_key: "cart",
        target_clusters: ["a", "c"],
      });
      expect(res.status, res.text).to.equal(202);
      expect(res.json).to.include({ condition: "UNKNOWN" });
      expect((res.json as { unknown_clusters?: string[] }).unknown_clusters).to.deep.equal(["c"]);
      expect(pm.crm.retryCount("c")).to.equal(3);
      expect(pm.crm.breakerState("c")).to.equal("open");
      const metrics = (await pm.request("GET", "/metrics")).text;
      expect(metrics).to.match(/pm_crm_retries_total\{[^}]*cluster="c"[^}]*\} 3/);

      // A fresh probe shows the outage (and the open breaker); the cached view follows.
      const health = (await pm.request("GET", "/api/v1/clusters/c/health?fresh=true")).json as {
        reachable: boolean;
        status: string;
        breaker: string;
      };
      expect(health).to.include({ reachable: false, status: "UNREACHABLE", breaker: "open" });
      const all = (await pm.request("GET", "/api/v1/clusters/health/summary")).json as HealthSummary;
      expect(all.status).to.equal("DEGRADED");
      // Sizing needs c's figures, which it cannot give now: 503 naming the cluster.
      const refused = await pm.request("POST", "/api/v1/deployments", {
        package_name: "outage",
        class_key: "cart",
        target_clusters: ["a", "c"],
      });
      expect(refused.status).to.equal(503);
      expect(errorOf(refused)).to.contain('cluster "c" is unreachable');
      // While open, calls fail fast without touching the network.
      const fast = await pm.request("GET", "/api/v1/deployment-status/whatever?cluster=c");
      expect(fast.status).to.equal(503);
      expect(errorOf(fast)).to.contain("circuit breaker open");

      await c.start();
      expect(
        ((await pm.request("GET", "/api/v1/clusters/c/health?fresh=true")).json as { reachable: boolean })
          .reachable,
      ).to.equal(true);
      // After CRM_CIRCUIT_BREAKER_TIMEOUT one trial call goes through; NOT_FOUND is an
      // answer, so it closes the breaker.
      const answer = await waitFor(
        async () => {
          const r = await pm.request("GET", "/api/v1/deployment-status/whatever?cluster=c");
          return r.status === 404 ? r : undefined;
        },
        {
          description: "the breaker to let a call through to the restarted CRM",
          timeoutMs: 30_000,
          intervalMs: 300,
        },
      );
      expect(errorOf(answer)).to.match(/NotFound/);
      expect(pm.crm.breakerState("c")).to.equal("closed");
      expect(pm.logs.some((l) => l.message === "crm breaker-open" && l["cluster"] === "c")).to.equal(true);
      expect(pm.logs.some((l) => l.message === "crm breaker-closed" && l["cluster"] === "c")).to.equal(true);
      // The outage in the log: one warning when it began, one line when it ended, the
      // retries and the repeated breaker trials at debug; counted in the metrics.
      const ofC = pm.logs.filter((l) => l["cluster"] === "c" && l.level !== "debug");
      expect(ofC.filter((l) => l.message === "crm connection lost")).to.have.length(1);
      const restored = ofC.filter((l) => l.message === "crm connection restored");
      expect(restored).to.have.length(1);
      expect(restored[0]?.["failed_attempts"]).to.be.at.least(3);
      expect(ofC.filter((l) => l.message === "crm retry")).to.deep.equal([]);
      expect(ofC.filter((l) => l.message === "crm breaker-open")).to.have.length(1);
      const after = (await pm.request("GET", "/metrics")).text.split("\n");
      const sampleOf = (name: string) =>
        Number(
          after
            .find((l) => l.startsWith(`${name}{`) && l.includes('cluster="c"') && l.includes('peer="crm"'))
            ?.split(" ")
            .at(-1),
        );
      expect(sampleOf("oaas_connection_failures_total")).to.be.at.least(3);
      expect(sampleOf("oaas_connection_up")).to.equal(1);
      // The UNKNOWN deployment is settled once c answers: sent again, then RUNNING on both.
      await waitFor(
        async () =>
          ((await pm.request("GET", "/api/v1/deployments/outage-cart")).json as { condition: string })
            .condition === "RUNNING",
        { description: "outage-cart settled RUNNING after c is back", timeoutMs: 120_000, intervalMs: 500 },
      );
      expect((await pm.storage.getMappings("outage-cart")).map((m) => m.state)).to.deep.equal([
        "DEPLOYED",
        "DEPLOYED",
      ]);
      expect((await pm.request("DELETE", "/api/v1/deployments/outage-cart")).status).to.equal(200);
      const again = await pm.request("POST", "/api/v1/deployments", {
        key: "outage-again",
        package_name: "outage",
        class_key: "cart",
        target_clusters: ["a", "c"],
      });
      expect(again.status, again.text).to.equal(201);
      expect((again.json as Created).units.map((u) => u.state)).to.deep.equal(["DEPLOYED", "DEPLOYED"]);
      expect((await pm.request("DELETE", "/api/v1/deployments/outage-again")).status).to.equal(200);
    });

    it("a redeploy that fails on an unreachable cluster keeps it as holding the unit: a delete then is refused, not reported done, and works once it is back", async function () {
      // Found by a newcomer: PUT while the CRM was down marked the cluster FAILED, the
      // DELETE that followed skipped it as "never confirmed" and answered 200 naming it
      // in deleted_clusters, and the workload stayed Available with no deployment left.
      const created = await pm.request("POST", "/api/v1/deployments", {
        key: "kept-on-c",
        package_name: "outage",
        class_key: "cart",
        target_clusters: ["c"],
      });
      expect(created.status, created.text).to.equal(201);
      const unit = unitId("kept-on-c", "c");
      expect(await crmGone(c.url, unit)).to.equal(false);
      await c.stop();
      const put = await pm.request("PUT", "/api/v1/deployments/kept-on-c", {
        package_name: "outage",
        class_key: "cart",
        target_clusters: ["c"],
      });
      // c may hold the new spec or the previous one: UNKNOWN (202), which a delete must
      // reach like a confirmed one.
      expect(put.status, put.text).to.equal(202);
      const [mapping] = (
        (await pm.request("GET", "/api/v1/deployments/kept-on-c/cluster-mappings")).json as DeploymentMappings
      ).mappings;
      expect(mapping?.state).to.equal("UNKNOWN");
      expect(mapping?.message).to.match(/^outcome unknown/);
      const refused = await pm.request("DELETE", "/api/v1/deployments/kept-on-c");
      expect(refused.status, refused.text).to.equal(503);
      expect((await pm.request("GET", "/api/v1/deployments/kept-on-c")).status).to.equal(200);

      await c.start();
      const deleted = await waitFor(
        async () => {
          const r = await pm.request("DELETE", "/api/v1/deployments/kept-on-c");
          return r.status === 200 ? r : undefined;
        },
        { description: "the delete to go through once c is back", timeoutMs: 30_000, intervalMs: 500 },
      );
      expect(deleted.json).to.deep.include({ deleted_clusters: ["c"], record_deleted: true });
      await waitGone(c.url, unit);
    });
  });
});
