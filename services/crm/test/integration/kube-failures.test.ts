// What clients see when Kubernetes misbehaves: a frozen API server (SIGSTOP) must give
// DEADLINE_EXCEEDED within the client's deadline + 10%, an unreachable one UNAVAILABLE.
// Uses a PRIVATE cluster, so freezing it never stalls other suites on the shared one.
import http2 from "node:http2";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, createClient } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import * as k8s from "@kubernetes/client-node";
import { KubeClient, resourcePath } from "@oaas/kube";
import {
  CrmInfoService,
  DeployRequestSchema,
  DeploymentService,
  HealthService,
  HealthCheckResponse_ServingStatus,
} from "@oaas/proto";
import {
  builtIn,
  freePort,
  kubeConfigPointedAt,
  startCluster,
  stopCluster,
  testCluster,
  waitFor,
  type ClusterState,
} from "@oaas/testkit";
import { expect } from "chai";
import { grpcJsCall, grpcJsClient, grpcurl, transport } from "../support/clients.ts";
import { expectCode } from "../support/expect.ts";
import { unit } from "../support/fixtures.ts";
import { installCrd, startTestIngress, type TestIngress } from "../support/ingress.ts";
import { releaseAll, waitForRecordsServed } from "../support/records.ts";

const deadlineMs = 1000;
const allowedMs = deadlineMs * 1.1;

/** A gRPC Deploy over raw HTTP/2 with only a grpc-timeout header: no client-side timer can answer for the server. */
function rawGrpcDeploy(
  port: number,
  timeout: string,
  id: string,
): Promise<{ status: string | undefined; elapsedMs: number }> {
  const body = toBinary(DeployRequestSchema, create(DeployRequestSchema, { deploymentUnit: unit(id) }));
  const frame = Buffer.alloc(5 + body.length);
  frame.writeUInt32BE(body.length, 1);
  frame.set(body, 5);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on("error", reject);
    const stream = session.request({
      ":method": "POST",
      ":path": "/oaas.deployment.DeploymentService/Deploy",
      "content-type": "application/grpc",
      te: "trailers",
      "grpc-timeout": timeout,
    });
    let status: string | undefined;
    const take = (headers: http2.IncomingHttpHeaders) => {
      const s = headers["grpc-status"];
      if (typeof s === "string") status = s;
    };
    stream.on("response", take);
    stream.on("trailers", take);
    stream.on("data", () => undefined);
    stream.on("close", () => {
      session.close();
      resolve({ status, elapsedMs: performance.now() - started });
    });
    stream.end(frame);
  });
}

function signalApiServer(cluster: ClusterState, signal: "SIGSTOP" | "SIGCONT"): void {
  const apiserver = cluster.processes.find((p) => p.name === "kube-apiserver");
  if (!apiserver) throw new Error("no kube-apiserver in the private cluster state");
  process.kill(apiserver.pid, signal);
}

async function elapsed<T>(call: Promise<T>): Promise<number> {
  const started = performance.now();
  await call.catch(() => undefined);
  return performance.now() - started;
}

