// oaas.crm.v1.RecordDetailService through the ingress's own request pipeline
// (rpc-handler.ts: deadline cap, correlation gate, interceptors, error mapping) on the
// ingress's one-port listener, called by a Connect gRPC client. Records come from the
// real DeploymentsService over an in-memory record store and history from an in-memory
// source (fakes inside a unit; the integration suites read real records and Redis):
// the answer built from the record's typed status, the namespace (x-namespace), the
// status codes, the client's deadline and the client going away, and history reads.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Client, type ConnectRouter } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { apiVersion, kind, recordName, type DeploymentRecord, type DeploymentRecordStatus } from "@oaas/crd";
import {
  GetHistoryResponseSchema,
  GetStatusDetailResponseSchema,
  RecordDetailService,
  SummarizedStatus,
} from "@oaas/proto";
import type { HistoryEntry } from "@oaas/queue";
import { createLogger, createMetrics, type Metrics } from "@oaas/telemetry";
import { captureLogLines, waitFor, type LogLine } from "@oaas/testkit";
import { expect } from "chai";
import { DeploymentError } from "../../src/deployments/errors.ts";
import type { HistorySource } from "../../src/deployments/history.ts";
import { DeploymentsService } from "../../src/deployments/service.ts";
import type { RecordStore } from "../../src/deployments/store.ts";
import type { Readiness } from "../../src/health/readiness.ts";
import { httpEndpoints } from "../../src/ingress/http-endpoints.ts";
import { listen, type Listener } from "../../src/ingress/listener.ts";
import { recordDetailHandlers } from "../../src/ingress/record-detail-handlers.ts";
import { rpcHandler } from "../../src/ingress/rpc-handler.ts";

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
    { type: "Progressing", status: "False", reason: "RolloutComplete", message: "", lastTransitionTime: t1 },
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

const entry = (message: string, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  type: "applied",
  time: "2026-01-01T00:00:00.000Z",
  message,
  ...extra,
});

