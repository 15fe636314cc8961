// The reconcile handler against a real API server with KWOK nodes: records become
// Ready pods, updates roll and prune, deletes leave nothing, a converged record costs
// zero mutating calls (the API server's own count), hand edits are put back (guards:
// reconciler-guards.test.ts; replica hand-overs: replica-handover.test.ts). The queue and
// watcher are not used: the handler is called directly, and called again until the
// awaited state holds (as the watcher would).
import type * as k8s from "@kubernetes/client-node";
import {
  finalizer,
  functionChildName,
  labelValue,
  odgmChildName,
  ownerLabel,
  reconcilerFieldManager,
  type DeploymentRecordSpec,
} from "@oaas/crd";
import { applyObject, KubeClient, listObjects, type KubeObject } from "@oaas/kube";
import { createTestNamespace, testCluster, waitFor, type TestNamespace } from "@oaas/testkit";
import { expect } from "chai";
import { installCrd } from "../support/ingress.ts";
import { getRecord, releaseAll } from "../support/records.ts";
import {
  apiserverMutations,
  convergeRecord,
  deployRecord,
  deploymentsType,
  getChild,
  harness,
  hpasType,
  isAvailable,
  jobFor,
  podsType,
  reconcileUntil,
  servicesType,
  type Harness,
} from "../support/reconciler.ts";

const image = (tag: string) => `ghcr.io/oaas/test-fn:${tag}`;
const fnSpec = (key: string, extra: Record<string, unknown> = {}) => ({
  function_key: key,
  provision_config: { container_image: image("1"), port: 8080, ...extra },
});

