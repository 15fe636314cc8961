// Every RPC and every error row (../support/error-rows.ts) through three client implementations:
// Connect-ES (gRPC over HTTP/2), @grpc/grpc-js with .proto files loaded at run time,
// and grpcurl knowing the services only through server reflection.
import { create, equals, fromJson, type JsonValue } from "@bufbuild/protobuf";
import { Code, createClient } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import {
  CrmInfoService,
  DeploymentService,
  DeploymentUnitSchema,
  grpcHealthV1,
  HealthService,
  HealthCheckResponse_ServingStatus,
} from "@oaas/proto";
import { testCluster, useTestNamespace } from "@oaas/testkit";
import { listObjects, nodes } from "@oaas/kube";
import { expect } from "chai";
import { grpcJsCall, grpcJsClient, grpcurl, transport, type GrpcJsClient } from "../support/clients.ts";
import { collidingId, errorRows, mentionsOf, refusedIds, unitJson, type Rpc } from "../support/error-rows.ts";
import { expectCode } from "../support/expect.ts";
import { installCrd, startTestIngress, type TestIngress } from "../support/ingress.ts";
import { listRecords, putForeignRecord, releaseAll, waitForRecordsServed } from "../support/records.ts";

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const method = (rpc: Rpc) => DeploymentService.methods.find((m) => m.name === rpc);

/** A unit exercising maps, optionals, nested messages and a 64-bit timestamp. */
function richUnitJson(id: string): Record<string, unknown> {
  return unitJson(id, (u) => {
    const f = u.functions[0] as Record<string, unknown>;
    f["description"] = "desc ✓";
    f["config"] = { A: "1", B: "two" };
    f["nfr_requirements"] = { max_latency_ms: 50, availability: 0.99 };
    (f["provision_config"] as Record<string, unknown>)["min_scale"] = 0;
    u["created_at"] = { seconds: "1700000000", nanos: 5 };
  });
}

