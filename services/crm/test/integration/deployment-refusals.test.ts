// DeploymentService's refusals against a real API server, through Connect-ES clients: the
// contract's error rows (FAILED_PRECONDITION, NOT_FOUND, INVALID_ARGUMENT), the served
// namespaces as a boundary (PERMISSION_DENIED), no record left behind by any refusal; and
// RecordDetailService on the same listener. What Deploy writes: deployment.test.ts.
import { Code } from "@connectrpc/connect";
import { SummarizedStatus } from "@oaas/proto";
import { createTestNamespace, testCluster, useTestNamespace, type TestNamespace } from "@oaas/testkit";
import { expect } from "chai";
import { deploymentClient, recordDetailClient, type ProtocolName } from "../support/clients.ts";
import { expectCode } from "../support/expect.ts";
import { fn, unit, withFunctions, withOdgm } from "../support/fixtures.ts";
import { installCrd, startTestIngress, type TestIngress } from "../support/ingress.ts";
import {
  addFinalizer,
  getRecord,
  listRecords,
  putForeignRecord,
  releaseAll,
  waitForRecordsServed,
} from "../support/records.ts";

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

  it("FAILED_PRECONDITION: ODGM requested while off, unknown or disabled template, missing namespace", async function () {
    const off = deploymentClient("grpc", plain.url);
    const e = await expectCode(
      off.deploy({ deploymentUnit: unit("wants-odgm", withOdgm("x")) }),
      Code.FailedPrecondition,
    );
    expect(e.rawMessage).to.contain("OPRC_CRM_FEATURES_ODGM");
    expect(await getRecord(plain.kube, ns.name, "wants-odgm")).to.equal(undefined);
    const on = deploymentClient("grpc", odgm.url);
    await expectCode(
      on.deploy({ deploymentUnit: unit("bad-template") }, { headers: { "x-template": "nope" } }),
      Code.FailedPrecondition,
    );
    await expectCode(
      on.deploy({ deploymentUnit: unit("kn-template") }, { headers: { "x-template": "knsvc" } }),
      Code.FailedPrecondition,
    );
    await expectCode(
      on.deploy(
        { deploymentUnit: unit("no-namespace") },
        { headers: { "x-namespace": "does-not-exist-ns" } },
      ),
      Code.PermissionDenied,
    );
    expect(await getRecord(plain.kube, ns.name, "bad-template")).to.equal(undefined);
    await on.deploy(
      { deploymentUnit: unit("alias-template") },
      { headers: { "x-template": "K8S_Deployment" } },
    );
    expect((await getRecord(odgm.kube, ns.name, "alias-template"))?.spec.selected_template).to.equal("full");
  });

  it("NOT_FOUND for status, runtime and delete of unknown ids; INVALID_ARGUMENT for an empty id", async function () {
    const client = deploymentClient("connect", odgm.url);
    await expectCode(client.getDeploymentStatus({ deploymentId: "never" }), Code.NotFound);
    await expectCode(client.getClassRuntime({ deploymentId: "never" }), Code.NotFound);
    await expectCode(client.deleteDeployment({ deploymentId: "never" }), Code.NotFound);
    await expectCode(client.getDeploymentStatus({ deploymentId: "" }), Code.InvalidArgument);
  });

  // A Deploy into a namespace no watcher watches once answered OK and left a record with
  // the cleanup finalizer that never got a status. The served namespaces
  // (OPRC_CRM_ALLOWED_NAMESPACES, each watched) are now a boundary: any RPC naming another
  // is PERMISSION_DENIED before anything is looked up, the same whether a record is there.
  it("x-namespace: only a served namespace is served; any other is PERMISSION_DENIED, record or not", async function () {
    let other: TestNamespace | undefined;
    try {
      other = await createTestNamespace("crm-other");
      const client = deploymentClient("grpc", odgm.url);
      // The served namespace named explicitly is the default one.
      await client.deploy({ deploymentUnit: unit("served-named") }, { headers: { "x-namespace": ns.name } });
      expect(await getRecord(odgm.kube, ns.name, "served-named")).to.not.equal(undefined);
      for (const target of [other.name, "kube-system"]) {
        const refused = await expectCode(
          client.deploy({ deploymentUnit: unit("elsewhere") }, { headers: { "x-namespace": target } }),
          Code.PermissionDenied,
        );
        expect(refused.rawMessage).to.contain(`may not act in namespace ${target}`);
        expect(await getRecord(odgm.kube, target, "elsewhere")).to.equal(undefined);
      }
      expect(await getRecord(odgm.kube, ns.name, "elsewhere")).to.equal(undefined);
      await expectCode(
        client.deploy({ deploymentUnit: unit("x") }, { headers: { "x-namespace": "Not_A_Namespace" } }),
        Code.InvalidArgument,
      );

      // A record written there by hand: reads and deletes answer exactly as for an absent one.
      await putForeignRecord(odgm.kube, other.name, "stuck", "stuck");
      await addFinalizer(odgm.kube, other.name, "stuck");
      const inOther = { headers: { "x-namespace": other.name } };
      for (const id of ["stuck", "absent"]) {
        const answers = [
          await expectCode(client.getDeploymentStatus({ deploymentId: id }, inOther), Code.PermissionDenied),
          await expectCode(client.deleteDeployment({ deploymentId: id }, inOther), Code.PermissionDenied),
          await expectCode(client.getClassRuntime({ deploymentId: id }, inOther), Code.PermissionDenied),
        ];
        for (const answer of answers) {
          expect(answer.rawMessage).to.equal(`anonymous may not act in namespace ${other.name}`);
          expect(answer.rawMessage).to.not.contain(id);
        }
      }
      expect((await getRecord(odgm.kube, other.name, "stuck"))?.metadata.deletionTimestamp).to.equal(
        undefined,
      );
    } finally {
      if (other) {
        await releaseAll(odgm.kube, other.name);
        await other.cleanup();
      }
    }
  });

  it("RecordDetailService: a record's status in full by id and x-namespace, the same errors; no history store: GetHistory UNIMPLEMENTED", async function () {
    let other: TestNamespace | undefined;
    try {
      other = await createTestNamespace("crm-detail");
      await deploymentClient("grpc", odgm.url).deploy({
        deploymentUnit: unit("detail-a", withFunctions(fn("a"))),
      });
      await putForeignRecord(odgm.kube, other.name, "detail-b", "detail-b");
      for (const protocol of ["grpc", "connect", "grpc-web"] as ProtocolName[]) {
        const records = recordDetailClient(protocol, odgm.url);
        // Stored, not reconciled (no reconciler here): Pending, nothing observed yet.
        const detail = await records.getStatusDetail({ deploymentId: "detail-a" });
        expect(detail, protocol).to.deep.include({
          deploymentId: "detail-a",
          namespace: ns.name,
          generation: 1n,
          summary: SummarizedStatus.SUMMARY_UNKNOWN,
          phase: "Pending",
          conditions: [],
          functions: [],
        });
        // Another namespace is outside the boundary, though the record is there.
        await expectCode(
          records.getStatusDetail({ deploymentId: "detail-b" }, { headers: { "x-namespace": other.name } }),
          Code.PermissionDenied,
        );
        const missing = await expectCode(
          records.getStatusDetail({ deploymentId: "detail-b" }),
          Code.NotFound,
        );
        expect(missing.rawMessage).to.equal(`no deployment "detail-b" in namespace ${ns.name}`);
        await expectCode(records.getStatusDetail({ deploymentId: "" }), Code.InvalidArgument);
        await expectCode(
          records.getStatusDetail(
            { deploymentId: "detail-a" },
            { headers: { "x-namespace": "Not_A_Namespace" } },
          ),
          Code.InvalidArgument,
        );
        await expectCode(records.getHistory({ deploymentId: "detail-a" }), Code.Unimplemented);
      }
      // Plain HTTP carries nothing about records any more.
      expect((await fetch(`${odgm.url}/api/v1/records/detail-a/status`)).status).to.equal(404);
    } finally {
      if (other) {
        await releaseAll(odgm.kube, other.name);
        await other.cleanup();
      }
    }
  });

  it("leaves no record behind for any refused request", async function () {
    const off = deploymentClient("grpc", plain.url);
    const on = deploymentClient("grpc", odgm.url);
    await expectCode(
      off.deploy({ deploymentUnit: unit("wants-odgm", withOdgm("x")) }),
      Code.FailedPrecondition,
    );
    for (const [id, headers] of [
      ["bad-template", { "x-template": "nope" }],
      ["kn-template", { "x-template": "knsvc" }],
      ["no-namespace", { "x-namespace": "does-not-exist-ns" }],
    ] as const) {
      const refused = await on.deploy({ deploymentUnit: unit(id) }, { headers }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused, id).to.be.instanceOf(Error);
    }
    const names = (await listRecords(odgm.kube, ns.name)).map((r) => r.spec.deployment_id);
    for (const refused of ["wants-odgm", "bad-template", "kn-template", "no-namespace"])
      expect(names).to.not.include(refused);
  });
});
