// The enforce handler against a real API server with KWOK nodes and a real Redis (state
// and history): a recommendation is held for the stability window and then applied once
// (Deployment spec.replicas, HPA minReplicas), with one NFRApplied Event, the status
// audit and a history entry per decision; the reconciler never undoes the value, the
// watcher sees no edit in it, a steady recommendation makes zero writes (the API server's
// own count), a failed analysis makes none, and enforce mode with the global flag off
// writes nothing. The clock is the harness's: windows are exact, no sleeps. The enforcer
// runs as a ServiceAccount with exactly the chart's enforcer rules, so a call the chart does
// not grant fails here.
import type * as k8s from "@kubernetes/client-node";
import { functionChildName, type DeploymentRecord, type DeploymentRecordSpec } from "@oaas/crd";
import { KubeClient } from "@oaas/kube";
import type { EnforcementSettings } from "@oaas/nfr";
import {
  createTestNamespace,
  testCluster,
  testRedis,
  type TestNamespace,
  type TestRedis,
} from "@oaas/testkit";
import { expect } from "chai";
import { enforcerFieldManager } from "../../src/enforcer/index.ts";
import { childChange } from "../../src/watcher/index.ts";
import {
  appliedEvents,
  enforcerClient,
  enforcerHarness,
  writeAnalysis,
  type EnforcerHarness,
} from "../support/enforcer.ts";
import { installCrd } from "../support/ingress.ts";
import { getRecord, releaseAll } from "../support/records.ts";
import {
  apiserverMutations,
  deployRecord,
  deploymentsType,
  getChild,
  harness,
  hpasType,
  jobFor,
  reconcileUntil,
  type Harness,
} from "../support/reconciler.ts";
import { waitFor } from "@oaas/testkit";

const settings: EnforcementSettings = {
  enabled: true,
  stabilityMs: 6_000,
  cooldownMs: 4_000,
  maxReplicaDeltaPct: 200,
  maxReplicas: 10,
  minConfidence: 0.5,
};
const enforce = { enforcement: { mode: "enforce" as const, dimensions: ["replicas" as const] } };
const fnSpec = (key: string, extra: Record<string, unknown> = {}) => ({
  function_key: key,
  provision_config: { container_image: "ghcr.io/oaas/test-fn:1", port: 8080, ...extra },
});
const replicas = (target: number, confidence = 1) => ({
  component: "f1",
  dimension: "replicas" as const,
  target,
  basis: `test: ${target} replicas`,
  confidence,
});