describe("crm ingress: every RPC and error row through Connect, grpc-js and grpcurl", function () {
  this.timeout(180_000);
  const ns = useTestNamespace("crm-clients");
  let ing: TestIngress;
  let namespace = "";

  before(async function () {
    namespace = ns.name;
    await installCrd((await testCluster()).kc);
    ing = await startTestIngress({ namespace, healthWatchIntervalMs: 100 });
    await waitForRecordsServed(ing.kube, namespace);
    await putForeignRecord(ing.kube, namespace, collidingId, "other-deployment");
  });
  after(async function () {
    await releaseAll(ing.kube, namespace);
    await ing.close();
  });

  describe("Connect-ES (gRPC over HTTP/2)", function () {
    it("every RPC of every service", async function () {
      const t = transport("grpc", ing.url);
      const deployments = createClient(DeploymentService, t);
      const sent = fromJson(DeploymentUnitSchema, richUnitJson("cl-connect") as JsonValue);
      expect((await deployments.deploy({ deploymentUnit: sent })).deploymentId).to.equal("cl-connect");
      const status = await deployments.getDeploymentStatus({ deploymentId: "cl-connect" });
      expect(equals(DeploymentUnitSchema, status.deployment ?? create(DeploymentUnitSchema), sent)).to.be
        .true;
      const runtime = await deployments.getClassRuntime({ deploymentId: "cl-connect" });
      expect(equals(DeploymentUnitSchema, runtime.deployment ?? create(DeploymentUnitSchema), sent)).to.be
        .true;
      expect((await deployments.listClassRuntimes({})).items.map((i) => i.id)).to.include("cl-connect");
      await deployments.deleteDeployment({ deploymentId: "cl-connect" });

      const health = createClient(HealthService, t);
      expect((await health.check({ service: "" })).status).to.equal(
        HealthCheckResponse_ServingStatus.SERVING,
      );
      expect((await health.check({ service: "nope" })).status).to.equal(
        HealthCheckResponse_ServingStatus.SERVICE_UNKNOWN,
      );
      const watch = new AbortController();
      let watched = 0;
      for await (const res of health.watch(
        { service: "oaas.deployment.DeploymentService" },
        { signal: watch.signal, timeoutMs: 10_000 },
      )) {
        expect(res.status).to.equal(HealthCheckResponse_ServingStatus.SERVING);
        watched++;
        break;
      }
      expect(watched, "the Watch stream must deliver a message").to.equal(1);
      const std = createClient(grpcHealthV1.Health, t);
      expect((await std.check({ service: "oaas.health.CrmInfoService" })).status).to.equal(
        grpcHealthV1.HealthCheckResponse_ServingStatus.SERVING,
      );
      expect(Object.keys((await std.list({})).statuses)).to.include("oaas.deployment.DeploymentService");
      let stdWatched = 0;
      for await (const res of std.watch({ service: "" }, { timeoutMs: 10_000 })) {
        expect(res.status).to.equal(grpcHealthV1.HealthCheckResponse_ServingStatus.SERVING);
        stdWatched++;
        break;
      }
      expect(stdWatched, "the Watch stream must deliver a message").to.equal(1);
      const env = await createClient(CrmInfoService, t).getEnvHealth({ env: "lab" });
      expect(env).to.include({ envName: "lab", crmVersion: "0.1.0-test" });
      // The cluster's real Node objects, listed independently of the ingress.
      const realNodes = await listObjects(ing.kube, nodes, undefined);
      expect(env.nodeCount).to.equal(realNodes.length).and.to.be.greaterThan(0);
      expect(env.availability).to.equal((env.readyNodes ?? 0) / (env.nodeCount ?? 1));
    });

    for (const row of errorRows) {
      it(`${row.rpc}: ${row.name} -> ${Code[row.code]}`, async function () {
        const m = method(row.rpc);
        if (!m) throw new Error(row.rpc);
        const client = createClient(DeploymentService, transport("grpc", ing.url)) as unknown as Record<
          string,
          (req: unknown, opts: unknown) => Promise<unknown>
        >;
        const request = fromJson(m.input, row.request as JsonValue);
        const call = client[lowerFirst(row.rpc)];
        if (!call) throw new Error(row.rpc);
        const e = await expectCode(call(request, { headers: row.metadata ?? {} }), row.code);
        for (const text of mentionsOf(row)) expect(e.rawMessage).to.contain(text);
      });
    }
  });

  describe("@grpc/grpc-js with .proto files loaded at run time", function () {
    let client: GrpcJsClient;
    before(function () {
      client = grpcJsClient("oaas.deployment.DeploymentService", `127.0.0.1:${ing.port}`);
    });
    after(function () {
      client.close();
    });

    it("every RPC of every service", async function () {
      const address = `127.0.0.1:${ing.port}`;
      const deployed = await grpcJsCall(
        client,
        "Deploy",
        { deployment_unit: richUnitJson("cl-grpcjs") },
        {
          metadata: { "x-correlation-id": "grpcjs-1" },
        },
      );
      expect(deployed.code).to.equal(grpc.status.OK);
      expect(deployed.response?.["deployment_id"]).to.equal("cl-grpcjs");
      expect(deployed.headers?.get("x-correlation-id")).to.deep.equal(["grpcjs-1"]);
      const status = await grpcJsCall(client, "GetDeploymentStatus", { deployment_id: "cl-grpcjs" });
      const unit = status.response?.["deployment"] as Record<string, unknown>;
      expect(unit).to.include({ id: "cl-grpcjs", package_name: "pkg", class_key: "cls", target_env: "dev" });
      expect(unit["created_at"]).to.deep.equal({ seconds: "1700000000", nanos: 5 });
      const fn0 = (unit["functions"] as Record<string, unknown>[])[0];
      expect(fn0?.["config"]).to.deep.equal({ A: "1", B: "two" });
      expect(fn0?.["description"]).to.equal("desc ✓");
      const runtime = await grpcJsCall(client, "GetClassRuntime", { deployment_id: "cl-grpcjs" });
      expect((runtime.response?.["deployment"] as Record<string, unknown>)["id"]).to.equal("cl-grpcjs");
      const list = await grpcJsCall(client, "ListClassRuntimes", { package_name: "pkg", limit: 100 });
      expect((list.response?.["items"] as { id: string }[]).map((i) => i.id)).to.include("cl-grpcjs");
      expect((await grpcJsCall(client, "DeleteDeployment", { deployment_id: "cl-grpcjs" })).code).to.equal(
        grpc.status.OK,
      );

      const health = grpcJsClient("oaas.health.HealthService", address);
      const std = grpcJsClient("grpc.health.v1.Health", address);
      const info = grpcJsClient("oaas.health.CrmInfoService", address);
      try {
        expect((await grpcJsCall(health, "Check", { service: "" })).response?.["status"]).to.equal("SERVING");
        expect((await grpcJsCall(std, "Check", { service: "" })).response?.["status"]).to.equal("SERVING");
        expect((await grpcJsCall(std, "Check", { service: "nope" })).code).to.equal(grpc.status.NOT_FOUND);
        const statuses = (await grpcJsCall(std, "List", {})).response?.["statuses"] as Record<
          string,
          unknown
        >;
        expect(Object.keys(statuses)).to.include("oaas.health.HealthService");
        const env = (await grpcJsCall(info, "GetEnvHealth", { env: "" })).response;
        expect(env?.["env_name"]).to.equal("dev");
        // The cluster's real Node objects, listed independently of the ingress.
        const realNodes = await listObjects(ing.kube, nodes, undefined);
        expect(env?.["node_count"]).to.equal(realNodes.length).and.to.be.greaterThan(0);
        for (const c of [health, std]) {
          const first = await new Promise<unknown>((resolve, reject) => {
            const stream = (c["Watch"] as (req: unknown) => grpc.ClientReadableStream<{ status: string }>)({
              service: "",
            });
            stream.once("data", (d: { status: string }) => {
              resolve(d.status);
              stream.cancel();
            });
            stream.once("error", (e: grpc.ServiceError) =>
              e.code === grpc.status.CANCELLED ? undefined : reject(e),
            );
            // After a message this is a no-op; before one, the Watch failed its promise.
            stream.once("end", () => reject(new Error("the Watch stream ended without a message")));
          });
          expect(first).to.equal("SERVING");
        }
      } finally {
        health.close();
        std.close();
        info.close();
      }
    });

    for (const row of errorRows) {
      it(`${row.rpc}: ${row.name} -> ${Code[row.code]}`, async function () {
        const result = await grpcJsCall(
          client,
          row.rpc,
          row.request,
          row.metadata ? { metadata: { ...row.metadata } } : {},
        );
        expect(result.code, result.details).to.equal(row.code);
        for (const text of mentionsOf(row)) expect(result.details).to.contain(text);
      });
    }
  });

  describe("grpcurl with server reflection only", function () {
    it("lists and describes the services without .proto files", async function () {
      const list = await grpcurl(ing.port, [], ["list"]);
      expect(list.stdout.trim().split("\n")).to.include.members([
        "oaas.deployment.DeploymentService",
        "oaas.crm.v1.RecordDetailService",
        "oaas.health.HealthService",
        "oaas.health.CrmInfoService",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
      ]);
      const described = await grpcurl(ing.port, [], ["describe", "oaas.deployment.DeploymentUnit"]);
      expect(described.stdout).to.contain("repeated .oaas.deployment.FunctionDeploymentSpec functions = 5;");
      const method = await grpcurl(ing.port, [], ["describe", "oaas.deployment.DeploymentService.Deploy"]);
      expect(method.stdout).to.contain("rpc Deploy ( .oaas.deployment.DeployRequest )");
    });

    it("every RPC of every service", async function () {
      const call = async (path: string, body: unknown, headers: string[] = []) => {
        const r = await grpcurl(
          ing.port,
          ["-d", JSON.stringify(body), ...headers.flatMap((h) => ["-H", h])],
          [path],
        );
        expect(r.code, r.stderr).to.equal("OK");
        return JSON.parse(r.stdout || "{}") as Record<string, unknown>;
      };
      const sent = richUnitJson("cl-grpcurl");
      const svc = "oaas.deployment.DeploymentService";
      expect(await call(`${svc}/Deploy`, { deployment_unit: sent })).to.include({
        deploymentId: "cl-grpcurl",
      });
      const status = await call(`${svc}/GetDeploymentStatus`, { deployment_id: "cl-grpcurl" });
      const back = fromJson(DeploymentUnitSchema, status["deployment"] as JsonValue);
      expect(equals(DeploymentUnitSchema, back, fromJson(DeploymentUnitSchema, sent as JsonValue))).to.be
        .true;
      const runtime = await call(`${svc}/GetClassRuntime`, { deployment_id: "cl-grpcurl" });
      expect((runtime["deployment"] as Record<string, unknown>)["id"]).to.equal("cl-grpcurl");
      const list = await call(`${svc}/ListClassRuntimes`, { package_name: "pkg" });
      expect((list["items"] as { id: string }[]).map((i) => i.id)).to.include("cl-grpcurl");
      const detail = await call("oaas.crm.v1.RecordDetailService/GetStatusDetail", {
        deployment_id: "cl-grpcurl",
      });
      expect(detail).to.include({ deploymentId: "cl-grpcurl", namespace: ns.name });
      await call(`${svc}/DeleteDeployment`, { deployment_id: "cl-grpcurl" });
      expect(await call("oaas.health.HealthService/Check", { service: "" })).to.deep.equal({
        status: "SERVING",
      });
      expect(await call("grpc.health.v1.Health/Check", { service: "" })).to.deep.equal({ status: "SERVING" });
      expect(Object.keys((await call("grpc.health.v1.Health/List", {}))["statuses"] as object)).to.include(
        "oaas.deployment.DeploymentService",
      );
      const env = await call("oaas.health.CrmInfoService/GetEnvHealth", { env: "x" });
      expect(env).to.include({ envName: "x", status: "HEALTHY", crmVersion: "0.1.0-test" });
      // A stream: grpcurl prints the first status, and -max-time ends the watch.
      const watch = await grpcurl(
        ing.port,
        ["-max-time", "1", "-d", '{"service":""}'],
        ["oaas.health.HealthService/Watch"],
      );
      expect(watch.stdout).to.contain('"status": "SERVING"');
    });

    for (const row of errorRows) {
      it(`${row.rpc}: ${row.name} -> ${Code[row.code]}`, async function () {
        const headers = Object.entries(row.metadata ?? {}).flatMap(([k, v]) => ["-H", `${k}: ${v}`]);
        const r = await grpcurl(
          ing.port,
          ["-d", JSON.stringify(row.request), ...headers],
          [`oaas.deployment.DeploymentService/${row.rpc}`],
        );
        expect(r.code, r.stderr).to.equal(Code[row.code]);
        for (const text of mentionsOf(row)) expect(r.stderr).to.contain(text);
      });
    }
  });

  it("no refused request left a record behind", async function () {
    const stored = (await listRecords(ing.kube, namespace)).map((r) => r.spec.deployment_id);
    for (const id of refusedIds) expect(stored).to.not.include(id);
  });
});