describe("crm RecordDetailService", function () {
  this.timeout(20_000);
  let metrics: Metrics;
  let logs: LogLine[];
  /** Serves GetHistory; `bare` is a CRM without a history store. */
  let full: Listener;
  let bare: Listener;
  let client: Client<typeof RecordDetailService>;
  let bareClient: Client<typeof RecordDetailService>;
  const records = new Map<string, DeploymentRecord>();
  const reads: { namespace: string; name: string }[] = [];
  /** What the next get does instead of reading the map. */
  let behaviour: "read" | "unavailable" | "boom" | "hang" = "read";
  let aborted = 0;
  const historyReads: { namespace: string; name: string; limit?: number }[] = [];
  let historyFailing = false;

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
  const history: HistorySource = {
    read: (namespace, name, options = {}) => {
      historyReads.push({ namespace, name, ...(options.limit ? { limit: options.limit } : {}) });
      if (historyFailing) return Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:6379"));
      return Promise.resolve(
        name === recordName("known-a")
          ? [
              entry("one", {
                type: "accepted",
                startedAt: "2025-12-31T23:59:59.000Z",
                generation: 3,
                correlationId: "corr-1",
                workerId: "ingress-x-1",
              }),
              entry("two", { type: "failed", reason: "ImagePullFailed", objects: ["Deployment/a"] }),
            ]
          : [],
      );
    },
  };
  const put = (r: DeploymentRecord) => records.set(`${r.metadata.namespace ?? ""}/${r.metadata.name}`, r);

  before(async function () {
    const capture = captureLogLines();
    logs = capture.lines;
    const logger = createLogger({ service: "record-detail-test", level: "debug", stream: capture.stream });
    metrics = createMetrics({ serviceName: "t" });
    const readiness: Readiness = {
      check: () => Promise.resolve({ ready: true, reason: "ok" }),
      stop: () => undefined,
    };
    const service = new DeploymentsService(store, { odgm: false, knative: false });
    const serve = (withHistory: boolean) => {
      const routes = (router: ConnectRouter) =>
        router.service(
          RecordDetailService,
          recordDetailHandlers({ records: service, namespace: "home", ...(withHistory ? { history } : {}) }),
        );
      const handler = rpcHandler({
        routes,
        logger,
        metrics,
        fallback: httpEndpoints(readiness, metrics),
        shutdownSignal: new AbortController().signal,
      });
      return listen(handler, { port: 0, host: "127.0.0.1" });
    };
    full = await serve(true);
    bare = await serve(false);
    const clientOf = (l: Listener) =>
      createClient(RecordDetailService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${l.port}` }));
    client = clientOf(full);
    bareClient = clientOf(bare);
  });
  after(async function () {
    await full.close(100);
    await bare.close(100);
    await metrics.shutdown();
  });
  beforeEach(function () {
    records.clear();
    reads.length = 0;
    historyReads.length = 0;
    logs.length = 0;
    behaviour = "read";
    historyFailing = false;
    aborted = 0;
    put(record("hello", "home", withStatus(available)));
    put(record("fresh", "home"));
    put(record("bare", "home", withStatus({ selected_template: "dev" })));
    put(record("other-ns", "elsewhere", withStatus(available)));
    put(record("updated", "home", withStatus(available), withGeneration(2)));
    put(record("going", "home", withStatus(available), deleting));
    // Same record name as "taken" would get, but written for another deployment id.
    put(record("taken", "home", ownedBy("someone-else")));
  });

  /** The call's ConnectError (fails the test when the call succeeds). */
  const failure = async (call: Promise<unknown>): Promise<ConnectError> => {
    try {
      await call;
    } catch (error) {
      return ConnectError.from(error);
    }
    throw new Error("the call succeeded");
  };

  describe("GetStatusDetail", function () {
    it("a reconciled record: summary, conditions, functions, refs and template", async function () {
      const res = await client.getStatusDetail({ deploymentId: "hello" });
      expect(res).to.deep.equal(
        create(GetStatusDetailResponseSchema, {
          deploymentId: "hello",
          namespace: "home",
          generation: 1n,
          observedGeneration: 1n,
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
              observedGeneration: 1n,
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
              url: "http://hello-greet.home.svc.cluster.local:8080",
            },
            { functionKey: "count", ready: false, reason: "RollingOut", message: "0/1 ready" },
          ],
          resourceRefs: [
            { kind: "Deployment", name: "hello-greet", namespace: "home", uid: "d-1", apiVersion: "apps/v1" },
            { kind: "Service", name: "hello-greet" },
          ],
          template: { name: "edge", score: 0.8, runnerUp: { name: "full", score: 0.6 }, reason: "profile" },
        }),
      );
      expect(res.conditions[1]?.observedGeneration).to.equal(undefined);
      expect(reads).to.deep.equal([{ namespace: "home", name: recordName("hello") }]);
    });

    const rows: {
      name: string;
      id: string;
      namespace?: string;
      want?: Record<string, unknown>;
      absent?: string[];
      code?: Code;
      error?: RegExp;
      read?: { namespace: string; name: string };
    }[] = [
      {
        name: "a record the reconciler has not reached: empty lists, no template, Pending",
        id: "fresh",
        want: {
          summary: SummarizedStatus.SUMMARY_UNKNOWN,
          phase: "Pending",
          reason: "AwaitingReconcile",
          conditions: [],
          functions: [],
          resourceRefs: [],
        },
        absent: ["template", "observedGeneration"],
      },
      {
        name: "a template chosen without a score: its name only",
        id: "bare",
        want: { template: { $typeName: "oaas.crm.v1.TemplateDetail", name: "dev" } },
      },
      {
        name: "a spec newer than the conditions: PROGRESSING, NewGeneration, both generations",
        id: "updated",
        want: {
          summary: SummarizedStatus.PROGRESSING,
          phase: "Progressing",
          reason: "NewGeneration",
          generation: 2n,
          observedGeneration: 1n,
        },
      },
      {
        name: "a record being deleted: PROGRESSING, Deleting",
        id: "going",
        want: { summary: SummarizedStatus.PROGRESSING, phase: "Deleting" },
      },
      {
        name: "x-namespace is read instead of the configured namespace",
        id: "other-ns",
        namespace: "elsewhere",
        want: { deploymentId: "other-ns", namespace: "elsewhere", summary: SummarizedStatus.RUNNING },
        read: { namespace: "elsewhere", name: recordName("other-ns") },
      },
      {
        name: "an unknown id: NOT_FOUND naming it and the namespace",
        id: "nope",
        code: Code.NotFound,
        error: /^no deployment "nope" in namespace home$/,
      },
      {
        name: "a record of that name written for another id: NOT_FOUND",
        id: "taken",
        code: Code.NotFound,
        error: /"taken"/,
      },
      {
        name: "a record in another namespace is not found in the configured one",
        id: "other-ns",
        code: Code.NotFound,
        error: /"other-ns"/,
      },
      {
        name: "an id GetDeploymentStatus refuses (whitespace): INVALID_ARGUMENT, nothing read",
        id: "a b",
        code: Code.InvalidArgument,
        error: /^deployment_id: must not contain whitespace/,
      },
      {
        name: "an id over 253 characters: INVALID_ARGUMENT",
        id: "a".repeat(254),
        code: Code.InvalidArgument,
        error: /^deployment_id: is 254 characters; at most 253$/,
      },
      {
        name: "a namespace that is not a DNS-1123 label: INVALID_ARGUMENT",
        id: "hello",
        namespace: "Not_A_Namespace",
        code: Code.InvalidArgument,
        error: /^x-namespace: "Not_A_Namespace" is not a valid namespace name/,
      },
    ];
    for (const row of rows) {
      it(row.name, async function () {
        const headers = row.namespace ? { "x-namespace": row.namespace } : undefined;
        const call = client.getStatusDetail({ deploymentId: row.id }, headers ? { headers } : {});
        if (row.code !== undefined) {
          const error = await failure(call);
          expect(error.code, error.message).to.equal(row.code);
          if (row.error) expect(error.rawMessage).to.match(row.error);
          if (row.code === Code.InvalidArgument) expect(reads).to.deep.equal([]);
          return;
        }
        const res = await call;
        if (row.want) expect(res).to.deep.include(row.want);
        for (const key of row.absent ?? []) expect(res[key as keyof typeof res], key).to.equal(undefined);
        if (row.read) expect(reads).to.deep.equal([row.read]);
      });
    }

    it("the API server cannot be asked: UNAVAILABLE with the cause, logged with deployment_id and correlation_id", async function () {
      behaviour = "unavailable";
      const error = await failure(
        client.getStatusDetail({ deploymentId: "hello" }, { headers: { "x-correlation-id": "corr-503" } }),
      );
      expect(error.code).to.equal(Code.Unavailable);
      expect(error.rawMessage).to.equal("Kubernetes API unavailable: connect ECONNREFUSED");
      const line = logs.find((l) => l["rpc"] === "oaas.crm.v1.RecordDetailService/GetStatusDetail");
      expect(line).to.include({ deployment_id: "hello", correlation_id: "corr-503", code: "Unavailable" });
    });

    it("no answer from the API server within the client's deadline: DEADLINE_EXCEEDED, the read aborted", async function () {
      behaviour = "hang";
      const started = Date.now();
      const error = await failure(client.getStatusDetail({ deploymentId: "hello" }, { timeoutMs: 300 }));
      expect(error.code).to.equal(Code.DeadlineExceeded);
      expect(Date.now() - started).to.be.below(3000);
      await waitFor(() => aborted === 1, { description: "the read aborted", timeoutMs: 2000, intervalMs: 5 });
    });

    it("the client goes away: the read is aborted, and nothing is logged as failed", async function () {
      behaviour = "hang";
      const gone = new AbortController();
      const call = failure(client.getStatusDetail({ deploymentId: "hello" }, { signal: gone.signal }));
      await waitFor(() => reads.length === 1, {
        description: "the read to start",
        timeoutMs: 2000,
        intervalMs: 5,
      });
      gone.abort();
      expect((await call).code).to.equal(Code.Canceled);
      await waitFor(() => aborted === 1, { description: "the read aborted", timeoutMs: 5000, intervalMs: 5 });
      expect(logs.filter((l) => l.message === "rpc failed")).to.deep.equal([]);
    });

    it("an unexpected failure: INTERNAL without internals, logged with its cause", async function () {
      behaviour = "boom";
      const error = await failure(client.getStatusDetail({ deploymentId: "hello" }));
      expect(error.code).to.equal(Code.Internal);
      expect(error.rawMessage).to.equal("internal error");
      expect(logs.find((l) => l.message === "rpc failed")?.["cause"]).to.contain("cannot read properties");
    });
  });

  describe("GetHistory", function () {
    it("a known id: every entry, oldest first, each field carried; the configured namespace", async function () {
      const res = await client.getHistory({ deploymentId: "known-a" });
      expect(res).to.deep.equal(
        create(GetHistoryResponseSchema, {
          deploymentId: "known-a",
          namespace: "home",
          entries: [
            {
              type: "accepted",
              time: "2026-01-01T00:00:00.000Z",
              startedAt: "2025-12-31T23:59:59.000Z",
              generation: 3n,
              correlationId: "corr-1",
              workerId: "ingress-x-1",
              message: "one",
            },
            {
              type: "failed",
              time: "2026-01-01T00:00:00.000Z",
              reason: "ImagePullFailed",
              message: "two",
              objects: ["Deployment/a"],
            },
          ],
        }),
      );
      expect(historyReads).to.deep.equal([{ namespace: "home", name: recordName("known-a") }]);
    });

    it("limit and x-namespace are passed on", async function () {
      const res = await client.getHistory(
        { deploymentId: "known-a", limit: 5 },
        { headers: { "x-namespace": "other" } },
      );
      expect(res.namespace).to.equal("other");
      expect(historyReads).to.deep.equal([{ namespace: "other", name: recordName("known-a"), limit: 5 }]);
    });

    it("an id without history: OK with no entries", async function () {
      const res = await client.getHistory({ deploymentId: "nope" });
      expect(res.entries).to.deep.equal([]);
    });

    const refused: {
      name: string;
      deploymentId: string;
      limit?: number;
      namespace?: string;
      error: RegExp;
    }[] = [
      { name: "limit 0", deploymentId: "known-a", limit: 0, error: /^limit: must be a whole number from 1/ },
      { name: "limit over 10000", deploymentId: "known-a", limit: 10_001, error: /^limit: .* to 10000$/ },
      {
        name: "an id with whitespace",
        deploymentId: "a b",
        error: /^deployment_id: must not contain whitespace/,
      },
      {
        name: "a namespace that is not a DNS-1123 label",
        deploymentId: "known-a",
        namespace: "a.b",
        error: /^x-namespace: "a\.b" is not a valid namespace name/,
      },
    ];
    for (const row of refused) {
      it(`${row.name}: INVALID_ARGUMENT, nothing read`, async function () {
        const headers = row.namespace ? { headers: { "x-namespace": row.namespace } } : {};
        const error = await failure(
          client.getHistory(
            { deploymentId: row.deploymentId, ...(row.limit !== undefined ? { limit: row.limit } : {}) },
            headers,
          ),
        );
        expect(error.code).to.equal(Code.InvalidArgument);
        expect(error.rawMessage).to.match(row.error);
        expect(historyReads).to.deep.equal([]);
      });
    }

    it("Redis failing: UNAVAILABLE with the cause", async function () {
      historyFailing = true;
      const error = await failure(client.getHistory({ deploymentId: "known-a" }));
      expect(error.code).to.equal(Code.Unavailable);
      expect(error.rawMessage).to.equal(
        "cannot read the history from Redis: connect ECONNREFUSED 127.0.0.1:6379",
      );
    });

    it("a CRM without a history store: UNIMPLEMENTED; its GetStatusDetail still answers", async function () {
      const error = await failure(bareClient.getHistory({ deploymentId: "known-a" }));
      expect(error.code).to.equal(Code.Unimplemented);
      expect((await bareClient.getStatusDetail({ deploymentId: "hello" })).deploymentId).to.equal("hello");
    });
  });

  it("plain HTTP paths under /api/v1/records are not served (no JSON side routes)", async function () {
    for (const path of ["/api/v1/records/hello/status", "/api/v1/records/known-a/history"]) {
      const res = await fetch(`http://127.0.0.1:${full.port}${path}`);
      expect(res.status, path).to.equal(404);
      expect(await res.text(), path).to.equal("not found\n");
    }
  });
});
