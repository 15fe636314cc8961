// `oaasctl nfr` prints what `crm nfr explain` prints: an explanation goes through the
// CRM's GetNfrDetail translation (services/crm ingress/nfr-detail.ts), the wire (protobuf
// binary), the PM's JSON translation (services/pm crm/nfr-detail.ts) and JSON text, and
// oaasctl's text of it equals the formatter's text of the original, what-if included.
import { fromBinary, toBinary } from "@bufbuild/protobuf";
import { formatExplanation, type Decision, type RecordExplanation, type WhatIfResult } from "@oaas/nfr";
import { DeploymentNfr, type DeploymentNfr as DeploymentNfrBody } from "@oaas/pm-api";
import { GetNfrDetailResponseSchema } from "@oaas/proto";
import { expect } from "chai";
import { Value } from "typebox/value";
import { nfrDetailMessage } from "../../../crm/src/ingress/nfr-detail.ts";
import { nfrDetailJson } from "../../../pm/src/crm/nfr-detail.ts";
import { nfrText } from "../../src/nfr-view.ts";

const held: Decision = {
  component: "f1",
  dimension: "replicas",
  current: 2,
  recommended: 3,
  verdict: "hold",
  value: 3,
  checks: [
    { check: "global", verdict: "pass", reason: "enforcement on globally" },
    {
      check: "stability",
      verdict: "hold",
      reason: "stability 120/180 s",
      nextEligibleAtMs: Date.UTC(2026, 11, 7, 12, 4, 10, 250),
    },
    { check: "bounds", verdict: "adjust", reason: "cap 10", value: 3 },
  ],
  nextEligibleAtMs: Date.UTC(2026, 11, 7, 12, 4, 10, 250),
  summary: "held: stability 120/180 s",
};
const unknownCurrent: Decision = {
  component: "odgm",
  dimension: "cpu",
  current: undefined,
  recommended: 250,
  verdict: "hold",
  value: undefined,
  checks: [{ check: "current", verdict: "hold", reason: "current value unknown" }],
  summary: "held: current value unknown",
};
const explanation: RecordExplanation = {
  record: "x-1shop",
  namespace: "prod",
  at: "2026-12-07T12:02:10.000Z",
  enforcement: { enabled: false, mode: "enforce", dimensions: ["replicas", "cpu"] },
  recommendations: [
    {
      component: "f1",
      dimension: "replicas",
      target: 3,
      basis: "cpu 2.4 cores",
      confidence: 0.97,
      unit: "replicas",
    },
    {
      component: "odgm",
      dimension: "cpu",
      target: 250,
      basis: "p90 + 15%",
      confidence: 0.5,
      unit: "millicores",
    },
  ],
  lastDecisions: [held],
  wouldApplyNow: [held, unknownCurrent],
  stale: "the last analysis failed (NfrObserved=False, PrometheusUnavailable: down)",
  lastAppliedAt: "2026-12-07T11:00:00Z",
  requirements: [
    {
      component: "f1",
      requirements: { max_latency_ms: 200, availability: 0.99, cpu_utilization_target: 0.7 },
    },
    { component: "odgm", requirements: {} },
  ],
  lastApplied: [
    { component: "f1", dimension: "replicas", target: 2, basis: "b", confidence: 1, unit: "replicas" },
  ],
  nfrObserved: {
    status: "False",
    reason: "PrometheusUnavailable",
    message: "every query failed",
    lastTransitionTime: "2026-12-07T12:00:00Z",
  },
};
const whatIf: WhatIfResult = {
  atRps: 120.5,
  components: [
    {
      component: "f1",
      observed: "cost per request from 0.400 cores at 40.00 requests/s now",
      analysis: {
        recommendations: [{ dimension: "replicas", target: 2, basis: "what-if at 120.5 rps", confidence: 1 }],
        unknown: [],
      },
    },
    {
      component: "f2",
      observed: "OPRC_CRM_PROM_URL is not set: cost per request unknown",
      analysis: { recommendations: [], unknown: [{ dimension: "replicas", why: "no traffic observed" }] },
    },
  ],
};

/** CRM message -> wire -> PM JSON -> JSON text, as oaasctl receives it. */
function throughThePm(e: RecordExplanation, w?: WhatIfResult): DeploymentNfrBody {
  const wire = toBinary(GetNfrDetailResponseSchema, nfrDetailMessage("1shop", e, w));
  const nfr = nfrDetailJson(fromBinary(GetNfrDetailResponseSchema, wire));
  return JSON.parse(
    JSON.stringify({ id: "1shop", clusters: [{ cluster: "a", deployment_id: "1shop", nfr }] }),
  ) as DeploymentNfrBody;
}

describe("oaasctl nfr: the text of crm nfr explain, through the PM", function () {
  it("is the same text, what-if included, and the PM's answer fits its schema", function () {
    const body = throughThePm(explanation, whatIf);
    expect(Value.Errors(DeploymentNfr, body)).to.deep.equal([]);
    expect(nfrText(body)).to.equal(`${formatExplanation(explanation, whatIf)}\n`);
  });

  it("without a condition, stale state or what-if it is still the same text", function () {
    const bare: RecordExplanation = {
      ...explanation,
      enforcement: { enabled: true, mode: "observe", dimensions: [] },
      stale: undefined,
      lastAppliedAt: undefined,
      nfrObserved: undefined,
      lastApplied: [],
    };
    delete bare.stale;
    delete bare.lastAppliedAt;
    delete bare.nfrObserved;
    const body = throughThePm(bare);
    expect(body.clusters[0]?.nfr?.what_if).to.equal(undefined);
    expect(nfrText(body)).to.equal(`${formatExplanation(bare)}\n`);
  });

  it("several clusters are each headed; a cluster's error is printed in its place", function () {
    const one = throughThePm(explanation);
    const body: DeploymentNfrBody = {
      id: "1shop",
      clusters: [
        ...one.clusters,
        { cluster: "b", deployment_id: "1shop", error: 'cluster "b": unavailable' },
      ],
    };
    const text = nfrText(body);
    expect(text).to.contain(`cluster a (1shop):\n${formatExplanation(explanation)}\n\ncluster b (1shop):\n`);
    expect(text).to.contain('error: cluster "b": unavailable');
  });
});
