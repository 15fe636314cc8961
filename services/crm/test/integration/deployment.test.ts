// DeploymentService through Connect-ES clients (gRPC over HTTP/2, Connect and gRPC-Web
// over HTTP/1.1) against a real API server: what Deploy writes, what reads return and the
// redeploy rules. The contract's error rows, the namespace boundary and RecordDetailService
// on the same listener: deployment-refusals.test.ts.
import { create, equals } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { correlationIdAnnotation, deploymentIdLabel, finalizer, labelValue, recordName } from "@oaas/crd";
import {
  DeploymentUnitSchema,
  FunctionRouteSchema,
  InvocationRoutesSchema,
  NfrRequirementsSchema,
  OdgmConfigSchema,
  TimestampSchema,
} from "@oaas/proto";
import { testCluster, useTestNamespace } from "@oaas/testkit";
import { expect } from "chai";
import { deploymentClient, type ProtocolName } from "../support/clients.ts";
import { expectCode } from "../support/expect.ts";
import {
  fn,
  unit,
  withDescription,
  withEnv,
  withFunctions,
  withOdgm,
  withPackage,
  withClass,
} from "../support/fixtures.ts";
import { installCrd, startTestIngress, type TestIngress } from "../support/ingress.ts";
import {
  getRecord,
  putForeignRecord,
  releaseAll,
  removeFinalizer,
  waitForRecordsServed,
} from "../support/records.ts";

/** A unit using every field of the contract, with values that break lossy encodings. */
function fullUnit(id: string) {
  const u = unit(id, withOdgm("orders", "users"));
  const f = u.functions[0];
  if (!f?.provisionConfig) throw new Error("fixture");
  f.description = "línea 1\nline 2 — ✓";
  f.availableLocation = "edge-1";
  f.nfrRequirements = create(NfrRequirementsSchema, {
    maxLatencyMs: 0,
    minThroughputRps: 4294967295,
    availability: 0.999,
    cpuUtilizationTarget: 1.5,
  });
  Object.assign(f.provisionConfig, {
    maxConcurrency: 0,
    needHttp2: true,
    cpuRequest: "250m",
    memoryRequest: "128Mi",
    cpuLimit: "1",
    memoryLimit: "1Gi",
    minScale: 0,
    maxScale: 10,
  });
  f.config = { LOG_LEVEL: "debug", "with.dot": "x=y" };
  u.functions.push(fn("second"));
  u.createdAt = create(TimestampSchema, { seconds: -62135596800n, nanos: 0 });
  u.odgmConfig = create(OdgmConfigSchema, {
    collections: ["orders", "users"],
    partitionCount: 1024, // the largest admitted (1..1024, @oaas/crd maxPartitionCount)
    replicaCount: 3,
    shardType: "raft",
    options: { "a.b": "c" },
    invocations: create(InvocationRoutesSchema, {
      fnRoutes: {
        fn: create(FunctionRouteSchema, {
          url: "http://fn",
          stateless: false,
          activeGroup: [0n, 18446744073709551615n],
        }),
      },
      disabledFn: ["second"],
    }),
  });
  return u;
}

