// One trace from the PM's REST request to the reconcile's Kubernetes calls: a real PM
// process and a real `crm all` process export spans over OTLP/HTTP (JSON) to a receiver
// in the test. A deploy through the PM REST API must give one trace id that holds the
// PM request span, the PM's client span of the Deploy call, the CRM ingress span (its
// child), the reconcile span (child of the ingress span, through the record's
// traceparent annotation and the queue job) and Kubernetes HTTP client spans under it.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import {
  createTestNamespace,
  freePort,
  repoRoot,
  testCluster,
  waitFor,
  type TestNamespace,
} from "@oaas/testkit";
import { expect } from "chai";
import { installCrdWithCrm, startCrmProcess, type CrmProcess } from "@oaas/testkit";
import { shopPackage } from "../support/fixtures.ts";
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver.ts";

const kind = { server: 2, client: 3, consumer: 5 } as const;

function tracingEnv(receiver: OtlpReceiver): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    OTEL_BSP_SCHEDULE_DELAY: "200",
  };
}

describe("tracing: one trace from the PM request to the reconcile's Kubernetes calls", function () {
  this.timeout(240_000);
  let receiver: OtlpReceiver;
  let namespace: TestNamespace;
  let crm: CrmProcess | undefined;
  let pm: ChildProcess | undefined;
  let pmOutput = "";

  before(async function () {
    const { kubeconfig } = await testCluster();
    await installCrdWithCrm(kubeconfig);
    receiver = await startOtlpReceiver();
    namespace = await createTestNamespace("trace");
    crm = await startCrmProcess({ kubeconfig, namespace: namespace.name, env: tracingEnv(receiver) });
  });
  after(async function () {
    if (pm && pm.exitCode === null) {
      const exited = new Promise((resolve) => pm?.once("exit", resolve));
      pm.kill("SIGTERM");
      await exited;
    }
    await crm?.release();
    await namespace.cleanup();
    await receiver.close();
  });
  afterEach(function () {
    if (this.currentTest?.state !== "failed") return;
    console.error(`pm output:\n${pmOutput.slice(-4000)}\ncrm output:\n${crm?.output().slice(-6000) ?? ""}`);
    console.error(
      receiver.spans
        .map(
          (s) => `${s.service} ${s.scope} ${s.name} k=${s.kind} ${s.traceId}/${s.spanId}<-${s.parentSpanId}`,
        )
        .join("\n"),
    );
  });

  it("PM request -> PM Deploy call -> CRM ingress -> reconcile -> Kubernetes calls share one trace id", async function () {
    const port = await freePort();
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(
        ([k]) => !/^(OPRC_PM_|CRM_|SERVER_|STORAGE_|METRICS_|TRACING_)/.test(k),
      ),
    );
    pm = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "services/pm/src/main.ts")], {
      cwd: repoRoot,
      env: {
        ...clean,
        SERVER_HOST: "127.0.0.1",
        SERVER_PORT: String(port),
        CRM_DEFAULT_URL: crm?.url ?? "",
        // Traces are what this test checks; authentication has suites of its own.
        OPRC_PM_AUTH_DISABLED: "true",
        ...tracingEnv(receiver),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    pm.stdout?.on("data", (d: Buffer) => (pmOutput += d.toString()));
    pm.stderr?.on("data", (d: Buffer) => (pmOutput += d.toString()));
    const base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/health`).catch(() => undefined))?.status === 200, {
      description: "pm to serve /health",
      timeoutMs: 60_000,
    });
    const post = (p: string, body: unknown) =>
      fetch(`${base}${p}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    expect((await post("/api/v1/packages", shopPackage("traced"))).status).to.equal(201);
    const deployed = await post("/api/v1/deployments", {
      key: "traced-cart",
      package_name: "traced",
      class_key: "cart",
      target_env: "dev",
    });
    expect(deployed.status, await deployed.text()).to.equal(201);

    // The PM's request span: the POST to /api/v1/deployments (http server instrumentation).
    const isDeployRequest = (s: ReceivedSpan) =>
      s.service === "oaas-pm" &&
      s.kind === kind.server &&
      s.scope === "@opentelemetry/instrumentation-http" &&
      Object.values(s.attributes).some((v) => typeof v === "string" && v.includes("/api/v1/deployments")) &&
      !Object.values(s.attributes).some((v) => typeof v === "string" && v.includes("/api/v1/packages"));
    const found = await waitFor(
      () => {
        const request = receiver.spans.find(isDeployRequest);
        if (!request) return false;
        const trace = receiver.spans.filter((s) => s.traceId === request.traceId);
        const pmDeploy = trace.find(
          (s) => s.service === "oaas-pm" && s.kind === kind.client && s.attributes["rpc.method"] === "Deploy",
        );
        const ingress = trace.find(
          (s) =>
            s.service === "oaas-crm" && s.kind === kind.server && s.attributes["rpc.method"] === "Deploy",
        );
        const reconcile = trace.find(
          (s) => s.service === "oaas-crm" && s.kind === kind.consumer && s.name === "reconcile",
        );
        const kubeCalls = reconcile
          ? trace.filter(
              (s) =>
                s.scope === "@opentelemetry/instrumentation-undici" && s.parentSpanId === reconcile.spanId,
            )
          : [];
        return pmDeploy && ingress && reconcile && kubeCalls.length > 0
          ? { request, pmDeploy, ingress, reconcile, kubeCalls }
          : false;
      },
      { description: "the whole trace at the receiver", timeoutMs: 90_000, intervalMs: 250 },
    );
    const { request, pmDeploy, ingress, reconcile, kubeCalls } = found;
    for (const span of [pmDeploy, ingress, reconcile, ...kubeCalls])
      expect(span.traceId).to.equal(request.traceId);
    expect(ingress.parentSpanId, "ingress span is the child of the PM's Deploy call").to.equal(
      pmDeploy.spanId,
    );
    expect(reconcile.parentSpanId, "reconcile is the child of the ingress span").to.equal(ingress.spanId);
    expect(kubeCalls.length).to.be.at.least(1);
    // `crm all` serves every role's metrics on its one port; the PM its own.
    const crmMetrics = await (await fetch(`${crm?.url ?? ""}/metrics`)).text();
    for (const name of [
      "controller_runtime_reconcile_total",
      "rest_client_requests_total",
      "workqueue_adds_total",
      "grpc_server_handled_total",
    ])
      expect(crmMetrics, name).to.match(new RegExp(`^${name}\\{`, "m"));
    const pmMetrics = await (await fetch(`${base}/metrics`)).text();
    expect(pmMetrics).to.match(/^pm_http_requests_total\{.*route="\/api\/v1\/deployments".*\} [1-9]/m);
    // Log lines written inside the trace carry its id.
    await waitFor(() => crm?.output().includes(`"trace_id":"${request.traceId}"`), {
      description: "a CRM log line with the trace id",
      timeoutMs: 10_000,
    });
  });
});
