// Every rendered object of every golden case is accepted by the real API server
// (server-side apply, dryRun=All, strict field validation) in a fresh namespace, owned by
// a real DeploymentRecord. Knative and Prometheus Operator kinds come from minimal CRDs
// written here (free-form spec), so for them only metadata is really checked.
import type * as k8s from "@kubernetes/client-node";
import {
  apiVersion,
  deploymentRecordCrd,
  deploymentRecordType,
  group,
  plural,
  version,
  type DeploymentRecord,
} from "@oaas/crd";
import { resourcePath, type KubeClient } from "@oaas/kube";
import { installCrd, testCluster, useTestNamespace, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { render, type RenderedObject } from "../../src/index.ts";
import { inNamespace } from "../fixtures.ts";
import { goldenCases } from "../golden-cases.ts";
import { applyDryRun, fieldManager, installTestCrds, removeCrds } from "./support.ts";

const builtIn = new Set(["v1", "apps/v1", "autoscaling/v2"]);

describe("templates: rendered objects on the real API server (dry-run apply)", function () {
  this.timeout(120_000);
  const ns = useTestNamespace("tpl");
  let kube: KubeClient;
  let createdCrds: string[] = [];

  before(async () => {
    ({ kube } = await testCluster());
    createdCrds = await installTestCrds(kube);
    // The DeploymentRecord CRD is shared with other suites: applied, never deleted.
    await installCrd(kube, deploymentRecordCrd(), fieldManager);
    // Established precedes the handler serving the schema; wait until a list really works.
    await waitFor(
      async () => {
        await kube.request({
          method: "GET",
          path: `/apis/${group}/${version}/${plural}`,
          query: { limit: 1 },
        });
        return true;
      },
      { description: `${apiVersion} ${plural} served`, timeoutMs: 30_000 },
    );
  });

  after(async () => {
    // Only the CRDs this suite created; the DeploymentRecord CRD is shared and stays.
    if (createdCrds.length > 0) await removeCrds(kube, createdCrds);
  });

  /** Creates the record for real so its uid is one the API server issued. */
  async function createRecord(record: DeploymentRecord): Promise<DeploymentRecord> {
    const metadata = { ...record.metadata };
    delete metadata.uid;
    return kube.request<DeploymentRecord>({
      method: "POST",
      path: resourcePath(deploymentRecordType, ns.name),
      query: { fieldManager },
      body: { ...record, metadata },
    });
  }

  async function expectAccepted(objects: readonly RenderedObject[]): Promise<void> {
    for (const object of objects) {
      const outcome = await applyDryRun(kube, object);
      const label = `${object.apiVersion ?? ""} ${object.kind ?? ""} ${object.metadata?.name ?? ""}`;
      // 201: apply would create it (dry-run), 200: it would update.
      expect(outcome.status, `${label}: ${JSON.stringify(outcome.body["message"])}`).to.be.oneOf([200, 201]);
      const meta = outcome.body["metadata"] as k8s.V1ObjectMeta;
      expect(meta.ownerReferences, label).to.deep.equal(object.metadata?.ownerReferences);
      expect(meta.labels, label).to.deep.equal(object.metadata?.labels);
      // Custom kinds get no defaults: the served spec must be exactly what was sent (nothing pruned).
      if (!builtIn.has(object.apiVersion ?? ""))
        expect(outcome.body["spec"], label).to.deep.equal(object.spec);
    }
  }

  for (const golden of goldenCases) {
    it(`${golden.name}: every object accepted`, async () => {
      const stored = await createRecord(golden.record(inNamespace(ns.name)));
      expect(stored.metadata.uid).to.be.a("string");
      const result = render(
        { ...golden.record(inNamespace(ns.name)), metadata: stored.metadata },
        golden.context,
      );
      if (!result.ok) return expect.fail(JSON.stringify(result.error));
      expect(result.objects.length).to.be.greaterThan(0);
      await expectAccepted(result.objects);
    });
  }

  it("an owner reference to a record that does not exist is accepted too (the GC, not admission, acts on it)", async () => {
    const golden = goldenCases[0];
    if (golden === undefined) return expect.fail("no golden case");
    const record = golden.record(
      inNamespace(ns.name),
      (r) => void (r.metadata.uid = "00000000-0000-4000-8000-000000000000"),
    );
    const result = render(record, golden.context);
    if (!result.ok) return expect.fail(JSON.stringify(result.error));
    await expectAccepted(result.objects);
  });

  it("the check has teeth: an unknown field or an invalid value is refused", async () => {
    const golden = goldenCases[1];
    if (golden === undefined) return expect.fail("no golden case");
    const stored = await createRecord(
      golden.record(inNamespace(ns.name), (r) => void (r.metadata.name = "teeth")),
    );
    const result = render(
      { ...golden.record(inNamespace(ns.name)), metadata: stored.metadata },
      golden.context,
    );
    if (!result.ok) return expect.fail(JSON.stringify(result.error));
    const deployment = result.objects.find((o) => o.kind === "Deployment");
    if (deployment === undefined) return expect.fail("no Deployment rendered");
    const typo = plain(deployment);
    typo["spec"] = { ...plain(deployment.spec), replicaz: 2 };
    const typoOutcome = await applyDryRun(kube, typo);
    // The API server answers 500 for a field the apply schema lacks ("field not declared in schema").
    expect(typoOutcome.status).to.not.be.within(200, 299);
    expect(String(typoOutcome.body["message"])).to.match(/replicaz/);
    const badLabel = plain(deployment);
    badLabel["metadata"] = { ...plain(deployment.metadata), labels: { app: "not valid!" } };
    expect((await applyDryRun(kube, badLabel)).status).to.equal(422);
  });
});

/** A JSON copy as a plain record, to break a rendered object on purpose. */
function plain(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
