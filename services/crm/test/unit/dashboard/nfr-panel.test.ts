// The record page's NFR section: the same facts as `crm nfr explain` (recommendations
// with basis and confidence, what would be applied now and why, the last decisions), every
// value escaped, and a notice instead of the section when the explanation failed.
import type { DeploymentRecord } from "@oaas/crd";
import type { Decision } from "@oaas/nfr";
import { expect } from "chai";
import { recordPage } from "../../../src/dashboard/record-page.ts";
import type { RecordExplanation } from "@oaas/nfr";

const xss = `<script>alert("pwned")</script>`;
const record: DeploymentRecord = {
  apiVersion: "oaas.io/v1alpha1",
  kind: "DeploymentRecord",
  metadata: { name: "shop", namespace: "prod", generation: 1, uid: "u-1" },
  spec: { deployment_id: "shop" },
  status: {},
};
const held: Decision = {
  component: "f1",
  dimension: "replicas",
  current: 2,
  recommended: 3,
  verdict: "hold",
  value: 3,
  checks: [{ check: "stability", verdict: "hold", reason: "stability 120/180 s" }],
  nextEligibleAtMs: Date.UTC(2026, 11, 7, 12, 4, 10),
  summary: "held: stability 120/180 s; next eligible at 2026-12-07T12:04:10Z",
};
const explanation: RecordExplanation = {
  record: "shop",
  namespace: "prod",
  at: "2026-12-07T12:02:10Z",
  enforcement: { enabled: false, mode: "enforce", dimensions: ["replicas"] },
  recommendations: [
    {
      component: "f1",
      dimension: "replicas",
      target: 3,
      basis: `cpu 2.4 cores ${xss}`,
      confidence: 0.97,
      unit: "replicas",
    },
  ],
  lastDecisions: [held],
  wouldApplyNow: [held],
  stale: "the last analysis failed (NfrObserved=False, PrometheusUnavailable: down)",
};
const page = (nfr: Parameters<typeof recordPage>[0]["nfr"]) =>
  recordPage({
    basePath: "/",
    namespace: "prod",
    name: "shop",
    record,
    history: [],
    queueNames: ["enforce"],
    now: new Date("2026-12-07T12:02:10Z"),
    nfr,
  }).text;

describe("dashboard record page: NFR section", function () {
  it("shows the recommendations, the decisions with their checks, the global flag and a stale analysis", function () {
    const text = page(explanation);
    expect(text).to.contain('id="nfr-recommendations"');
    expect(text).to.contain("3 replicas");
    expect(text).to.contain("0.97");
    expect(text).to.contain("held: stability 120/180 s; next eligible at 2026-12-07T12:04:10Z");
    expect(text).to.contain("hold stability: stability 120/180 s");
    expect(text).to.contain("off (OPRC_CRM_FEATURES_NFR_ENFORCEMENT)");
    expect(text).to.contain("NfrObserved=False, PrometheusUnavailable");
  });

  it("escapes every value (a basis is text from Prometheus labels and queries)", function () {
    const text = page(explanation);
    expect(text).to.not.contain(xss);
    expect(text).to.contain("&lt;script&gt;");
  });

  it("says why when the explanation could not be made; no section when the dashboard has none", function () {
    expect(page({ error: "Redis is down" })).to.contain("NFR explanation unavailable: Redis is down");
    expect(page(undefined)).to.not.contain("<h2>NFR</h2>");
  });
});
