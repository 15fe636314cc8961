// The reconciler's guards against a real API server with KWOK nodes: an object of someone
// else's holding a child's name is never touched (terminal NameConflict), a record edited by
// hand past the ingress's validation is Degraded naming the field while its children keep
// running, and a repeated Event is one Event with a series count. Split from
// reconciler.test.ts (the life of a record); the handler is called directly, as there.
import {
  createEventRecorder,
  eventName,
  events,
  applyObject,
  KubeClient,
  listObjects,
  type KubeObject,
} from "@oaas/kube";
import { functionChildName, ownerLabel, type DeploymentRecord } from "@oaas/crd";
import { createTestNamespace, testCluster, type TestNamespace } from "@oaas/testkit";
import { expect } from "chai";
import { installCrd } from "../support/ingress.ts";
import { getRecord, releaseAll } from "../support/records.ts";
import {
  convergeRecord,
  deployRecord,
  deploymentsType,
  getChild,
  harness,
  jobFor,
  servicesType,
  type Child,
  type Harness,
} from "../support/reconciler.ts";

const fnSpec = (key: string, extra: Record<string, unknown> = {}) => ({
  function_key: key,
  provision_config: { container_image: "ghcr.io/oaas/test-fn:1", port: 8080, ...extra },
});
const condition = (r: DeploymentRecord | undefined, type: string) =>
  r?.status?.conditions?.find((c) => c.type === type);

describe("crm reconciler guards (real API server, KWOK nodes)", function () {
  this.timeout(180_000);
  let ns: TestNamespace;
  let kube: KubeClient;
  let plain: Harness;

  before(async function () {
    const { kc } = await testCluster();
    ns = await createTestNamespace("reconciler-guards");
    await installCrd(kc);
    kube = await KubeClient.create(kc);
    plain = await harness(kube);
  });
  after(async function () {
    // Records keep their finalizer without a reconciler: drop it so the namespace can go.
    await releaseAll(kube, ns.name);
    await kube.close();
    await ns.cleanup();
  });
  const record = (id: string) => getRecord(kube, ns.name, id);
  const converge = (h: Harness, spec: Parameters<typeof convergeRecord>[3]) =>
    convergeRecord(kube, h, ns.name, spec);

  it("ownership: a hand-made Deployment holding a child's name is a terminal NameConflict and stays untouched", async function () {
    const id = "taken";
    const recordNameOf = "taken";
    const name = functionChildName(recordNameOf, "a");
    const handMade: KubeObject & { spec: unknown } = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: ns.name },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "mine" } },
        template: {
          metadata: { labels: { app: "mine" } },
          spec: { containers: [{ name: "c", image: "mine:1" }] },
        },
      },
    };
    const foreign = await applyObject(kube, deploymentsType, handMade, {
      fieldManager: "kubectl-client-side-apply",
    });
    const written = await deployRecord(kube, ns.name, { deployment_id: id, functions: [fnSpec("a")] });
    const result = await plain.handle(jobFor(written));
    expect(result.kind).to.equal("terminal");
    const r = await record(id);
    const degraded = condition(r, "Degraded");
    expect(degraded).to.include({ status: "True", reason: "NameConflict" });
    expect(degraded?.message).to.contain(`Deployment/${name}`).and.to.contain("kubectl-client-side-apply");
    expect(r?.status?.phase).to.equal("Failed");
    // Untouched: same spec generation, no field of ours, no owner label or reference.
    const after = await getChild(kube, deploymentsType, ns.name, name);
    expect(after?.metadata.generation).to.equal(
      (foreign.metadata as Child["metadata"] | undefined)?.generation,
    );
    expect(after?.metadata.managedFields?.map((m) => m.manager)).to.not.include("oaas-crm-reconciler");
    expect(after?.metadata.labels?.[ownerLabel]).to.equal(undefined);
    expect(after?.metadata.ownerReferences).to.equal(undefined);
    expect(after?.spec?.template?.spec?.containers?.map((c) => c.image)).to.deep.equal(["mine:1"]);
    expect(await getChild(kube, servicesType, ns.name, name)).to.equal(undefined);
    const failed = plain.history.entries.filter(
      (e) => e.record === `${ns.name}/${written.metadata.name}` && e.type === "failed",
    );
    expect(failed.map((e) => e.reason)).to.deep.equal(["NameConflict"]);
  });

  it("bad input written by hand (bypassing the ingress) is Degraded with the field path; running children untouched", async function () {
    const r = await converge(plain, { deployment_id: "handwritten", functions: [fnSpec("a")] });
    const name = functionChildName(r.metadata.name, "a");
    const before = await getChild(kube, deploymentsType, ns.name, name);
    const patchSpec = (spec: Record<string, unknown>) =>
      kube.request({
        method: "PATCH",
        path: `/apis/oaas.io/v1alpha1/namespaces/${ns.name}/deploymentrecords/${r.metadata.name}`,
        query: { fieldManager: "kubectl-edit" },
        contentType: "application/merge-patch+json",
        body: { spec },
      });
    await patchSpec({ functions: [fnSpec("a", { cpu_request: "lots" })] });
    expect((await plain.handle(jobFor(r))).kind).to.equal("terminal");
    let degraded = condition(await record("handwritten"), "Degraded");
    expect(degraded).to.include({ status: "True", reason: "InvalidSpec" });
    expect(degraded?.message).to.contain("spec.functions[0].provision_config.cpu_request");
    await patchSpec({ functions: [fnSpec("a")], selected_template: "no-such-template" });
    expect((await plain.handle(jobFor(r))).kind).to.equal("terminal");
    const bad = await record("handwritten");
    degraded = condition(bad, "Degraded");
    expect(degraded).to.include({ status: "True", reason: "TemplateNotFound" });
    expect(degraded?.message).to.contain("spec.selected_template");
    expect(condition(bad, "Available")?.status).to.equal("True"); // still running
    // Untouched: no new spec generation and our last write to it is the one from before.
    const after = await getChild(kube, deploymentsType, ns.name, name);
    expect(after?.metadata.generation).to.equal(before?.metadata.generation);
    const ours = (c: Child | undefined) =>
      c?.metadata.managedFields?.find((m) => m.manager === "oaas-crm-reconciler");
    expect(ours(after)).to.deep.equal(ours(before));
  });

  it("Events: a repeated occurrence bumps series.count on one Event instead of creating another", async function () {
    const recorder = createEventRecorder(kube, {
      controller: "oaas.io/crm-reconciler",
      instance: "t",
      now: () => new Date(),
    });
    const input = {
      regarding: { apiVersion: "v1", kind: "ConfigMap", name: "repeat", namespace: ns.name, uid: "u-repeat" },
      type: "Normal" as const,
      reason: "Tested",
      action: "Test",
      note: "the same thing again",
    };
    for (let i = 0; i < 3; i++) await recorder.record(input);
    const stored = await kube.request<{ series?: { count?: number }; reason?: string }>({
      method: "GET",
      path: `/apis/events.k8s.io/v1/namespaces/${ns.name}/events/${eventName(input)}`,
    });
    expect(stored.series?.count).to.equal(3);
    const all = await listObjects<{ reason?: string }>(kube, events, ns.name);
    expect(all.filter((e) => e.reason === "Tested")).to.have.length(1);
  });
});