describe("crm ingress: DeploymentService over Connect clients", function () {
  this.timeout(120_000);
  const ns = useTestNamespace("crm-ingress");
  let odgm: TestIngress; // ODGM feature on
  let plain: TestIngress; // dev profile defaults: ODGM and Knative off
  let namespace = "";

  before(async function () {
    namespace = ns.name;
    await installCrd((await testCluster()).kc);
    odgm = await startTestIngress({ namespace: ns.name, env: { OPRC_CRM_FEATURES_ODGM: "true" } });
    plain = await startTestIngress({ namespace: ns.name });
    await waitForRecordsServed(odgm.kube, ns.name);
  });
  after(async function () {
    // Runs after useTestNamespace's own after hook: the namespace is terminating and
    // waits for these finalizers (the reconciler's job, not built yet).
    await releaseAll(odgm.kube, namespace);
    await odgm.close();
    await plain.close();
  });

  for (const protocol of ["grpc", "connect", "grpc-web"] as ProtocolName[]) {
    it(`${protocol}: deploy, read back identically, list, delete`, async function () {
      const client = deploymentClient(protocol, odgm.url);
      const id = `full-${protocol}`;
      const sent = fullUnit(id);
      const headers = new Headers();
      const res = await client.deploy(
        { deploymentUnit: sent },
        {
          headers: { "x-correlation-id": `corr-${protocol}` },
          onHeader: (h) => h.forEach((v, k) => headers.set(k, v)),
        },
      );
      expect(res.deploymentId).to.equal(id);
      expect(res.message).to.equal("created");
      expect(headers.get("x-correlation-id")).to.equal(`corr-${protocol}`);

      const status = await client.getDeploymentStatus({ deploymentId: id });
      expect(
        equals(DeploymentUnitSchema, status.deployment ?? create(DeploymentUnitSchema), sent),
        "status unit",
      ).to.be.true;
      expect(status.message).to.match(/^SUMMARY_UNKNOWN \(Pending\)/);
      const got = await client.getClassRuntime({ deploymentId: id });
      expect(
        equals(DeploymentUnitSchema, got.deployment ?? create(DeploymentUnitSchema), sent),
        "runtime unit",
      ).to.be.true;
      const listed = await client.listClassRuntimes({ packageName: "pkg", classKey: "cls" });
      const item = listed.items.find((i) => i.id === id);
      expect(item && equals(DeploymentUnitSchema, item, sent), "listed unit").to.be.true;

      const deleted = await client.deleteDeployment({ deploymentId: id });
      expect(deleted.message).to.match(/deletion requested/);
      expect((await client.getDeploymentStatus({ deploymentId: id })).message).to.match(
        /^PROGRESSING \(Deleting\)/,
      );
      await removeFinalizer(odgm.kube, ns.name, id);
      await expectCode(client.getDeploymentStatus({ deploymentId: id }), Code.NotFound);
    });
  }

  it("writes the record: derived name, labels, correlation annotation, finalizer, field manager", async function () {
    const client = deploymentClient("grpc", odgm.url);
    const id = "Shop_Cart-2024";
    await client.deploy(
      { deploymentUnit: unit(id, withOdgm("c1")) },
      { headers: { "x-correlation-id": "c-write" } },
    );
    const record = await getRecord(odgm.kube, ns.name, id);
    expect(record?.metadata.name).to.equal(recordName(id));
    expect(record?.metadata.labels?.[deploymentIdLabel]).to.equal(labelValue(id));
    expect(record?.metadata.annotations?.[correlationIdAnnotation]).to.equal("c-write");
    expect(record?.metadata.finalizers).to.include(finalizer);
    expect(record?.spec.deployment_id).to.equal(id);
    expect(record?.spec.addons).to.deep.equal(["odgm"]);
    const managers = (record?.metadata as { managedFields?: { manager: string; operation: string }[] })
      .managedFields;
    expect(managers?.map((m) => `${m.manager}/${m.operation}`)).to.include("oaas-crm-ingress/Apply");
  });

  it("an identical redeploy changes no spec (generation stays); a changed one updates, also removing dropped fields", async function () {
    const client = deploymentClient("grpc", odgm.url);
    const id = "redeploy";
    const first = unit(id, withFunctions(fn("a", withDescription("old")), fn("b")));
    await client.deploy({ deploymentUnit: first }, { headers: { "x-correlation-id": "c1" } });
    const before = await getRecord(odgm.kube, ns.name, id);
    const again = await client.deploy({ deploymentUnit: first }, { headers: { "x-correlation-id": "c2" } });
    // One server-side apply, no read: the only change is the correlation annotation.
    expect(again.message).to.equal("updated");
    const same = await getRecord(odgm.kube, ns.name, id);
    expect(same?.metadata.generation).to.equal(before?.metadata.generation);
    expect(same?.spec).to.deep.equal(before?.spec);
    expect(same?.metadata.annotations?.[correlationIdAnnotation]).to.equal("c2");

    const changed = unit(id, withFunctions(fn("a")), withEnv("prod"));
    const res = await client.deploy({ deploymentUnit: changed }, { headers: { "x-correlation-id": "c3" } });
    expect(res.message).to.equal("updated");
    const after = await getRecord(odgm.kube, ns.name, id);
    expect(after?.metadata.generation).to.equal((before?.metadata.generation ?? 0) + 1);
    expect(after?.spec.functions?.map((f) => f.function_key)).to.deep.equal(["a"]);
    expect(after?.spec.functions?.[0]?.description).to.equal(undefined);
    expect(after?.spec.target_env).to.equal("prod");
    expect(after?.metadata.annotations?.[correlationIdAnnotation]).to.equal("c3");
    const status = await client.getDeploymentStatus({ deploymentId: id });
    expect(equals(DeploymentUnitSchema, status.deployment ?? create(DeploymentUnitSchema), changed)).to.be
      .true;
  });

  it("a hand edit of a field the ingress owns is repaired by the next identical deploy", async function () {
    const client = deploymentClient("grpc", odgm.url);
    const id = "hand-edited";
    await client.deploy({ deploymentUnit: unit(id) });
    await odgm.kube.request({
      method: "PATCH",
      path: `/apis/oaas.io/v1alpha1/namespaces/${ns.name}/deploymentrecords/${recordName(id)}`,
      body: { spec: { target_env: "tampered" } },
      contentType: "application/merge-patch+json",
    });
    expect((await client.deploy({ deploymentUnit: unit(id) })).message).to.equal("updated");
    expect((await getRecord(odgm.kube, ns.name, id))?.spec.target_env).to.equal("dev");
  });

  it("ALREADY_EXISTS when the derived name holds another deployment or a hand-written record", async function () {
    const client = deploymentClient("grpc", odgm.url);
    await putForeignRecord(odgm.kube, ns.name, "taken", "someone-else");
    const e = await expectCode(client.deploy({ deploymentUnit: unit("taken") }), Code.AlreadyExists);
    expect(e.rawMessage).to.contain("someone-else");
    await putForeignRecord(odgm.kube, ns.name, "hello-class", undefined);
    const hand = await expectCode(client.deploy({ deploymentUnit: unit("hello-class") }), Code.AlreadyExists);
    expect(hand.rawMessage).to.contain("not written by Deploy");
    expect((await getRecord(odgm.kube, ns.name, "hello-class"))?.spec.deployment_id).to.equal(undefined);
    expect((await getRecord(odgm.kube, ns.name, "taken"))?.spec.deployment_id).to.equal("someone-else");
    // Reads by the id do not see the other deployment's record either.
    await expectCode(client.getDeploymentStatus({ deploymentId: "taken" }), Code.NotFound);
    await expectCode(client.deleteDeployment({ deploymentId: "taken" }), Code.NotFound);
  });

  it("delete is finalizer-driven: deleting twice is OK, redeploying while deleting is refused", async function () {
    const client = deploymentClient("grpc", odgm.url);
    await client.deploy({ deploymentUnit: unit("to-delete") });
    await client.deleteDeployment({ deploymentId: "to-delete" });
    const record = await getRecord(odgm.kube, ns.name, "to-delete");
    expect(record?.metadata.deletionTimestamp).to.be.a("string");
    expect((await client.deleteDeployment({ deploymentId: "to-delete" })).message).to.match(/already/);
    await expectCode(client.deploy({ deploymentUnit: unit("to-delete") }), Code.FailedPrecondition);
    await removeFinalizer(odgm.kube, ns.name, "to-delete");
    await expectCode(client.getClassRuntime({ deploymentId: "to-delete" }), Code.NotFound);
    expect((await client.deploy({ deploymentUnit: unit("to-delete") })).message).to.equal("created");
  });

  it("ListClassRuntimes filters by package, class, env and status, with limit/offset", async function () {
    const client = deploymentClient("grpc", odgm.url);
    const ids = ["l-a", "l-b", "l-c", "l-d"];
    await client.deploy({ deploymentUnit: unit(ids[0] ?? "", withPackage("shop,eu=1"), withClass("Cart")) });
    await client.deploy({ deploymentUnit: unit(ids[1] ?? "", withPackage("shop,eu=1"), withClass("Order")) });
    await client.deploy({
      deploymentUnit: unit(ids[2] ?? "", withPackage("shop,eu=1"), withClass("Order"), withEnv("prod")),
    });
    await client.deploy({ deploymentUnit: unit(ids[3] ?? "", withPackage("other")) });
    const idsOf = async (req: Parameters<typeof client.listClassRuntimes>[0]) =>
      (await client.listClassRuntimes(req)).items.map((i) => i.id);
    expect(await idsOf({ packageName: "shop,eu=1" })).to.deep.equal(["l-a", "l-b", "l-c"]);
    expect(await idsOf({ packageName: "shop,eu=1", classKey: "Order" })).to.deep.equal(["l-b", "l-c"]);
    expect(await idsOf({ packageName: "shop,eu=1", targetEnv: "prod" })).to.deep.equal(["l-c"]);
    expect(await idsOf({ packageName: "shop,eu=1", limit: 2 })).to.deep.equal(["l-a", "l-b"]);
    expect(await idsOf({ packageName: "shop,eu=1", limit: 2, offset: 2 })).to.deep.equal(["l-c"]);
    expect(await idsOf({ packageName: "shop,eu=1", offset: 5 })).to.deep.equal([]);
    expect(await idsOf({ packageName: "shop,eu=1", status: "summary_unknown" })).to.deep.equal([
      "l-a",
      "l-b",
      "l-c",
    ]);
    expect(await idsOf({ packageName: "shop,eu=1", status: "RUNNING" })).to.deep.equal([]);
    expect(await idsOf({ packageName: "nothing" })).to.deep.equal([]);
    await expectCode(client.listClassRuntimes({ status: "GREEN" }), Code.InvalidArgument);
  });

  it("correlation: generated when absent, echoed on errors, in the annotation and every log line", async function () {
    const client = deploymentClient("grpc", odgm.url);
    let generated = "";
    await client.deploy(
      { deploymentUnit: unit("corr-gen") },
      { onHeader: (h) => (generated = h.get("x-correlation-id") ?? "") },
    );
    expect(generated).to.match(/^[0-9a-f-]{36}$/);
    expect(
      (await getRecord(odgm.kube, ns.name, "corr-gen"))?.metadata.annotations?.[correlationIdAnnotation],
    ).to.equal(generated);
    const e = await expectCode(
      client.getDeploymentStatus(
        { deploymentId: "corr-missing" },
        { headers: { "x-correlation-id": "corr-err" } },
      ),
      Code.NotFound,
    );
    expect(e.metadata.get("x-correlation-id")).to.equal("corr-err");
    const line = odgm.logs.find((l) => l["correlation_id"] === "corr-err");
    expect(line).to.include({
      deployment_id: "corr-missing",
      rpc: "oaas.deployment.DeploymentService/GetDeploymentStatus",
      code: "NotFound",
    });
    expect(line?.["duration_ms"]).to.be.a("number");
    const deployLine = odgm.logs.find((l) => l["correlation_id"] === generated);
    expect(deployLine).to.include({ deployment_id: "corr-gen", code: "OK" });
  });

  it("serves /metrics with the RPC counters", async function () {
    await deploymentClient("grpc", odgm.url).deploy({ deploymentUnit: unit("metrics-counted") });
    const text = await (await fetch(`${odgm.url}/metrics`)).text();
    expect(text).to.match(/grpc_server_handled_total\{[^}]*grpc_method="Deploy"[^}]*grpc_code="OK"/);
    expect(text).to.contain("grpc_server_handling_seconds_bucket");
  });
});