describe("crm ingress: Kubernetes frozen or unreachable (private cluster)", function () {
  this.timeout(300_000);
  let cluster: ClusterState | undefined;
  let ing: TestIngress;
  const namespace = "crm-failures";

  let kc: k8s.KubeConfig;

  before(async function () {
    cluster = await startCluster({ log: (m) => console.error(`[private cluster] ${m}`) });
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    const kube = await KubeClient.create(kc);
    try {
      await kube.request({
        method: "POST",
        path: resourcePath(builtIn.namespaces),
        body: { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
      });
    } finally {
      await kube.close();
    }
    ing = await startTestIngress({
      namespace,
      kubeConfig: kc,
      kubeDefaultTimeoutMs: 2000,
      healthWatchIntervalMs: 100,
    });
  });
  after(async function () {
    if (cluster) {
      try {
        signalApiServer(cluster, "SIGCONT");
      } catch {
        // already stopped
      }
    }
    await ing.close().catch(() => undefined);
    if (cluster) await stopCluster(cluster.dir);
  });

  describe("before the CRD is installed", function () {
    it("not ready, Deploy UNAVAILABLE; health Watch streams NOT_SERVING, then SERVING once it is installed", async function () {
      const ready = await fetch(`${ing.url}/readyz`);
      expect(ready.status).to.equal(503);
      expect(((await ready.json()) as { reason: string }).reason).to.match(/not installed/);
      const client = createClient(DeploymentService, transport("grpc", ing.url));
      const e = await expectCode(client.deploy({ deploymentUnit: unit("early") }), Code.Unavailable);
      expect(e.rawMessage).to.contain("CRD is not installed");
      const health = createClient(HealthService, transport("grpc", ing.url));
      const watch = new AbortController();
      const seen: HealthCheckResponse_ServingStatus[] = [];
      try {
        for await (const res of health.watch({ service: "" }, { signal: watch.signal, timeoutMs: 60_000 })) {
          seen.push(res.status);
          if (seen.length === 1) await installCrd(kc);
          if (res.status === HealthCheckResponse_ServingStatus.SERVING) break;
        }
      } finally {
        watch.abort();
      }
      expect(seen).to.deep.equal([
        HealthCheckResponse_ServingStatus.NOT_SERVING,
        HealthCheckResponse_ServingStatus.SERVING,
      ]);
      await waitForRecordsServed(ing.kube, namespace);
      // Warm: connections to the API server are open before it freezes.
      await client.deploy({ deploymentUnit: unit("warm") });
    });
  });

  describe("API server frozen with SIGSTOP", function () {
    before(function () {
      if (cluster) signalApiServer(cluster, "SIGSTOP");
    });
    after(function () {
      if (cluster) signalApiServer(cluster, "SIGCONT");
    });

    it(`the server itself answers DEADLINE_EXCEEDED within ${allowedMs} ms (raw HTTP/2, grpc-timeout only)`, async function () {
      const { status, elapsedMs } = await rawGrpcDeploy(ing.port, `${deadlineMs}m`, "frozen-raw");
      expect(status).to.equal(String(Code.DeadlineExceeded));
      expect(elapsedMs).to.be.within(deadlineMs * 0.9, allowedMs);
    });

    /** The ingress's own log line for the call on `id`: who ended it (code) and when (duration). */
    const serverLine = (id: string) =>
      waitFor(() => ing.logs.find((l) => l["deployment_id"] === id && l["rpc"] !== undefined), {
        description: `the ingress's log line for ${id}`,
        timeoutMs: 5000,
      });

    // Connect-ES and grpc-js send the deadline as a grpc-timeout header and run no timer
    // of their own, so only the server can end these calls; its log line proves it did
    // (a client timer would reset the stream: the server would log Canceled).
    it("Connect client and grpc-js (no client timer): the server answers DEADLINE_EXCEEDED promptly", async function () {
      const client = createClient(DeploymentService, transport("grpc", ing.url));
      const connectMs = await elapsed(
        expectCode(
          client.deploy(
            { deploymentUnit: unit("frozen-connect") },
            { headers: { "grpc-timeout": `${deadlineMs}m` } },
          ),
          Code.DeadlineExceeded,
        ),
      );
      expect(connectMs).to.be.within(deadlineMs * 0.9, allowedMs);
      const js = grpcJsClient("oaas.deployment.DeploymentService", `127.0.0.1:${ing.port}`);
      try {
        const started = performance.now();
        // "warm" would be answered from the informer cache without the API server; an id
        // the cache does not hold is looked up on the (frozen) API server.
        const r = await grpcJsCall(
          js,
          "GetDeploymentStatus",
          { deployment_id: "not-cached-js" },
          {
            metadata: { "grpc-timeout": `${deadlineMs}m` },
          },
        );
        expect(r.code, r.details).to.equal(grpc.status.DEADLINE_EXCEEDED);
        // Seen by the client: its new channel's connection setup comes on top (the
        // server's own duration, checked below, is the strict bound).
        expect(performance.now() - started).to.be.within(deadlineMs * 0.9, allowedMs + 500);
      } finally {
        js.close();
      }
      for (const id of ["frozen-connect", "not-cached-js"]) {
        const line = await serverLine(id);
        expect(line["code"], id).to.equal("DeadlineExceeded");
        expect(line["duration_ms"], id).to.be.within(deadlineMs * 0.9, allowedMs);
      }
    });

    // grpc-go drops a grpc-timeout set as metadata (a reserved header), so grpcurl's
    // deadline is its own -max-time timer too; the server's log proves that the call
    // ended on the server within the bound as well, whichever timer fired first.
    it("grpcurl gets DEADLINE_EXCEEDED and the server ends the call within the bound", async function () {
      const curl = await grpcurl(
        ing.port,
        ["-max-time", "1", "-d", '{"deployment_id":"not-cached-curl"}'],
        ["oaas.deployment.DeploymentService/GetDeploymentStatus"],
      );
      expect(curl.code, curl.stderr).to.equal("DeadlineExceeded");
      const line = await serverLine("not-cached-curl");
      expect(line["code"]).to.be.oneOf(["DeadlineExceeded", "Canceled"]);
      expect(line["duration_ms"]).to.be.below(allowedMs);
    });

    it("without a client deadline the per-call bound answers UNAVAILABLE instead of hanging", async function () {
      const client = createClient(DeploymentService, transport("grpc", ing.url));
      const ms = await elapsed(expectCode(client.listClassRuntimes({}), Code.Unavailable));
      expect(ms).to.be.below(2000 * 1.1 + 200);
    });

    it("health reports NOT_SERVING and /readyz 503 while the API server does not answer", async function () {
      const health = createClient(HealthService, transport("grpc", ing.url));
      expect((await health.check({ service: "" })).status).to.equal(
        HealthCheckResponse_ServingStatus.NOT_SERVING,
      );
      expect((await fetch(`${ing.url}/readyz`)).status).to.equal(503);
      expect((await fetch(`${ing.url}/healthz`)).status).to.equal(200);
    });
  });

  // Mocha runs a describe's own tests before its nested describes: these stay nested so
  // they run in order (frozen, thawed, stopped).
  describe("API server thawed with SIGCONT", function () {
    it("the same ingress serves again", async function () {
      const client = createClient(DeploymentService, transport("grpc", ing.url));
      const res = await client.deploy({ deploymentUnit: unit("thawed") }, { timeoutMs: 10_000 });
      expect(res.deploymentId).to.equal("thawed");
    });
  });

  describe("API server stopped", function () {
    it("UNAVAILABLE for every RPC and every client kind", async function () {
      if (!cluster) throw new Error("no cluster");
      await releaseAll(ing.kube, namespace);
      await stopCluster(cluster.dir);
      cluster = undefined;
      await expectUnavailableEverywhere(ing);
    });
  });
});

describe("crm ingress: kubeconfig pointing at a closed port", function () {
  this.timeout(60_000);
  let ing: TestIngress;

  before(async function () {
    const { kc } = await testCluster();
    const closed = `https://127.0.0.1:${await freePort()}`;
    ing = await startTestIngress({ namespace: "default", kubeConfig: kubeConfigPointedAt(kc, closed) });
  });
  after(async function () {
    await ing.close();
  });

  it("UNAVAILABLE for every RPC and every client kind; not ready", async function () {
    await expectUnavailableEverywhere(ing);
  });
});

async function expectUnavailableEverywhere(ing: TestIngress): Promise<void> {
  const t = transport("grpc", ing.url);
  const client = createClient(DeploymentService, t);
  const timed = async (call: Promise<unknown>) =>
    expect(await elapsed(expectCode(call, Code.Unavailable))).to.be.below(3000);
  await timed(client.deploy({ deploymentUnit: unit("down") }));
  await timed(client.getDeploymentStatus({ deploymentId: "down" }));
  await timed(client.getClassRuntime({ deploymentId: "down" }));
  await timed(client.listClassRuntimes({}));
  await timed(client.deleteDeployment({ deploymentId: "down" }));
  await timed(createClient(CrmInfoService, t).getEnvHealth({}));
  const js = grpcJsClient("oaas.deployment.DeploymentService", `127.0.0.1:${ing.port}`);
  try {
    expect(
      (
        await grpcJsCall(js, "Deploy", {
          deployment_unit: {
            id: "down",
            functions: [{ function_key: "f", provision_config: { container_image: "i" } }],
          },
        })
      ).code,
    ).to.equal(grpc.status.UNAVAILABLE);
    expect((await grpcJsCall(js, "GetClassRuntime", { deployment_id: "down" })).code).to.equal(
      grpc.status.UNAVAILABLE,
    );
  } finally {
    js.close();
  }
  const curl = await grpcurl(
    ing.port,
    ["-d", '{"deployment_id":"down"}'],
    ["oaas.deployment.DeploymentService/GetDeploymentStatus"],
  );
  expect(curl.code, curl.stderr).to.equal("Unavailable");
  expect((await fetch(`${ing.url}/readyz`)).status).to.equal(503);
}
