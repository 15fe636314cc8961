// oaas.crm.v1.RecordDetailService.GetStatusDetail through the ingress's own request
// pipeline (support/record-detail-server.ts), called by a Connect gRPC client. Records
// come from the real DeploymentsService over an in-memory record store (a fake inside a
// unit; the integration suites read real records): the answer built from the record's
// typed status, the namespace (x-namespace), the status codes, the client's deadline and
// the client going away. GetHistory: record-history.test.ts.
import { create } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { apiVersion, kind, recordName, type DeploymentRecord, type DeploymentRecordStatus } from "@oaas/crd";
import { GetStatusDetailResponseSchema, SummarizedStatus } from "@oaas/proto";
import { waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { DeploymentError } from "../../src/deployments/errors.ts";
import type { RecordStore } from "../../src/deployments/store.ts";
import { expectCode } from "../support/expect.ts";
import { startRecordDetailServer, type RecordDetailServer } from "../support/record-detail-server.ts";

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

describe("crm RecordDetailService.GetStatusDetail", function () {
  this.timeout(20_000);
  let server: RecordDetailServer;
  const records = new Map<string, DeploymentRecord>();
  const reads: { namespace: string; name: string }[] = [];
  /** What the next get does instead of reading the map. */
  let behaviour: "read" | "unavailable" | "boom" | "hang" = "read";
  let aborted = 0;

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
    server = await startRecordDetailServer({ store });
  });
  after(async function () {
    await server.close();
  });
  beforeEach(function () {
    records.clear();
    reads.length = 0;
    server.logs.length = 0;
    behaviour = "read";
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

  const client = () => server.client;

  it("a reconciled record: summary, conditions, functions, refs and template", async function () {
    const res = await client().getStatusDetail({ deploymentId: "hello" });
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
      const call = client().getStatusDetail({ deploymentId: row.id }, headers ? { headers } : {});
      if (row.code !== undefined) {
        const error = await expectCode(call, row.code);
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
    const error = await expectCode(
      client().getStatusDetail({ deploymentId: "hello" }, { headers: { "x-correlation-id": "corr-503" } }),
      Code.Unavailable,
    );
    expect(error.rawMessage).to.equal("Kubernetes API unavailable: connect ECONNREFUSED");
    const line = server.logs.find((l) => l["rpc"] === "oaas.crm.v1.RecordDetailService/GetStatusDetail");
    expect(line).to.include({ deployment_id: "hello", correlation_id: "corr-503", code: "Unavailable" });
  });

  it("no answer from the API server within the client's deadline: DEADLINE_EXCEEDED, the read aborted", async function () {
    behaviour = "hang";
    const started = Date.now();
    await expectCode(
      client().getStatusDetail({ deploymentId: "hello" }, { timeoutMs: 300 }),
      Code.DeadlineExceeded,
    );
    expect(Date.now() - started).to.be.below(3000);
    await waitFor(() => aborted === 1, { description: "the read aborted", timeoutMs: 2000, intervalMs: 5 });
  });

  it("the client goes away: the read is aborted, and nothing is logged as failed", async function () {
    behaviour = "hang";
    const gone = new AbortController();
    const call = expectCode(
      client().getStatusDetail({ deploymentId: "hello" }, { signal: gone.signal }),
      Code.Canceled,
    );
    await waitFor(() => reads.length === 1, {
      description: "the read to start",
      timeoutMs: 2000,
      intervalMs: 5,
    });
    gone.abort();
    await call;
    await waitFor(() => aborted === 1, { description: "the read aborted", timeoutMs: 5000, intervalMs: 5 });
    expect(server.logs.filter((l) => l.message === "rpc failed")).to.deep.equal([]);
  });

  it("an unexpected failure: INTERNAL without internals, logged with its cause", async function () {
    behaviour = "boom";
    const error = await expectCode(client().getStatusDetail({ deploymentId: "hello" }), Code.Internal);
    expect(error.rawMessage).to.equal("internal error");
    expect(server.logs.find((l) => l.message === "rpc failed")?.["cause"]).to.contain(
      "cannot read properties",
    );
  });

  it("plain HTTP paths under /api/v1/records are not served (no JSON side routes)", async function () {
    for (const path of ["/api/v1/records/hello/status", "/api/v1/records/known-a/history"]) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).to.equal(404);
      expect(await res.text(), path).to.equal("not found\n");
    }
  });
});
