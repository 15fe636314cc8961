// GET /api/v1/records/{id}/status through the ingress's plain-HTTP handler
// (http-endpoints.ts) on a plain http server, read through the real DeploymentsService
// over an in-memory record store (a fake inside a unit; the pipeline suite reads a real
// record): the body built from the record's status, 400/404/503/500, the namespace, the
// deadline and the client going away, and that other paths fall through.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { apiVersion, kind, recordName, type DeploymentRecord, type DeploymentRecordStatus } from "@oaas/crd";
import { createLogger, createMetrics, type Metrics } from "@oaas/telemetry";
import { captureLogLines, waitFor, type LogLine } from "@oaas/testkit";
import { expect } from "chai";
import { DeploymentError } from "../../src/deployments/errors.ts";
import { DeploymentsService } from "../../src/deployments/service.ts";
import type { RecordStore } from "../../src/deployments/store.ts";
import type { Readiness } from "../../src/health/readiness.ts";
import { httpEndpoints } from "../../src/ingress/http-endpoints.ts";

const t1 = "2026-01-01T00:00:00Z";

type RecordOption = (r: DeploymentRecord) => void;

function record(id: string, namespace: string, ...options: RecordOption[]): DeploymentRecord {
  const r: DeploymentRecord = {
    apiVersion,
    kind,
    metadata: { name: recordName(id), namespace, generation: 1, uid: "u-1" },
    spec: { deployment_id: id, functions: [{ function_key: "greet" }] },
  };
  for (const option of options) option(r);
  return r;
}
const withStatus =
  (status: DeploymentRecordStatus): RecordOption =>
  (r) => {
    r.status = status;
  };
const withGeneration =
  (generation: number): RecordOption =>
  (r) => {
    r.metadata.generation = generation;
  };
const deleting: RecordOption = (r) => {
  r.metadata.deletionTimestamp = t1;
};
const ownedBy =
  (other: string): RecordOption =>
  (r) => {
    r.spec.deployment_id = other;
  };

/** A reconciled record: Available, one function ready with its URL, a scored template. */
const available: DeploymentRecordStatus = {
  observedGeneration: 1,
  phase: "Available",
  conditions: [
    {
      type: "Available",
      status: "True",
      reason: "AllReady",
      message: "every function is ready",
      lastTransitionTime: t1,
      observedGeneration: 1,
    },
    {
      type: "Progressing",
      status: "False",
      reason: "RolloutComplete",
      message: "",
      lastTransitionTime: t1,
      observedGeneration: 1,
    },
  ],
  functions: [
    {
      function_key: "greet",
      ready: true,
      reason: "Available",
      message: "1/1 ready",
      url: "http://hello-greet.home.svc.cluster.local:8080",
    },
    { function_key: "count", ready: false, reason: "RollingOut", message: "0/1 ready" },
  ],
  resource_refs: [
    { kind: "Deployment", name: "hello-greet", namespace: "home", uid: "d-1", apiVersion: "apps/v1" },
    { kind: "Service", name: "hello-greet" },
  ],
  selected_template: "edge",
  template_selection: {
    name: "edge",
    score: 0.8,
    runner_up: { name: "full", score: 0.6 },
    reason: "profile",
  },
};