describe("crm enforcer (real API server, KWOK nodes, Redis)", function () {
  this.timeout(180_000);
  let ns: TestNamespace;
  let kc: k8s.KubeConfig;
  let kube: KubeClient;
  let redis: TestRedis;
  let reconciler: Harness;
  let hpaReconciler: Harness;
  /** The enforcer's calls go as a ServiceAccount with exactly the chart's enforcer rules. */
  let asEnforcer: KubeClient;

  before(async function () {
    kc = (await testCluster()).kc;
    ns = await createTestNamespace("enforcer");
    await installCrd(kc);
    kube = await KubeClient.create(kc);
    redis = await testRedis();
    reconciler = await harness(kube);
    hpaReconciler = await harness(kube, { hpa: true });
    asEnforcer = await enforcerClient(kube, kc, ns.name);
  });
  after(async function () {
    await releaseAll(kube, ns.name);
    await redis.cleanup();
    await asEnforcer.close();
    await kube.close();
    await ns.cleanup();
  });

  const record = (id: string) => getRecord(kube, ns.name, id);
  async function converge(h: Harness, spec: DeploymentRecordSpec): Promise<DeploymentRecord> {
    const written = await deployRecord(kube, ns.name, spec);
    return reconcileUntil(
      h,
      jobFor(written),
      async () => {
        const r = await record(spec.deployment_id ?? "");
        return r?.status?.observedGeneration === r?.metadata.generation && r?.status?.phase === "Available"
          ? r
          : undefined;
      },
      `${spec.deployment_id ?? ""} Available`,
      90_000,
    );
  }
  const deployment = (r: DeploymentRecord) =>
    getChild(kube, deploymentsType, ns.name, functionChildName(r.metadata.name, "f1"));
  const reasons = async (h: EnforcerHarness, r: DeploymentRecord) =>
    (await h.history.read(ns.name, r.metadata.name))
      .filter((e) => e.type === "enforced")
      .map((e) => e.reason);

  it("Deployment replicas: held for the stability window, applied once (Event, status, history), kept by the reconciler, no edit for the watcher, zero writes when steady", async function () {
    const r = await converge(reconciler, {
      deployment_id: "enf-deploy",
      functions: [fnSpec("f1")],
      nfr: enforce,
    });
    const job = jobFor(r);
    const h = enforcerHarness(asEnforcer, redis, settings);
    const t0 = h.nowMs;
    await writeAnalysis(kube, r, [replicas(3)]);
    const before = await deployment(r);
    expect(before?.spec?.replicas, "the renderer leaves replicas to the enforcer: the default").to.equal(1);

    // Inside the window: held, nothing written.
    expect((await h.handle(job)).kind).to.equal("requeueAfter");
    h.nowMs = t0 + settings.stabilityMs - 1;
    await h.handle(job);
    expect((await deployment(r))?.spec?.replicas).to.equal(1);
    const held = (await h.history.read(ns.name, r.metadata.name)).filter((e) => e.reason === "NFRHeld");
    expect(held, "one held entry: the hold repeated is no news").to.have.length(1);
    expect(held[0]?.message).to.match(/stability/);
    expect(held[0]?.details).to.have.nested.property("decision.checks");

    // The window has passed: applied.
    h.nowMs = t0 + settings.stabilityMs;
    await h.handle(job);
    const after = await deployment(r);
    expect(after?.spec?.replicas).to.equal(3);
    const owners = (after?.metadata.managedFields ?? []) as {
      manager?: string;
      fieldsV1?: { "f:spec"?: object };
    }[];
    expect(owners.find((m) => m.manager === enforcerFieldManager)?.fieldsV1?.["f:spec"]).to.have.property(
      "f:replicas",
    );
    const audited = await record("enf-deploy");
    expect(audited?.status?.last_applied_recommendations).to.deep.include.members([
      {
        component: "f1",
        dimension: "replicas",
        target: 3,
        basis: "enforcer: 1 -> 3 (recommended 3: test: 3 replicas)",
        confidence: 1,
      },
    ]);
    expect(audited?.status?.last_applied_at).to.equal(new Date(h.nowMs).toISOString());
    expect(await appliedEvents(kube, ns.name, r.metadata.name)).to.deep.equal([
      { note: "replicas_min=3 for function f1", count: 1, type: "Normal" },
    ]);
    expect(await reasons(h, r)).to.deep.equal(["NFRHeld", "NFRApplied"]);
    expect(childChange(before as object, after as object), "the watcher sees no edit").to.equal("none");

    // The reconciler, run again (a resync, a spec change elsewhere), never undoes it.
    for (let i = 0; i < 3; i++)
      expect((await reconciler.handle(job)).kind).to.be.oneOf(["done", "requeueAfter"]);
    expect((await deployment(r))?.spec?.replicas).to.equal(3);

    // Steady: the same recommendation again and again makes no write at all.
    await waitFor(
      async () => {
        const start = await apiserverMutations(kube);
        for (let i = 1; i <= 3; i++) {
          h.nowMs += 2_000;
          await h.handle(job);
        }
        return (await apiserverMutations(kube)) === start;
      },
      {
        description: "a window in which the API server counted no mutating request",
        timeoutMs: 90_000,
        intervalMs: 200,
      },
    );
    expect(await appliedEvents(kube, ns.name, r.metadata.name)).to.have.length(1);
    expect((await reasons(h, r)).filter((x) => x === "NFRApplied")).to.have.length(1);
  });

  it("scale-down waits for the stability window and the cooldown since the last change", async function () {
    const r = await converge(reconciler, {
      deployment_id: "enf-down",
      functions: [fnSpec("f1")],
      nfr: enforce,
    });
    const job = jobFor(r);
    const h = enforcerHarness(asEnforcer, redis, settings);
    const t0 = h.nowMs;
    await writeAnalysis(kube, r, [replicas(3)]);
    await h.handle(job);
    h.nowMs = t0 + settings.stabilityMs;
    await h.handle(job);
    expect((await deployment(r))?.spec?.replicas).to.equal(3);
    const upAt = h.nowMs;
    await writeAnalysis(kube, r, [replicas(2)]);
    // Every look before both stability and cooldown have passed holds.
    const eligible = upAt + Math.max(settings.stabilityMs, settings.cooldownMs);
    for (let at = upAt + 1_000; at < eligible; at += 1_000) {
      h.nowMs = at;
      await h.handle(job);
      expect((await deployment(r))?.spec?.replicas, `at +${at - upAt} ms`).to.equal(3);
    }
    h.nowMs = eligible + 1_000;
    await h.handle(job);
    expect((await deployment(r))?.spec?.replicas).to.equal(2);
  });

  it("a target flapping faster than the stability window makes zero changes", async function () {
    const r = await converge(reconciler, {
      deployment_id: "enf-flap",
      functions: [fnSpec("f1")],
      nfr: enforce,
    });
    const job = jobFor(r);
    const h = enforcerHarness(asEnforcer, redis, settings);
    for (let i = 0; i < 8; i++) {
      await writeAnalysis(kube, r, [replicas(i % 2 === 0 ? 3 : 1)]);
      await h.handle(job);
      h.nowMs += settings.stabilityMs / 3;
    }
    expect((await deployment(r))?.spec?.replicas).to.equal(1);
    expect(await appliedEvents(kube, ns.name, r.metadata.name)).to.deep.equal([]);
  });

  it("a failed analysis (NfrObserved=False, Prometheus down) holds everything: no scale-down", async function () {
    const r = await converge(reconciler, {
      deployment_id: "enf-down-prom",
      functions: [fnSpec("f1")],
      nfr: enforce,
    });
    const job = jobFor(r);
    const h = enforcerHarness(asEnforcer, redis, settings);
    await writeAnalysis(kube, r, [replicas(3)]);
    await h.handle(job);
    h.nowMs += settings.stabilityMs;
    await h.handle(job);
    expect((await deployment(r))?.spec?.replicas).to.equal(3);
    // Prometheus goes down: the analyzer keeps the old recommendations (here a lower one
    // from before) and says why in NfrObserved.
    await writeAnalysis(kube, r, [replicas(1)], {
      status: "False",
      reason: "PrometheusUnavailable",
      message: "connect ECONNREFUSED",
    });
    for (let i = 0; i < 5; i++) {
      h.nowMs += settings.stabilityMs + settings.cooldownMs;
      await h.handle(job);
    }
    expect((await deployment(r))?.spec?.replicas).to.equal(3);
    const last = (await h.history.read(ns.name, r.metadata.name)).at(-1);
    expect(last?.message).to.match(/NfrObserved=False, PrometheusUnavailable/);
  });

  it("HPA minReplicas: a function with an HPA gets its minReplicas, the Deployment is left to the HPA", async function () {
    const r = await converge(hpaReconciler, {
      deployment_id: "enf-hpa",
      functions: [fnSpec("f1", { min_scale: 1, max_scale: 8 })],
      nfr: enforce,
    });
    const job = jobFor(r);
    const name = functionChildName(r.metadata.name, "f1");
    const h = enforcerHarness(asEnforcer, redis, settings);
    await writeAnalysis(kube, r, [replicas(3)]);
    await h.handle(job);
    h.nowMs += settings.stabilityMs;
    await h.handle(job);
    const hpa = await getChild(kube, hpasType, ns.name, name);
    expect(hpa?.spec?.["minReplicas"]).to.equal(3);
    expect((hpa?.metadata.managedFields ?? []).map((m) => m.manager)).to.include(enforcerFieldManager);
    expect(await appliedEvents(kube, ns.name, r.metadata.name)).to.deep.equal([
      { note: "replicas_min=3 for function f1", count: 1, type: "Normal" },
    ]);
    for (let i = 0; i < 2; i++) await hpaReconciler.handle(job);
    expect((await getChild(kube, hpasType, ns.name, name))?.spec?.["minReplicas"]).to.equal(3);
  });

  it("cpu and memory requests the user left unset: set on the function container, kept by the reconciler", async function () {
    const r = await converge(reconciler, {
      deployment_id: "enf-requests",
      functions: [fnSpec("f1")],
      nfr: { enforcement: { mode: "enforce", dimensions: ["cpu", "memory"] } },
    });
    const job = jobFor(r);
    const h = enforcerHarness(asEnforcer, redis, settings);
    const request = (dimension: "cpu" | "memory", target: number) => ({
      component: "f1",
      dimension,
      target,
      basis: `test: ${dimension}`,
      confidence: 1,
    });
    await writeAnalysis(kube, r, [request("cpu", 250), request("memory", 134217728)]);
    await h.handle(job);
    h.nowMs += settings.stabilityMs;
    await h.handle(job);
    const requests = async () => {
      const d = await deployment(r);
      const containers = (d?.spec?.template?.spec?.containers ?? []) as {
        name?: string;
        image?: string;
        resources?: { requests?: Record<string, string> };
      }[];
      return containers.map((c) => ({ name: c.name, image: c.image, requests: c.resources?.requests }));
    };
    const applied = [
      { name: "function", image: "ghcr.io/oaas/test-fn:1", requests: { cpu: "250m", memory: "134217728" } },
    ];
    expect(
      await requests(),
      "the container keeps what the reconciler set; only the requests are new",
    ).to.deep.equal(applied);
    expect((await appliedEvents(kube, ns.name, r.metadata.name)).map((e) => e.note).sort()).to.deep.equal([
      "cpu_request=250m for function f1",
      "memory_request=134217728 for function f1",
    ]);
    for (let i = 0; i < 2; i++) await reconciler.handle(job);
    expect(await requests(), "the reconciler never undoes them").to.deep.equal(applied);
  });

  it("mode enforce with the global flag off: nothing written, the hold says why once", async function () {
    const r = await converge(reconciler, {
      deployment_id: "enf-off",
      functions: [fnSpec("f1")],
      nfr: enforce,
    });
    const job = jobFor(r);
    const h = enforcerHarness(asEnforcer, redis, { ...settings, enabled: false });
    await writeAnalysis(kube, r, [replicas(3)]);
    for (let i = 0; i < 4; i++) {
      await h.handle(job);
      h.nowMs += settings.stabilityMs;
    }
    expect((await deployment(r))?.spec?.replicas).to.equal(1);
    expect(await appliedEvents(kube, ns.name, r.metadata.name)).to.deep.equal([]);
    const entries = (await h.history.read(ns.name, r.metadata.name)).filter((e) => e.type === "enforced");
    expect(entries.map((e) => e.reason)).to.deep.equal(["NFRHeld"]);
    expect(entries[0]?.message).to.match(/OPRC_CRM_FEATURES_NFR_ENFORCEMENT|global/i);
  });
});