describe("crm reconciler (real API server, KWOK nodes)", function () {
  this.timeout(180_000);
  let ns: TestNamespace;
  let kc: k8s.KubeConfig;
  let kube: KubeClient;
  let plain: Harness;
  let withOdgm: Harness;
  let withHpa: Harness;

  before(async function () {
    kc = (await testCluster()).kc;
    ns = await createTestNamespace("reconciler");
    await installCrd(kc);
    kube = await KubeClient.create(kc);
    plain = await harness(kube);
    withOdgm = await harness(kube, { odgm: true });
    withHpa = await harness(kube, { hpa: true });
  });
  after(async function () {
    // Records keep their finalizer without a reconciler: drop it so the namespace can go.
    await releaseAll(kube, ns.name);
    await kube.close();
    await ns.cleanup();
  });

  const record = (id: string) => getRecord(kube, ns.name, id);
  /** Deploys and reconciles until Available for the current generation. */
  const converge = (h: Harness, spec: DeploymentRecordSpec) => convergeRecord(kube, h, ns.name, spec);

  it("a 2-function record with ODGM becomes Available with Ready pods, refs with UIDs, owner refs, labels and a working ODGM_SERVICE", async function () {
    const id = "shop-odgm";
    const r = await converge(withOdgm, {
      deployment_id: id,
      class_key: "shop",
      functions: [fnSpec("cart"), fnSpec("pay", { port: 9090 })],
      addons: ["odgm"],
      odgm_config: { collections: ["orders"] },
    });
    const names = [
      functionChildName(r.metadata.name, "cart"),
      functionChildName(r.metadata.name, "pay"),
      odgmChildName(r.metadata.name),
    ];
    for (const name of names) {
      for (const type of [deploymentsType, servicesType]) {
        const child = await getChild(kube, type, ns.name, name);
        expect(child, `${type.plural}/${name}`).to.not.equal(undefined);
        expect(child?.metadata.labels?.[ownerLabel]).to.equal(r.metadata.name);
        expect(child?.metadata.ownerReferences).to.deep.include({
          apiVersion: "oaas.io/v1alpha1",
          kind: "DeploymentRecord",
          name: r.metadata.name,
          uid: r.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        });
      }
    }
    // Pods Ready on the KWOK nodes.
    const pods = await listObjects<{ status?: { conditions?: { type: string; status: string }[] } }>(
      kube,
      podsType,
      ns.name,
      {
        labelSelector: `${ownerLabel}=${r.metadata.name}`,
      },
    );
    expect(pods.length).to.be.at.least(3);
    for (const pod of pods)
      expect(pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).to.equal(true);
    // Every child in resource_refs with its real UID.
    expect(r.status?.resource_refs).to.have.length(6);
    for (const ref of r.status?.resource_refs ?? []) {
      const type = ref.kind === "Deployment" ? deploymentsType : servicesType;
      expect(ref.uid).to.equal((await getChild(kube, type, ns.name, ref.name))?.metadata.uid);
    }
    // Per-function status with the in-cluster URL; the template choice explained.
    expect(r.status?.functions?.map((f) => [f.function_key, f.ready, f.url])).to.deep.equal([
      ["cart", true, `http://${names[0] ?? ""}.${ns.name}.svc.cluster.local:8080`],
      ["pay", true, `http://${names[1] ?? ""}.${ns.name}.svc.cluster.local:9090`],
    ]);
    expect(r.status?.template_selection?.name).to.equal("dev");
    expect(r.status?.template_selection?.runner_up).to.not.equal(undefined);
    expect(r.status?.phase).to.equal("Available");
    // ODGM_SERVICE names host:port of the ODGM Service as it really listens.
    const cart = await getChild(kube, deploymentsType, ns.name, names[0] ?? "");
    const env = cart?.spec?.template?.spec?.containers?.[0]?.env ?? [];
    const [host, port] = (env.find((e) => e.name === "ODGM_SERVICE")?.value ?? "").split(":");
    const odgmService = await getChild(kube, servicesType, ns.name, host ?? "");
    expect(odgmService?.spec?.ports?.map((p) => p.port)).to.include(Number(port));
    // History: rendered + applied with the objects; logs carry the ids.
    const mine = withOdgm.history.entries.filter((e) => e.record === `${ns.name}/${r.metadata.name}`);
    const applied = mine.find((e) => e.type === "applied");
    expect(applied?.objects).to.include(`Deployment/${names[0] ?? ""}`);
    expect(applied).to.include({ correlationId: "corr-test", workerId: "reconciler-test-1" });
    expect(applied?.startedAt).to.be.a("string");
    const lines = withOdgm.logs.filter((l) => l["record"] === r.metadata.name);
    expect(lines.length).to.be.greaterThan(0);
    for (const line of lines) expect(line).to.include.keys("deployment_id", "correlation_id");
  });

  it("no-op: after convergence two more runs make zero mutating API calls (apiserver_request_total)", async function () {
    const r = await converge(plain, { deployment_id: "noop", functions: [fnSpec("a")] });
    const job = jobFor(r);
    const historyBefore = plain.history.entries.length;
    // The metric is cluster-wide and other suites may write meanwhile: a window in which
    // the API server counted no write at all proves our two runs made none (our runs
    // are deterministic: if they wrote, no window could be zero).
    // Namespace-local evidence too: nothing of this record changed (resourceVersions).
    const versions = async () => {
      const name = functionChildName(r.metadata.name, "a");
      return [
        (await record("noop"))?.metadata.resourceVersion,
        (await getChild(kube, deploymentsType, ns.name, name))?.metadata.resourceVersion,
        (await getChild(kube, servicesType, ns.name, name))?.metadata.resourceVersion,
      ];
    };
    const versionsBefore = await versions();
    // Until a window is quiet: other suites' namespaces may still be torn down (their
    // children deleted by the garbage collector), which the metric counts too.
    await waitFor(
      async () => {
        const before = await apiserverMutations(kube);
        expect((await plain.handle(job)).kind).to.equal("done");
        expect((await plain.handle(job)).kind).to.equal("done");
        const after = await apiserverMutations(kube);
        return after === before;
      },
      {
        description: "a window in which the API server counted no mutating request",
        timeoutMs: 90_000,
        intervalMs: 200,
      },
    );
    expect(plain.history.entries.length).to.equal(historyBefore);
    expect(await versions()).to.deep.equal(versionsBefore);
  });

  it("drift: a hand-edited image and label are put back, with one history entry and one Event", async function () {
    const r = await converge(plain, { deployment_id: "drift", functions: [fnSpec("a")] });
    const name = functionChildName(r.metadata.name, "a");
    await kube.request({
      method: "PATCH",
      path: `/apis/apps/v1/namespaces/${ns.name}/deployments/${name}`,
      query: { fieldManager: "kubectl-edit" },
      contentType: "application/strategic-merge-patch+json",
      body: {
        metadata: { labels: { "oaas.io/component": "hacked" } },
        spec: {
          template: {
            spec: {
              containers: [{ name: "function", image: "evil:1" }],
            },
          },
        },
      },
    });
    const edited = await getChild(kube, deploymentsType, ns.name, name);
    expect(edited?.metadata.labels?.["oaas.io/component"]).to.equal("hacked");
    const drifted = JSON.stringify(edited?.spec?.template?.spec?.containers?.map((c) => c.image));
    expect(drifted).to.contain("evil:1");
    await plain.handle(jobFor(r));
    const repaired = await getChild(kube, deploymentsType, ns.name, name);
    expect(repaired?.metadata.labels?.["oaas.io/component"]).to.equal("function");
    expect(repaired?.spec?.template?.spec?.containers?.map((c) => c.image)).to.deep.equal([image("1")]);
    await reconcileUntil(
      plain,
      jobFor(r),
      async () => isAvailable(await record("drift")),
      "drift Available again",
    );
    await plain.handle(jobFor(r));
    const entries = plain.history.entries.filter(
      (e) => e.record === `${ns.name}/${r.metadata.name}` && e.type === "drift-repaired",
    );
    expect(entries).to.have.length(1);
    expect(entries[0]?.objects).to.deep.equal([`Deployment/${name}`]);
    const events = await listObjects<{ reason?: string; regarding?: { name?: string }; series?: unknown }>(
      kube,
      { group: "events.k8s.io", version: "v1", plural: "events", namespaced: true },
      ns.name,
    );
    const drift = events.filter((e) => e.reason === "DriftRepaired" && e.regarding?.name === r.metadata.name);
    expect(drift).to.have.length(1);
    expect(drift[0]?.series).to.equal(undefined);
  });

  it("update: a new image rolls the Deployment; a removed function is pruned", async function () {
    const id = "update";
    const first = await converge(plain, { deployment_id: id, functions: [fnSpec("a"), fnSpec("b")] });
    const a = functionChildName(first.metadata.name, "a");
    const b = functionChildName(first.metadata.name, "b");
    const before = await getChild(kube, deploymentsType, ns.name, a);
    await converge(plain, {
      deployment_id: id,
      functions: [{ function_key: "a", provision_config: { container_image: image("2"), port: 8080 } }],
    });
    const after = await getChild(kube, deploymentsType, ns.name, a);
    expect(after?.spec?.template?.spec?.containers?.[0]?.image).to.equal(image("2"));
    expect(after?.metadata.uid).to.equal(before?.metadata.uid);
    expect((after?.status as { updatedReplicas?: number } | undefined)?.updatedReplicas).to.equal(1);
    expect(await getChild(kube, deploymentsType, ns.name, b)).to.equal(undefined);
    expect(await getChild(kube, servicesType, ns.name, b)).to.equal(undefined);
    const pruned = plain.history.entries.find(
      (e) => e.record === `${ns.name}/${first.metadata.name}` && e.type === "pruned",
    );
    expect(pruned?.objects).to.have.members([`Deployment/${b}`, `Service/${b}`]);
  });

  it("a new record lists nothing in its first run; a child of its own left undesired is pruned by a later run", async function () {
    // The one way a record without a status can own an undesired child: an earlier run
    // created it and stopped before writing status (a crash), and the spec changed since.
    // The first run reads only the desired names (no owner-label lists); the record is not
    // converged after it, so a later run lists and prunes the leftover.
    const spec: DeploymentRecordSpec = { deployment_id: "leftover", functions: [fnSpec("a")] };
    const written = await deployRecord(kube, ns.name, spec);
    const stray = `${written.metadata.name}-old`;
    await applyObject(
      kube,
      servicesType,
      {
        apiVersion: "v1",
        kind: "Service",
        metadata: {
          name: stray,
          namespace: ns.name,
          labels: { [ownerLabel]: labelValue(written.metadata.name) },
          ownerReferences: [
            {
              apiVersion: written.apiVersion,
              kind: written.kind,
              name: written.metadata.name,
              uid: written.metadata.uid ?? "",
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: { ports: [{ port: 80 }] },
      } as KubeObject,
      { fieldManager: reconcilerFieldManager, force: true },
    );
    // Counted on this process's own client, every LIST (a GET with a label selector) it
    // sends: the API server's count is cluster-wide, and other clients' relists (processes
    // of earlier suites winding down) were counted as this run's.
    const lists: string[] = [];
    const send = kube.request.bind(kube);
    kube.request = (req) => {
      if (req.method === "GET" && req.query?.["labelSelector"] !== undefined) lists.push(req.path);
      return send(req);
    };
    let first;
    try {
      first = await plain.handle(jobFor(written));
    } finally {
      kube.request = send;
    }
    expect(first.kind, "a new record is not converged in its first run").to.equal("requeueAfter");
    expect(lists, "child LISTs of the first run").to.deep.equal([]);
    expect(await getChild(kube, servicesType, ns.name, stray), "left by the first run").to.not.equal(
      undefined,
    );
    await converge(plain, spec);
    expect(await getChild(kube, servicesType, ns.name, stray)).to.equal(undefined);
    const pruned = plain.history.entries.find(
      (e) => e.record === `${ns.name}/${written.metadata.name}` && e.type === "pruned",
    );
    expect(pruned?.objects).to.include(`Service/${stray}`);
  });

  it("a template change swaps the shape without leaving the old one (dev + HPA -> full without HPA)", async function () {
    const id = "reshape";
    const r = await converge(withHpa, {
      deployment_id: id,
      selected_template: "dev",
      functions: [fnSpec("a", { max_scale: 3 })],
    });
    const name = functionChildName(r.metadata.name, "a");
    expect(await getChild(kube, hpasType, ns.name, name)).to.not.equal(undefined);
    const full = await converge(withHpa, {
      deployment_id: id,
      selected_template: "full",
      functions: [fnSpec("a", { max_scale: 3 })],
    });
    expect(await getChild(kube, hpasType, ns.name, name)).to.equal(undefined);
    expect((await getChild(kube, deploymentsType, ns.name, name))?.spec?.replicas).to.equal(3);
    expect(full.status?.resource_refs?.map((ref) => ref.kind)).to.have.members(["Deployment", "Service"]);
    expect(full.status?.selected_template).to.equal("full");
  });

  it("delete: every child goes, then the finalizer, then the record", async function () {
    const id = "goodbye";
    const r = await converge(withOdgm, {
      deployment_id: id,
      functions: [fnSpec("a")],
      addons: ["odgm"],
    });
    expect(r.metadata.finalizers).to.include(finalizer);
    await kube.request({
      method: "DELETE",
      path: `/apis/oaas.io/v1alpha1/namespaces/${ns.name}/deploymentrecords/${r.metadata.name}`,
    });
    const job = jobFor(r);
    await reconcileUntil(withOdgm, job, async () => (await record(id)) === undefined, "record gone");
    for (const type of [deploymentsType, servicesType]) {
      const left = await listObjects(kube, type, ns.name, {
        labelSelector: `${ownerLabel}=${r.metadata.name}`,
      });
      expect(left, type.plural).to.have.length(0);
    }
    const mine = withOdgm.history.entries.filter(
      (e) => e.record === `${ns.name}/${r.metadata.name}` && e.type === "deleted",
    );
    expect(mine.map((e) => e.reason)).to.deep.equal(["ChildrenDeleted", "FinalizerRemoved"]);
  });
});
