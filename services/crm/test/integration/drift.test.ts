// Drift repair against a real API server: hand edits of a child a real reconcile made,
// written the two ways other tools write (a client-side patch by another field manager,
// as kubectl set env / edit do, and a server-side apply by another field manager), are put
// back to exactly what the templates render in every part the CRM renders (server-side
// apply alone leaves items another manager added), or kept when the CRM renders no such
// field; one history entry and one Event per real repair, none for an unrelated run. A
// writer that re-adds its edit after every repair ends in Degraded DriftNotRepaired naming
// the field, not in an endless loop. The handler is called directly (no queue, no
// watcher), as the watcher would on each child event.
import type * as k8s from "@kubernetes/client-node";
import { functionChildName, type DeploymentRecord, type DeploymentRecordSpec } from "@oaas/crd";
import { KubeClient, listObjects, type JsonPatchOperation } from "@oaas/kube";
import { render, type RenderedObject } from "@oaas/templates";
import {
  createTestNamespace,
  testCluster,
  waitCrmChildReady,
  waitFor,
  type TestNamespace,
} from "@oaas/testkit";
import { expect } from "chai";
import { driftRepairAnnotation } from "../../src/reconciler/drift-marker.ts";
import { deploymentClient, recordDetailClient } from "../support/clients.ts";
import { useCrmSuite } from "../support/crm-suite.ts";
import { unit } from "../support/fixtures.ts";
import { installCrd } from "../support/ingress.ts";
import { getRecord, releaseAll } from "../support/records.ts";
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

interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec?: {
    containers?: {
      name: string;
      image?: string;
      env?: { name: string; value?: string }[];
      ports?: { containerPort: number }[];
      volumeMounts?: unknown[];
    }[];
  };
}
interface LiveDeployment {
  metadata: { annotations?: Record<string, string>; generation?: number };
  spec?: { template?: PodTemplate };
}
interface StoredEvent {
  type?: string;
  reason?: string;
  note?: string;
  regarding?: { name?: string };
}

const image = "ghcr.io/oaas/test-fn:1";
const spec = (id: string): DeploymentRecordSpec => ({
  deployment_id: id,
  functions: [
    {
      function_key: "fn",
      provision_config: { container_image: image, port: 8080 },
      config: { MODE: "prod" },
    },
  ],
});

/** A change another tool makes to the function container / pod template, in both forms. */
interface Edit {
  name: string;
  /** The pod template part, as both a strategic merge patch and an apply configuration carry it. */
  template?: PodTemplate;
  /** Object metadata instead. */
  metadata?: { annotations: Record<string, string> };
  /** The field the history entry must name; undefined: kept, not drift. */
  path?: string;
}

const edits: Edit[] = [
  {
    name: "env added",
    template: { spec: { containers: [{ name: "function", env: [{ name: "HACK2", value: "1" }] }] } },
    path: "spec.template.spec.containers[function].env[HACK2]",
  },
  {
    name: "env value changed",
    template: { spec: { containers: [{ name: "function", env: [{ name: "MODE", value: "debug" }] }] } },
    path: "spec.template.spec.containers[function].env[MODE].value",
  },
  {
    name: "port added",
    template: { spec: { containers: [{ name: "function", ports: [{ containerPort: 9090 }] }] } },
    path: "spec.template.spec.containers[function].ports[9090/TCP]",
  },
  {
    name: "container added",
    template: { spec: { containers: [{ name: "sidecar", image: "ghcr.io/oaas/sidecar:1" }] } },
    path: "spec.template.spec.containers[sidecar]",
  },
  {
    name: "pod-template label added",
    template: { metadata: { labels: { hack: "1" } } },
    path: "spec.template.metadata.labels[hack]",
  },
  { name: "annotation we never render", metadata: { annotations: { "example.com/note": "kept" } } },
];

type Writer = "patch" | "apply";

