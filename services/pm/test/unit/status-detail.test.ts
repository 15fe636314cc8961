// GET /deployment-status/{id} in process against stand-in CRMs (GetDeploymentStatus and
// oaas.crm.v1.RecordDetailService.GetStatusDetail on one port; the real service is
// services/crm's, and the integration suites use real CRMs): the gRPC answer merged with
// conditions and functions, both asked in parallel through the PM's one CRM client
// (token, correlation id, deadline); when the detail cannot be had (a CRM older than the
// service, no record, the CRM's API server down, no answer in time, an answer about
// another id) the status is still 200 with the GetDeploymentStatus part and
// detail_unavailable saying why; a failed GetDeploymentStatus fails the request as before
// and cancels the detail call.
import { Code, ConnectError } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { DeploymentUnitSchema, ResourceReferenceSchema, StatusCode, SummarizedStatus } from "@oaas/proto";
import { waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { errorOf, startTestPm, type TestPm } from "../support/pm.ts";
import { startStandInCrm, type StandInCrm, type StatusDetailInit } from "../support/stand-in-crm.ts";

const t1 = "2026-01-01T00:00:00Z";

/** The CRM's GetStatusDetail answer for `id` (services/crm ingress/status-detail.ts), extra fields included. */
function crmDetail(id: string): StatusDetailInit {
  return {
    deploymentId: id,
    namespace: "oaas",
    generation: 2n,
    observedGeneration: 2n,
    summary: SummarizedStatus.RUNNING,
    phase: "Available",
    reason: "AllReady",
    message: "every function is ready",
    conditions: [
      {
        type: "Available",
        status: "True",
        reason: "AllReady",
        message: "every function is ready",
        lastTransitionTime: t1,
        observedGeneration: 2n,
      },
      {
        type: "Progressing",
        status: "False",
        reason: "RolloutComplete",
        message: "",
        lastTransitionTime: t1,
      },
    ],
    functions: [
      {
        functionKey: "greet",
        ready: true,
        reason: "Available",
        message: "1/1 ready",
        url: "http://x-greet.oaas.svc.cluster.local:8080",
      },
      { functionKey: "count", ready: false, reason: "RollingOut", message: "0/1 ready" },
    ],
    resourceRefs: [{ kind: "Deployment", name: "x-greet", uid: "u-1" }],
    template: { name: "dev", score: 1 },
  };
}

/** Never settles: a CRM that does not answer. */
const hang = () => new Promise<never>(() => undefined);

/** What the stand-in's GetStatusDetail does, by unit id. */
const detailById: Record<string, () => Promise<StatusDetailInit>> = {
  "u-ok": () => Promise.resolve(crmDetail("u-ok")),
  "u-no-record": () =>
    Promise.reject(new ConnectError('no deployment "u-no-record" in namespace oaas', Code.NotFound)),
  "u-broken": () =>
    Promise.reject(new ConnectError("Kubernetes API unavailable: connect ECONNREFUSED", Code.Unavailable)),
  "u-500": () => Promise.reject(new ConnectError("internal error", Code.Internal)),
  "u-slow": hang,
  "u-other": () => Promise.resolve(crmDetail("someone-else")),
  "u-missing": hang,
  "u-reset": () => Promise.resolve(crmDetail("u-reset")),
};

/** What GetDeploymentStatus answers for `id`. */
const grpcAnswer = (id: string) => ({
  status: StatusCode.OK,
  message: "RUNNING (Available): every function is ready",
  deployment: create(DeploymentUnitSchema, { id, packageName: "shop", classKey: "cart" }),
  statusResourceRefs: [
    create(ResourceReferenceSchema, { kind: "Deployment", name: "x-greet", namespace: "oaas", uid: "u-1" }),
  ],
});

/** GetDeploymentStatus calls of "u-reset": the first is reset under the PM (a CRM restarting). */
let resetCalls = 0;

describe("pm REST: deployment-status merges the CRM's record status detail", function () {
  this.timeout(30_000);
  let pm: TestPm;
  let crm: StandInCrm;
  let older: StandInCrm;
  /** Resolved when the detail request of "u-parallel" reached the CRM. */
  let detailArrived: () => void = () => undefined;
  let parallelDetail = new Promise<void>((resolve) => (detailArrived = resolve));

  before(async function () {
    crm = await startStandInCrm({
      status: async (id, context) => {
        if (id === "u-missing") throw new ConnectError(`no deployment "${id}"`, Code.NotFound);
        if (id === "u-reset" && resetCalls++ === 0)
          throw new ConnectError("http/2 stream closed with error code CANCEL (0x8)", Code.Canceled);
        // Answers only once the detail request arrived: a PM asking one after the other
        // would wait here until its deadline.
        if (id === "u-parallel") {
          await Promise.race([
            parallelDetail,
            new Promise((_resolve, reject) =>
              context.signal.addEventListener("abort", () => reject(new Error("deadline"))),
            ),
          ]);
        }
        return grpcAnswer(id);
      },
      detail: (id) => {
        if (id === "u-parallel") {
          detailArrived();
          return crmDetail(id);
        }
        const answer = detailById[id];
        if (!answer) throw new ConnectError(`no deployment "${id}"`, Code.NotFound);
        return answer();
      },
    });
    // A CRM older than RecordDetailService: it serves DeploymentService only.
    older = await startStandInCrm({ status: (id) => grpcAnswer(id) });
    pm = await startTestPm({
      OPRC_PM_CRM_CLUSTERS: "a,old",
      OPRC_PM_CRM_A_URL: crm.url,
      OPRC_PM_CRM_A_TOKEN: "token-a",
      // 1 s: the deadline of both the gRPC call and the detail call.
      OPRC_PM_CRM_A_TIMEOUT: "1",
      OPRC_PM_CRM_OLD_URL: older.url,
      CRM_HEALTH_CHECK_INTERVAL: "0",
    });
  });
  after(async function () {
    await pm.close();
    await crm.close();
    await older.close();
  });
  beforeEach(function () {
    crm.detailRequests.length = 0;
    parallelDetail = new Promise<void>((resolve) => (detailArrived = resolve));
  });

  /** The GetDeploymentStatus part of every answer: what the route answered before the detail existed. */
  const grpcPart = (id: string, cluster = "a") => ({
    cluster,
    deployment_id: id,
    status: "RUNNING",
    message: "RUNNING (Available): every function is ready",
    status_resource_refs: [{ kind: "Deployment", name: "x-greet", namespace: "oaas", uid: "u-1" }],
  });

  it("a call reset under the PM (CANCELLED: a CRM restarting) is retried like UNAVAILABLE, not answered as a failure", async function () {
    resetCalls = 0;
    const res = await pm.request("GET", "/api/v1/deployment-status/u-reset?cluster=a");
    expect(res.status, res.text).to.equal(200);
    expect(res.json).to.deep.include(grpcPart("u-reset"));
    expect(resetCalls).to.equal(2);
  });

  it("both answer: the gRPC part plus conditions and functions, as the CLI reads them", async function () {
    const res = await pm.request("GET", "/api/v1/deployment-status/u-ok?cluster=a", undefined, {
      "x-correlation-id": "corr-detail",
    });
    expect(res.status, res.text).to.equal(200);
    const body = res.json as Record<string, unknown>;
    expect(body).to.deep.include(grpcPart("u-ok"));
    expect(body["deployment"]).to.deep.include({ id: "u-ok", package_name: "shop", class_key: "cart" });
    expect(body["conditions"]).to.deep.equal([
      {
        type: "Available",
        status: "True",
        reason: "AllReady",
        message: "every function is ready",
        last_transition_time: t1,
        observed_generation: 2,
      },
      {
        type: "Progressing",
        status: "False",
        reason: "RolloutComplete",
        message: "",
        last_transition_time: t1,
      },
    ]);
    expect(body["functions"]).to.deep.equal([
      {
        function_key: "greet",
        ready: true,
        reason: "Available",
        message: "1/1 ready",
        url: "http://x-greet.oaas.svc.cluster.local:8080",
      },
      { function_key: "count", ready: false, reason: "RollingOut", message: "0/1 ready" },
    ]);
    // Only what the route documents: the CRM's own extras stay behind.
    expect(body).to.have.keys([
      "id",
      "phase",
      "last_updated",
      "cluster",
      "deployment_id",
      "status",
      "message",
      "deployment",
      "status_resource_refs",
      "conditions",
      "functions",
    ]);
    // Through the cluster's one client: its token, the caller's correlation id.
    expect(crm.detailRequests).to.deep.equal([
      {
        method: "GetStatusDetail",
        deploymentId: "u-ok",
        correlationId: "corr-detail",
        namespace: null,
        authorization: "Bearer token-a",
        cancelled: false,
      },
    ]);
  });

  it("GetDeploymentStatus and GetStatusDetail run in parallel", async function () {
    const res = await pm.request("GET", "/api/v1/deployment-status/u-parallel?cluster=a");
    expect(res.status, res.text).to.equal(200);
    expect((res.json as { conditions?: unknown[] }).conditions).to.have.length(2);
  });

  const unavailable: { name: string; id: string; cluster?: string; why: RegExp }[] = [
    {
      name: "a CRM older than RecordDetailService (UNIMPLEMENTED)",
      id: "u-any",
      cluster: "old",
      why: /^cluster "old": the CRM does not serve oaas\.crm\.v1\.RecordDetailService\/GetStatusDetail \(older than the PM\)$/,
    },
    {
      name: "the CRM finds no record (NOT_FOUND)",
      id: "u-no-record",
      why: /^cluster "a": NotFound: no deployment "u-no-record" in namespace oaas$/,
    },
    {
      name: "the CRM's API server is down (UNAVAILABLE)",
      id: "u-broken",
      why: /^cluster "a": Unavailable: Kubernetes API unavailable: connect ECONNREFUSED$/,
    },
    { name: "an internal error (INTERNAL)", id: "u-500", why: /^cluster "a": Internal: internal error$/ },
    {
      name: "no answer within the deadline (one attempt, not retried)",
      id: "u-slow",
      why: /^cluster "a": DeadlineExceeded: /,
    },
    {
      name: "an answer about another id",
      id: "u-other",
      why: /^cluster "a": GetStatusDetail: the answer is not the record status of "u-other"$/,
    },
  ];
  for (const row of unavailable) {
    it(`detail unavailable, status still 200 with the GetDeploymentStatus part: ${row.name}`, async function () {
      const cluster = row.cluster ?? "a";
      const started = Date.now();
      const res = await pm.request("GET", `/api/v1/deployment-status/${row.id}?cluster=${cluster}`);
      expect(res.status, res.text).to.equal(200);
      const body = res.json as Record<string, unknown>;
      expect(body).to.deep.include(grpcPart(row.id, cluster));
      expect(body).not.to.have.any.keys("conditions", "functions");
      expect(body["detail_unavailable"]).to.match(row.why);
      // Bounded by the status call's deadline (1 s here), never more.
      expect(Date.now() - started).to.be.below(2500);
      const logged = pm.logs.find(
        (l) => l.message === "status detail unavailable" && l["deployment_id"] === row.id,
      );
      expect(logged?.["reason"]).to.match(row.why);
    });
  }

  it("GetDeploymentStatus fails: the request fails as before, and the detail call is cancelled", async function () {
    const res = await pm.request("GET", "/api/v1/deployment-status/u-missing?cluster=a");
    expect(res.status).to.equal(404);
    expect(errorOf(res)).to.contain('no deployment "u-missing"');
    // Well before the detail's own 1 s deadline could have ended it.
    await waitFor(() => crm.detailRequests[0]?.cancelled === true, {
      description: "the detail call cancelled",
      timeoutMs: 700,
      intervalMs: 10,
    });
  });

  it("the OpenAPI document describes the new fields of the answer", async function () {
    const doc = (await pm.request("GET", "/api/v1/openapi.json")).json as {
      paths: Record<
        string,
        {
          get?: {
            responses?: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
          };
        }
      >;
    };
    const schema = doc.paths["/api/v1/deployment-status/{id}"]?.get?.responses?.["200"]?.content?.[
      "application/json"
    ]?.schema as { properties: Record<string, { items?: { properties?: Record<string, unknown> } }> };
    expect(schema.properties).to.include.keys(["status", "conditions", "functions", "detail_unavailable"]);
    expect(schema.properties["conditions"]?.items?.properties).to.have.keys([
      "type",
      "status",
      "reason",
      "message",
      "last_transition_time",
      "observed_generation",
    ]);
    expect(schema.properties["functions"]?.items?.properties).to.have.keys([
      "function_key",
      "ready",
      "reason",
      "message",
      "url",
    ]);
  });
});

describe("pm REST: a missing detail is not a fault of the CRM (circuit breaker)", function () {
  this.timeout(30_000);
  let pm: TestPm;
  let crm: StandInCrm;
  let older: StandInCrm;

  before(async function () {
    crm = await startStandInCrm({
      status: (id) => {
        if (id === "u-missing") throw new ConnectError(`no deployment "${id}"`, Code.NotFound);
        return grpcAnswer(id);
      },
      // "u-missing" never answers: only the PM's cancel ends it.
      detail: (id) => (id === "u-missing" ? hang() : crmDetail(id)),
    });
    older = await startStandInCrm({ status: (id) => grpcAnswer(id) });
    pm = await startTestPm({
      OPRC_PM_CRM_CLUSTERS: "a,old",
      OPRC_PM_CRM_A_URL: crm.url,
      OPRC_PM_CRM_OLD_URL: older.url,
      // One counted failure would open a cluster's breaker and fail every later call fast.
      CRM_CIRCUIT_BREAKER_FAILURE_THRESHOLD: "1",
      CRM_HEALTH_CHECK_INTERVAL: "0",
    });
  });
  after(async function () {
    await pm.close();
    await crm.close();
    await older.close();
  });

  it("UNIMPLEMENTED from an older CRM leaves its breaker closed", async function () {
    for (let i = 0; i < 3; i++) {
      const res = await pm.request("GET", "/api/v1/deployment-status/u-any?cluster=old");
      expect(res.status, res.text).to.equal(200);
      expect((res.json as { detail_unavailable?: string }).detail_unavailable).to.match(/older than the PM/);
    }
  });

  it("a detail call the PM cancels (its status failed) leaves the breaker closed", async function () {
    for (let i = 0; i < 3; i++) {
      expect((await pm.request("GET", "/api/v1/deployment-status/u-missing?cluster=a")).status).to.equal(404);
      await waitFor(() => crm.detailRequests.at(-1)?.cancelled === true, {
        description: "the detail call cancelled",
        timeoutMs: 2000,
        intervalMs: 10,
      });
    }
    // Not failed fast by an open breaker: both calls go out and answer.
    const res = await pm.request("GET", "/api/v1/deployment-status/u-ok?cluster=a");
    expect(res.status, res.text).to.equal(200);
    expect((res.json as { conditions?: unknown[] }).conditions).to.have.length(2);
  });
});
