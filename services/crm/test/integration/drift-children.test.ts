// Drift repair against a real API server beyond the pod template edits of drift.test.ts:
// a removed owner reference is put back, a converged record with every child kind shows
// no false drift, a Service's added selector key and port are taken out, and a writer
// that re-adds its edit after every repair ends in Degraded DriftNotRepaired naming the
// field, not in an endless loop. The handler is called directly (no queue, no watcher).
import type { KubeClient, JsonPatchOperation } from "@oaas/kube";
import { listObjects } from "@oaas/kube";
import type { TestNamespace } from "@oaas/testkit";
import { expect } from "chai";
import { driftRepairAnnotation } from "../../src/reconciler/drift-marker.ts";
import { edits, image, useDriftHarness } from "../support/drift.ts";
import { getRecord } from "../support/records.ts";
import {
  deployRecord,
  deploymentsType,
  getChild,
  harness,
  hpasType,
  jobFor,
  reconcileUntil,
  servicesType,
  type Harness,
} from "../support/reconciler.ts";
describe("crm reconciler: drift repair holds (real API server)", function () {
  this.timeout(240_000);
  const fixture = useDriftHarness();
  let ns: TestNamespace;
  let kube: KubeClient;
  let h: Harness;
  before(function () {
    ({ ns, kube, h } = fixture.state());
  });
  const { childName, deploymentPath, live, deployed, write, history, eventsFor } = fixture;

  // Found by a newcomer: ownerReferences patched away made the record Failed (NameConflict)
  // and the child outlived the record's delete.
  it("a child whose owner reference was removed is adopted: the reference is put back, the record stays healthy", async function () {
    const r = await deployed("orphaned");
    const job = jobFor(r);
    await kube.request({
      method: "PATCH",
      path: deploymentPath(childName(r)),
      query: { fieldManager: "kubectl-patch" },
      contentType: "application/json-patch+json",
      body: [{ op: "replace", path: "/metadata/ownerReferences", value: [] }],
    });
    type Owned = { metadata: { ownerReferences?: { uid: string }[] } };
    const refsOf = async () =>
      ((await getChild(kube, deploymentsType, ns.name, childName(r))) as unknown as Owned).metadata
        .ownerReferences ?? [];
    expect(await refsOf()).to.deep.equal([]);
    const result = await h.handle(job);
    expect(result.kind, JSON.stringify(result)).to.not.equal("terminal");
    expect((await refsOf()).map((ref) => ref.uid)).to.deep.equal([r.metadata.uid]);
    expect(history(r, "failed")).to.have.length(0);
    const after = await getRecord(kube, ns.name, "orphaned");
    expect(after?.status?.conditions?.find((c) => c.type === "Degraded")?.status).to.not.equal("True");
  });

  it("no false drift: a converged record with ODGM and an HPA (every child kind, API-server defaults) writes and records nothing more", async function () {
    const full = await harness(kube, { odgm: true, hpa: true });
    const written = await deployRecord(kube, ns.name, {
      deployment_id: "full",
      functions: [
        {
          function_key: "fn",
          provision_config: { container_image: image, port: 8080, min_scale: 1, max_scale: 3 },
          config: { MODE: "prod" },
        },
      ],
      addons: ["odgm"],
      odgm_config: { collections: ["orders"] },
    });
    const job = jobFor(written);
    await reconcileUntil(full, job, (result) => result.kind === "done", "full converged", 90_000);
    type Meta = { metadata: { name: string; resourceVersion: string; annotations?: Record<string, string> } };
    const versions = async () =>
      (
        await Promise.all(
          [deploymentsType, servicesType, hpasType].map((t) => listObjects<Meta>(kube, t, ns.name)),
        )
      )
        .flat()
        .filter((c) => c.metadata.name.startsWith(written.metadata.name))
        .map((c) => [
          c.metadata.name,
          c.metadata.resourceVersion,
          c.metadata.annotations?.[driftRepairAnnotation],
        ]);
    const before = await versions();
    expect(before.length).to.be.at.least(5);
    for (let n = 0; n < 3; n++) expect((await full.handle(job)).kind).to.equal("done");
    expect(await versions()).to.deep.equal(before);
    const mine = full.history.entries.filter((e) => e.record === `${ns.name}/${written.metadata.name}`);
    expect(mine.filter((e) => e.type === "drift-repaired" || e.type === "failed")).to.deep.equal([]);
  });

  it("Service: a selector key and a port another manager added are taken out (one entry); its cluster IP stays", async function () {
    const r = await deployed("svc");
    const name = childName(r);
    const servicePath = `/api/v1/namespaces/${ns.name}/services/${name}`;
    type LiveService = {
      spec?: { clusterIP?: string; selector?: Record<string, string>; ports?: { port: number }[] };
    };
    const read = async () => (await kube.request<LiveService>({ method: "GET", path: servicePath })).spec;
    const before = await read();
    await kube.request({
      method: "PATCH",
      path: servicePath,
      query: { fieldManager: "kubectl-edit" },
      contentType: "application/strategic-merge-patch+json",
      body: { spec: { selector: { extra: "1" }, ports: [{ name: "debug", port: 9999, targetPort: 9999 }] } },
    });
    expect((await read())?.ports).to.have.length(2);
    await h.handle(jobFor(r));
    await h.handle(jobFor(r));
    const after = await read();
    expect(after?.selector).to.deep.equal(before?.selector);
    expect(after?.ports).to.deep.equal(before?.ports);
    expect(after?.clusterIP).to.equal(before?.clusterIP);
    const entries = history(r, "drift-repaired");
    expect(entries).to.have.length(1);
    expect(entries[0]?.message)
      .to.contain("spec.selector[extra]")
      .and.to.contain("spec.ports[9999/TCP]")
      .and.to.contain("kubectl-edit");
    expect(entries[0]?.objects).to.deep.equal([`Service/${name}`]);
  });

  it("a writer that re-adds its edit after every repair: Degraded DriftNotRepaired naming the field, no endless loop; clean again once it stops", async function () {
    const r = await deployed("fight");
    const job = jobFor(r);
    const path = "spec.template.spec.containers[function].env[HACK2]";
    const hack = edits[0] ?? { name: "" };
    const hasHack = async () =>
      (await live(r)).spec?.template?.spec?.containers?.some((c) =>
        c.env?.some((e) => e.name === "HACK2"),
      ) === true;
    const degraded = async () =>
      (await getRecord(kube, ns.name, "fight"))?.status?.conditions?.find((c) => c.type === "Degraded");

    // Two rounds: each repair holds when checked, and the writer puts its edit back.
    for (let round = 1; round <= 2; round++) {
      await write(r, hack, "patch", "kubectl-set");
      await h.handle(job);
      expect(await hasHack(), `round ${round}: repaired`).to.equal(false);
      expect(history(r, "drift-repaired")).to.have.length(round);
    }
    // Third time: the CRM stops fighting and says so, naming the field and the writer.
    await write(r, hack, "patch", "kubectl-set");
    await h.handle(job);
    expect(await hasHack()).to.equal(true);
    const condition = await degraded();
    expect(condition?.status).to.equal("True");
    expect(condition?.reason).to.equal("DriftNotRepaired");
    expect(condition?.message).to.contain(path).and.to.contain("kubectl-set");
    const record = await getRecord(kube, ns.name, "fight");
    expect(record?.status?.phase).to.equal("Degraded");

    // Further runs (the writer's events, resyncs) write nothing and record nothing.
    const generation = (await live(r)).metadata.generation;
    for (let n = 0; n < 4; n++) await h.handle(job);
    expect((await live(r)).metadata.generation).to.equal(generation);
    expect(history(r, "drift-repaired")).to.have.length(2);
    expect(history(r, "failed").map((e) => e.reason)).to.deep.equal(["DriftNotRepaired"]);
    const warnings = await eventsFor(r, "DriftNotRepaired");
    expect(warnings).to.have.length(1);
    expect(warnings[0]?.type).to.equal("Warning");
    expect(warnings[0]?.note).to.contain(path);

    // The writer stops and a person takes its edit out: Degraded clears, the marker goes,
    // and the same edit later is put back again (the count starts afresh).
    const d = await live(r);
    const index = d.spec?.template?.spec?.containers?.[0]?.env?.findIndex((e) => e.name === "HACK2") ?? -1;
    const operations: JsonPatchOperation[] = [
      { op: "remove", path: `/spec/template/spec/containers/0/env/${index}` },
    ];
    await kube.request({
      method: "PATCH",
      path: deploymentPath(childName(r)),
      query: { fieldManager: "a-person" },
      contentType: "application/json-patch+json",
      body: operations,
    });
    await reconcileUntil(
      h,
      job,
      async () => (await degraded())?.status === "False",
      "Degraded cleared after the edit was taken out",
    );
    expect((await live(r)).metadata.annotations?.[driftRepairAnnotation]).to.equal(undefined);
    await write(r, hack, "patch", "kubectl-set");
    await h.handle(job);
    expect(await hasHack()).to.equal(false);
    expect(history(r, "drift-repaired")).to.have.length(3);
  });
});
