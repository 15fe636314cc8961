// The PM's NFR route over two real CRM processes: GET /api/v1/deployments/{key}/nfr asks
// each cluster's RecordDetailService/GetNfrDetail (the test stands in for the analyzer by
// writing its status fields), and oaasctl's text of it is crm nfr explain's.
import { testCluster, waitFor, type CrmProcess } from "@oaas/testkit";
import { expect } from "chai";
import type { DeploymentNfr } from "@oaas/pm-api";
import { recordName } from "@oaas/crd";
import { applyAnalyzerStatus } from "../../../crm/src/analyzer/record-api.ts";
import { getRecord } from "../../../crm/src/deployments/record-resource.ts";
import { nfrText } from "../../../cli/src/nfr-view.ts";
import { shopPackage } from "../support/fixtures.ts";
import { startTestPm, type TestPm } from "../support/pm.ts";
import {
  startTwoCrms,
  stopTwoCrms,
  twoCrmEnv,
  waitGone,
  type Created,
  type TwoCrms,
} from "../support/two-crms.ts";

describe("pm with two real CRM processes: NFR detail", function () {
  this.timeout(240_000);
  let crms: TwoCrms | undefined;
  let nsA = "";
  let a: CrmProcess;
  let pm: TestPm;

  before(async function () {
    crms = await startTwoCrms();
    ({ a, nsA } = crms);
    pm = await startTestPm(twoCrmEnv(crms, { OPRC_PM_STATUS_REFRESH_SECS: "1" }));
  });
  after(async function () {
    await pm.close();
    await stopTwoCrms(crms);
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
});