describe("crm reconciler: drift repair holds (real API server)", function () {
  this.timeout(240_000);
  let ns: TestNamespace;
  let kc: k8s.KubeConfig;
  let kube: KubeClient;
  let h: Harness;

  before(async function () {
    kc = (await testCluster()).kc;
    ns = await createTestNamespace("drift");
    await installCrd(kc);
    kube = await KubeClient.create(kc);
    h = await harness(kube);
  });
  after(async function () {
    await releaseAll(kube, ns.name);
    await kube.close();
    await ns.cleanup();
  });

  const childName = (r: DeploymentRecord) => functionChildName(r.metadata.name, "fn");
  const deploymentPath = (name: string) => `/apis/apps/v1/namespaces/${ns.name}/deployments/${name}`;
  const live = async (r: DeploymentRecord) =>
    (await getChild(kube, deploymentsType, ns.name, childName(r))) as unknown as LiveDeployment;

  /** Deploys and reconciles until Available for the current generation (KWOK makes pods Ready). */
  async function deployed(id: string): Promise<DeploymentRecord> {
    const written = await deployRecord(kube, ns.name, spec(id));
    return reconcileUntil(
      h,
      jobFor(written),
      async () => {
        const r = await getRecord(kube, ns.name, id);
        const available = r?.status?.conditions?.find((c) => c.type === "Available");
        return available?.status === "True" && available.observedGeneration === r?.metadata.generation
          ? r
          : undefined;
      },
      `${id} Available`,
      90_000,
    );
  }

  /** What the templates render for the record's function Deployment (the reconciler's own render). */
  function rendered(r: DeploymentRecord): { template: PodTemplate } {
    const result = render(r, h.context);
    if (!result.ok) throw new Error(`render failed: ${JSON.stringify(result.error)}`);
    const d = result.objects.find(
      (o: RenderedObject) => o.kind === "Deployment" && o.metadata?.name === childName(r),
    );
    return (d as { spec: { template: PodTemplate } }).spec;
  }

  /** Writes `edit` as another tool would: kubectl's strategic merge patch, or a forced apply. */
  async function write(r: DeploymentRecord, edit: Edit, writer: Writer, manager: string): Promise<void> {
    const body = {
      ...(edit.metadata ? { metadata: edit.metadata } : {}),
      ...(edit.template ? { spec: { template: edit.template } } : {}),
    };
    if (writer === "patch") {
      await kube.request({
        method: "PATCH",
        path: deploymentPath(childName(r)),
        query: { fieldManager: manager },
        contentType: "application/strategic-merge-patch+json",
        body,
      });
      return;
    }
    const applied = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      ...body,
      metadata: { name: childName(r), namespace: ns.name, ...body.metadata },
    };
    await kube.request({
      method: "PATCH",
      path: deploymentPath(childName(r)),
      query: { fieldManager: manager, force: true },
      contentType: "application/apply-patch+yaml",
      body: applied,
    });
  }

  const history = (r: DeploymentRecord, type: string) =>
    h.history.entries.filter((e) => e.record === `${ns.name}/${r.metadata.name}` && e.type === type);
  const eventsFor = async (r: DeploymentRecord, reason: string) =>
    (
      await listObjects<StoredEvent>(
        kube,
        { group: "events.k8s.io", version: "v1", plural: "events", namespaced: true },
        ns.name,
      )
    ).filter((e) => e.reason === reason && e.regarding?.name === r.metadata.name);

  /** Every part the CRM renders of the pod template, as the live object has it. */
  function renderedParts(template: PodTemplate | undefined) {
    return {
      labels: template?.metadata?.labels,
      containers: (template?.spec?.containers ?? []).map((c) => ({
        name: c.name,
        image: c.image,
        env: c.env,
        ports: (c.ports ?? []).map((p) => p.containerPort),
        volumeMounts: c.volumeMounts,
      })),
    };
  }

  const writers: Writer[] = ["patch", "apply"];
  for (const writer of writers) {
    for (const [i, edit] of edits.entries()) {
      const verdict = edit.path === undefined ? "kept" : "repaired";
      it(`${edit.name} by ${writer === "patch" ? "a client-side patch" : "server-side apply"} (another field manager): ${verdict}`, async function () {
        const r = await deployed(`${writer}-${i}`);
        const job = jobFor(r);
        const want = renderedParts(rendered(r).template);
        expect(renderedParts((await live(r)).spec?.template)).to.deep.equal(want);
        const manager = writer === "patch" ? "kubectl-set" : "other-tool";
        await write(r, edit, writer, manager);
        const edited = await live(r);
        if (edit.template) expect(renderedParts(edited.spec?.template)).not.to.deep.equal(want);

        await h.handle(job);
        const after = await live(r);
        // What we render is back exactly; what we never render stays.
        expect(renderedParts(after.spec?.template)).to.deep.equal(want);
        if (edit.metadata) expect(after.metadata.annotations?.["example.com/note"]).to.equal("kept");

        // Unrelated runs (the watcher's event for our own write, a resync) add nothing.
        await h.handle(job);
        await h.handle(job);
        const entries = history(r, "drift-repaired");
        const events = await eventsFor(r, "DriftRepaired");
        if (edit.path === undefined) {
          expect(entries).to.have.length(0);
          expect(events).to.have.length(0);
          return;
        }
        expect(entries, JSON.stringify(entries)).to.have.length(1);
        expect(entries[0]?.message).to.contain(edit.path).and.to.contain(manager);
        expect(entries[0]?.objects).to.deep.equal([`Deployment/${childName(r)}`]);
        expect(events).to.have.length(1);
        expect(events[0]?.type).to.equal("Normal");
        expect(events[0]?.note).to.contain(edit.path);
        expect(history(r, "failed")).to.have.length(0);
        // The repair rolled the pods: a routine rollout, so its Unavailable Event is Normal.
        const rollout = await eventsFor(r, "Unavailable");
        expect(rollout).to.have.length.above(0);
        expect(rollout.map((e) => e.type)).to.satisfy((types: string[]) =>
          types.every((t) => t === "Normal"),
        );
      });
    }
  }

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

// The user's report, end to end: `crm all` (watcher, queue, reconciler) and
// `kubectl set env` on a child made three drift-repaired entries within 0.2 s and kept
// the variable, because every event of the fight was another run that "repaired" it.
describe("crm pipeline: kubectl set env on a child is put back once (watcher, queue, reconciler)", function () {
  this.timeout(240_000);
  const suite = useCrmSuite({ namespace: "drift-pipe" });

  it("HACK2 goes, exactly one drift-repaired entry in the Redis history, the record Available again", async function () {
    const kube = suite.kube;
    const all = await suite.crm(["all"]);
    await waitCrmChildReady(all);
    const id = "set-env";
    await deploymentClient("grpc", all.url).deploy({ deploymentUnit: unit(id) });
    const record = async () => getRecord(kube, suite.namespace, id);
    const phase = async () => (await record())?.status?.phase;
    await waitFor(async () => (await phase()) === "Available", {
      description: `${id} Available`,
      timeoutMs: 120_000,
      intervalMs: 300,
    });
    const r = await record();
    if (r === undefined) throw new Error("record gone");
    const name = functionChildName(r.metadata.name, "fn");
    const path = `/apis/apps/v1/namespaces/${suite.namespace}/deployments/${name}`;
    // What `kubectl set env deployment/<child> HACK2=1` sends.
    await kube.request({
      method: "PATCH",
      path,
      query: { fieldManager: "kubectl-set" },
      contentType: "application/strategic-merge-patch+json",
      body: {
        spec: {
          template: { spec: { containers: [{ name: "function", env: [{ name: "HACK2", value: "1" }] }] } },
        },
      },
    });
    const records = recordDetailClient("grpc", all.url);
    const history = async () =>
      (await records.getHistory({ deploymentId: id })).entries.map(({ type, message }) => ({
        type,
        message,
      }));
    const env = async () =>
      (
        (await getChild(kube, deploymentsType, suite.namespace, name)) as unknown as
          LiveDeployment | undefined
      )?.spec?.template?.spec?.containers?.[0]?.env ?? [];
    // Put back, rolled out again, and recorded.
    await waitFor(
      async () =>
        !(await env()).some((e) => e.name === "HACK2") &&
        (await phase()) === "Available" &&
        (await history()).some((e) => e.type === "drift-repaired"),
      {
        description: "HACK2 removed, Available again, drift-repaired recorded",
        timeoutMs: 120_000,
        intervalMs: 300,
      },
    );
    const repaired = (await history()).filter((e) => e.type === "drift-repaired");
    expect(repaired, JSON.stringify(repaired)).to.have.length(1);
    expect(repaired[0]?.message).to.contain("spec.template.spec.containers[function].env[HACK2]");
    expect((await history()).filter((e) => e.type === "failed")).to.have.length(0);
  });
});
