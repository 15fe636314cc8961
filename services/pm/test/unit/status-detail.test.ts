// GET /deployment-status/{id} in process against a stand-in CRM (GetDeploymentStatus plus
// the CRM's record status route on one port; the real route is services/crm's, and the
// integration suites use real CRMs): the gRPC answer merged with conditions and
// functions, both asked in parallel; when the detail cannot be had (404 from a CRM
// without the route or without the record, 500, no answer in time, an answer that is not
// a status) the status is still 200 with the gRPC part and detail_unavailable saying why;
// a failed gRPC call fails the request as before and cancels the detail request.
import { Code, ConnectError } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { DeploymentUnitSchema, ResourceReferenceSchema, StatusCode } from "@oaas/proto";
import { waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { errorOf, startTestPm, type TestPm } from "../support/pm.ts";
import { startStandInCrm, type DetailAnswer, type StandInCrm } from "../support/stand-in-crm.ts";

const t1 = "2026-01-01T00:00:00Z";

/** The CRM's route body for `id` (services/crm status-detail.ts), extra fields included. */
function crmDetail(id: string): Record<string, unknown> {
  return {
    deployment_id: id,
    namespace: "oaas",
    generation: 2,
    observed_generation: 2,
    summary: "RUNNING",
    phase: "Available",
    reason: "AllReady",
    message: "every function is ready",
    conditions: [
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
    ],
    functions: [
      {
        function_key: "greet",
        ready: true,
        reason: "Available",
        message: "1/1 ready",
        url: "http://x-greet.oaas.svc.cluster.local:8080",
      },
      { function_key: "count", ready: false, reason: "RollingOut", message: "0/1 ready" },
    ],
    resource_refs: [{ kind: "Deployment", name: "x-greet", uid: "u-1" }],
    template: { name: "dev", score: 1 },
  };
}

const json = (status: number, body: unknown): DetailAnswer => ({ status, body: JSON.stringify(body) });

/** What the stand-in's status route does, by unit id. */
const detailById: Record<string, () => Promise<DetailAnswer | undefined>> = {
  "u-ok": () => Promise.resolve(json(200, crmDetail("u-ok"))),
  "u-old": () => Promise.resolve(undefined),
  "u-no-record": () => Promise.resolve(json(404, { error: 'no deployment "u-no-record" in namespace oaas' })),
  "u-broken": () =>
    Promise.resolve(json(503, { error: "cannot read the record: Kubernetes API unavailable: ECONNREFUSED" })),
  "u-500": () => Promise.resolve({ status: 500, body: "" }),
  "u-slow": () => Promise.resolve("hang" as const),
  "u-other": () => Promise.resolve(json(200, crmDetail("someone-else"))),
  "u-missing": () => Promise.resolve("hang" as const),
  "u-reset": () => Promise.resolve(json(200, crmDetail("u-reset"))),
};

/** GetDeploymentStatus calls of "u-reset": the first is reset under the PM (a CRM restarting). */
let resetCalls = 0;

describe("pm REST: deployment-status merges the CRM's record status detail", function () {
  this.timeout(30_000);
  let pm: TestPm;
  let crm: StandInCrm;
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
        return {
          status: StatusCode.OK,
          message: "RUNNING (Available): every function is ready",
          deployment: create(DeploymentUnitSchema, { id, packageName: "shop", classKey: "cart" }),
          statusResourceRefs: [
            create(ResourceReferenceSchema, {
              kind: "Deployment",
              name: "x-greet",
              namespace: "oaas",
              uid: "u-1",
            }),
          ],
        };
      },
      detail: (id) => {
        if (id === "u-parallel") {
          detailArrived();
          return Promise.resolve(json(200, crmDetail(id)));
        }
        return detailById[id]?.() ?? Promise.resolve(undefined);
      },
    });
    pm = await startTestPm({
      OPRC_PM_CRM_CLUSTERS: "a",
      OPRC_PM_CRM_A_URL: crm.url,
      // 1 s: the deadline of both the gRPC call and the detail request.
      OPRC_PM_CRM_A_TIMEOUT: "1",
      CRM_HEALTH_CHECK_INTERVAL: "0",
    });
  });
  after(async function () {
    await pm.close();
    await crm.close();
  });
  beforeEach(function () {
    crm.detailRequests.length = 0;
    parallelDetail = new Promise<void>((resolve) => (detailArrived = resolve));
  });

  /** The gRPC part of every answer: what the route answered before the detail existed. */
  const grpcPart = (id: string) => ({
    cluster: "a",
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
    expect(crm.detailRequests.map((r) => [r.path, r.correlationId])).to.deep.equal([
      ["/api/v1/records/u-ok/status", "corr-detail"],
    ]);
  });

  it("the gRPC call and the detail request run in parallel", async function () {
    const res = await pm.request("GET", "/api/v1/deployment-status/u-parallel?cluster=a");
    expect(res.status, res.text).to.equal(200);
    expect((res.json as { conditions?: unknown[] }).conditions).to.have.length(2);
  });

  const unavailable: { name: string; id: string; why: RegExp }[] = [
    {
      name: "a CRM older than the route (plain 404)",
      id: "u-old",
      why: /^cluster "a": status: the CRM does not serve \/api\/v1\/records\/\{id\}\/status/,
    },
    {
      name: "the route finds no record (404 {error})",
      id: "u-no-record",
      why: /^cluster "a": status: no deployment "u-no-record" in namespace oaas$/,
    },
    {
      name: "the CRM's API server is down (503 {error})",
      id: "u-broken",
      why: /^cluster "a": status: cannot read the record: Kubernetes API unavailable/,
    },
    { name: "a bare 500", id: "u-500", why: /^cluster "a": status: HTTP 500$/ },
    {
      name: "no answer within the deadline",
      id: "u-slow",
      why: /^cluster "a": status: no answer within 1000 ms$/,
    },
    {
      name: "an answer about another id",
      id: "u-other",
      why: /^cluster "a": status: the answer is not the record status of "u-other"$/,
    },
  ];
  for (const row of unavailable) {
    it(`detail unavailable, status still 200 with the gRPC part: ${row.name}`, async function () {
      const started = Date.now();
      const res = await pm.request("GET", `/api/v1/deployment-status/${row.id}?cluster=a`);
      expect(res.status, res.text).to.equal(200);
      const body = res.json as Record<string, unknown>;
      expect(body).to.deep.include(grpcPart(row.id));
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

  it("the gRPC call fails: the request fails as before, and the detail request is cancelled", async function () {
    const res = await pm.request("GET", "/api/v1/deployment-status/u-missing?cluster=a");
    expect(res.status).to.equal(404);
    expect(errorOf(res)).to.contain('no deployment "u-missing"');
    // Well before the detail's own 1 s deadline could have ended it.
    await waitFor(() => crm.detailRequests[0]?.cancelled === true, {
      description: "the detail request cancelled",
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