describe("crm record status route", function () {
  let server: http.Server;
  let base = "";
  let metrics: Metrics;
  let logs: LogLine[];
  const records = new Map<string, DeploymentRecord>();
  const reads: { namespace: string; name: string }[] = [];
  /** What the next get does instead of reading the map. */
  let behaviour: "read" | "unavailable" | "boom" | "hang" = "read";
  let aborted = 0;
  /** The route's deadline, ms. */
  let timeoutMs = 300;

  const store: RecordStore = {
    get: (namespace, name, signal) => {
      reads.push({ namespace, name });
      switch (behaviour) {
        case "unavailable":
          return Promise.reject(
            new DeploymentError("unavailable", "Kubernetes API unavailable: connect ECONNREFUSED"),
          );
        case "boom":
          return Promise.reject(new TypeError("cannot read properties of undefined"));
        case "hang":
          // What the real store does when the signal ends a call (store.ts toDeploymentError).
          return new Promise((_resolve, reject) =>
            signal.addEventListener("abort", () => {
              aborted++;
              reject(
                new DeploymentError("deadlineExceeded", "the request ended while Kubernetes was being asked"),
              );
            }),
          );
        default:
          return Promise.resolve(records.get(`${namespace}/${name}`));
      }
    },
    list: () => Promise.reject(new Error("not used")),
    apply: () => Promise.reject(new Error("not used")),
    delete: () => Promise.reject(new Error("not used")),
  };
  const put = (r: DeploymentRecord) => records.set(`${r.metadata.namespace ?? ""}/${r.metadata.name}`, r);

  before(async function () {
    const capture = captureLogLines();
    logs = capture.lines;
    const logger = createLogger({ service: "status-route-test", level: "debug", stream: capture.stream });
    metrics = createMetrics({ serviceName: "t" });
    const readiness: Readiness = {
      check: () => Promise.resolve({ ready: true, reason: "ok" }),
      stop: () => undefined,
    };
    const service = new DeploymentsService(store, { odgm: false, knative: false });
    // Built per request so a test can change the route's deadline.
    server = http.createServer((req, res) => {
      httpEndpoints(readiness, metrics, {
        namespace: "home",
        status: { source: service, logger, timeoutMs },
      })(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async function () {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await metrics.shutdown();
  });
  beforeEach(function () {
    records.clear();
    reads.length = 0;
    logs.length = 0;
    behaviour = "read";
    aborted = 0;
    timeoutMs = 300;
    put(record("hello", "home", withStatus(available)));
    put(record("fresh", "home"));
    put(record("bare", "home", withStatus({ selected_template: "dev" })));
    put(record("other-ns", "elsewhere", withStatus(available)));
    put(record("updated", "home", withStatus(available), withGeneration(2)));
    put(record("going", "home", withStatus(available), deleting));
    // Same record name as "taken" would get, but written for another deployment id.
    put(record("taken", "home", ownedBy("someone-else")));
  });

  const get = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(base + path, { headers });
    const text = await res.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { text };
    }
    return { status: res.status, body };
  };

  it("a reconciled record: 200 with summary, conditions, functions, refs and template", async function () {
    const { status, body } = await get("/api/v1/records/hello/status");
    expect(status).to.equal(200);
    expect(body).to.deep.equal({
      deployment_id: "hello",
      namespace: "home",
      generation: 1,
      observed_generation: 1,
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
          observed_generation: 1,
        },
        {
          type: "Progressing",
          status: "False",
          reason: "RolloutComplete",
          message: "",
          last_transition_time: t1,
          observed_generation: 1,
        },
      ],
      functions: [
        {
          function_key: "greet",
          ready: true,
          reason: "Available",
          message: "1/1 ready",
          url: "http://hello-greet.home.svc.cluster.local:8080",
        },
        { function_key: "count", ready: false, reason: "RollingOut", message: "0/1 ready" },
      ],
      resource_refs: [
        { kind: "Deployment", name: "hello-greet", namespace: "home", uid: "d-1", api_version: "apps/v1" },
        { kind: "Service", name: "hello-greet" },
      ],
      template: { name: "edge", score: 0.8, runner_up: { name: "full", score: 0.6 }, reason: "profile" },
    });
    expect(reads).to.deep.equal([{ namespace: "home", name: recordName("hello") }]);
  });

  const rows: {
    name: string;
    path: string;
    status: number;
    want?: Record<string, unknown>;
    error?: RegExp;
    /** Keys the answer must not have. */
    absent?: string[];
    read?: { namespace: string; name: string };
  }[] = [
    {
      name: "a record the reconciler has not reached: empty lists, no template, Pending",
      path: "/api/v1/records/fresh/status",
      status: 200,
      want: {
        summary: "SUMMARY_UNKNOWN",
        phase: "Pending",
        reason: "AwaitingReconcile",
        conditions: [],
        functions: [],
        resource_refs: [],
      },
      absent: ["template", "observed_generation"],
    },
    {
      name: "a template chosen without a score: its name only",
      path: "/api/v1/records/bare/status",
      status: 200,
      want: { template: { name: "dev" } },
    },
    {
      name: "a spec newer than the conditions: PROGRESSING, NewGeneration, both generations",
      path: "/api/v1/records/updated/status",
      status: 200,
      want: {
        summary: "PROGRESSING",
        phase: "Progressing",
        reason: "NewGeneration",
        generation: 2,
        observed_generation: 1,
      },
    },
    {
      name: "a record being deleted: PROGRESSING, Deleting",
      path: "/api/v1/records/going/status",
      status: 200,
      want: { summary: "PROGRESSING", phase: "Deleting" },
    },
    {
      name: "?namespace= is read instead of the configured one",
      path: "/api/v1/records/other-ns/status?namespace=elsewhere",
      status: 200,
      want: { deployment_id: "other-ns", namespace: "elsewhere", summary: "RUNNING" },
      read: { namespace: "elsewhere", name: recordName("other-ns") },
    },
    {
      name: "an unknown id: 404 naming it and the namespace",
      path: "/api/v1/records/nope/status",
      status: 404,
      error: /^no deployment "nope" in namespace home$/,
    },
    {
      name: "a record of that name written for another id: 404",
      path: "/api/v1/records/taken/status",
      status: 404,
      error: /"taken"/,
    },
    {
      name: "a record in another namespace is not found in the configured one",
      path: "/api/v1/records/other-ns/status",
      status: 404,
      error: /"other-ns"/,
    },
    {
      name: "an id GetDeploymentStatus refuses (whitespace): 400, nothing read",
      path: "/api/v1/records/a%20b/status",
      status: 400,
      error: /^deployment_id: must not contain whitespace/,
    },
    {
      name: "an id over 253 characters: 400",
      path: `/api/v1/records/${"a".repeat(254)}/status`,
      status: 400,
      error: /^deployment_id: is 254 characters; at most 253$/,
    },
    {
      name: "an id that is not valid percent-encoding: 400",
      path: "/api/v1/records/%E0%A4%A/status",
      status: 400,
      error: /percent-encoding/,
    },
    {
      name: "a namespace that is not a DNS-1123 label: 400",
      path: "/api/v1/records/hello/status?namespace=Not_A_Namespace",
      status: 400,
      error: /^namespace: "Not_A_Namespace" is not a valid namespace name/,
    },
  ];
  for (const row of rows) {
    it(row.name, async function () {
      const { status, body } = await get(row.path);
      expect(status, JSON.stringify(body)).to.equal(row.status);
      if (row.want) expect(body).to.deep.include(row.want);
      for (const key of row.absent ?? []) expect(body).not.to.have.property(key);
      if (row.error) expect(body["error"]).to.match(row.error);
      if (row.read) expect(reads).to.deep.equal([row.read]);
      if (status === 400) expect(reads).to.deep.equal([]);
    });
  }

  it("the API server cannot be asked: 503 with the cause, logged with deployment_id and correlation_id", async function () {
    behaviour = "unavailable";
    const { status, body } = await get("/api/v1/records/hello/status", { "x-correlation-id": "corr-503" });
    expect(status).to.equal(503);
    expect(body["error"]).to.equal(
      "cannot read the record: Kubernetes API unavailable: connect ECONNREFUSED",
    );
    const line = logs.find((l) => l.message === "record status failed");
    expect(line).to.include({ deployment_id: "hello", correlation_id: "corr-503", status: 503 });
  });

  it("no answer from the API server within the route's deadline: 503, the read aborted", async function () {
    behaviour = "hang";
    const started = Date.now();
    const { status, body } = await get("/api/v1/records/hello/status");
    expect(status).to.equal(503);
    expect(body["error"]).to.match(/^cannot read the record: the request ended/);
    expect(Date.now() - started).to.be.below(3000);
    expect(aborted).to.equal(1);
  });

  it("the client goes away: the read is aborted (long before the route's deadline)", async function () {
    behaviour = "hang";
    timeoutMs = 60_000;
    const request = http.get(`${base}/api/v1/records/hello/status`);
    request.on("error", () => undefined);
    await waitFor(() => reads.length === 1, {
      description: "the read to start",
      timeoutMs: 2000,
      intervalMs: 5,
    });
    request.destroy();
    await waitFor(() => aborted === 1, { description: "the read aborted", timeoutMs: 5000, intervalMs: 5 });
    // Nobody to answer: no failure is logged for it.
    expect(logs.filter((l) => l.message === "record status failed")).to.deep.equal([]);
  });

  it("an unexpected failure: 500 without internals", async function () {
    behaviour = "boom";
    const { status, body } = await get("/api/v1/records/hello/status");
    expect(status).to.equal(500);
    expect(body).to.deep.equal({ error: "internal error" });
    expect(logs.find((l) => l.message === "record status failed")?.["error"]).to.contain(
      "cannot read properties",
    );
  });

  it("other paths are left to the next handler", async function () {
    for (const path of [
      "/api/v1/records/hello",
      "/api/v1/records/hello/status/x",
      "/api/v1/records/hello/other",
    ]) {
      const { status, body } = await get(path);
      expect(status, path).to.equal(404);
      expect(body, path).to.deep.equal({ text: "not found\n" });
    }
    expect((await get("/healthz")).status).to.equal(200);
    expect(reads).to.deep.equal([]);
  });
});
