// NFR on a private cluster whose API server has Knative Serving's Service kind and no
// Prometheus Operator: what a shared cluster cannot show without changing every other
// suite's capabilities. (1) The knative template's min-scale annotation on the real API
// server: rendered by the reconciler in observe mode, handed over (kept, not reset to 0)
// when the record switches to enforce, written by the enforcer with its own field manager
// (as a ServiceAccount with exactly the chart's enforcer rules, rbac.knative on) and kept
// by the reconciler afterwards. (2) OPRC_CRM_FEATURES_PROMETHEUS on with the Operator's
// CRDs missing: the analyzer discovers it on the real API server and writes
// NfrObserved=False PrometheusDisabled saying why, asking Prometheus nothing.
// Only the Service kind of Knative is installed (a free-form CRD: no Knative controller
// runs here, so the Service never becomes Ready; nothing below waits for it).
import * as k8s from "@kubernetes/client-node";
import { parseCrmConfig } from "@oaas/config";
import { functionChildName, type DeploymentRecord, type DeploymentRecordSpec } from "@oaas/crd";
import { KubeClient, resourcePath, type ResourceType } from "@oaas/kube";
import { nfrSettings, type EnforcementSettings } from "@oaas/nfr";
import { minScaleAnnotation } from "@oaas/templates";
import {
  builtIn,
  installCrd as installAnyCrd,
  startCluster,
  stopCluster,
  testRedis,
  type TestRedis,
} from "@oaas/testkit";
import { expect } from "chai";
import { CycleCache } from "../../src/analyzer/cycle-cache.ts";
import { gateSource } from "../../src/analyzer/gate.ts";
import { createAnalyzeHandler } from "../../src/analyzer/handler.ts";
import { enforcerFieldManager } from "../../src/enforcer/index.ts";
import { detectCapabilities } from "../../src/reconciler/capabilities.ts";
import { replicaHandoverManager } from "../../src/reconciler/replicas.ts";
import { appliedEvents, enforcerClient, enforcerHarness, writeAnalysis } from "../support/enforcer.ts";
import { installCrd } from "../support/ingress.ts";
import { getRecord } from "../support/records.ts";
import {
  deployRecord,
  getChild,
  harness,
  jobFor,
  memoryHistory,
  reconcileUntil,
} from "../support/reconciler.ts";
import { createLogger } from "@oaas/telemetry";
import { captureLogLines } from "@oaas/testkit";

const namespace = "nfr-private";
const knativeServices: ResourceType = {
  group: "serving.knative.dev",
  version: "v1",
  plural: "services",
  namespaced: true,
};
const freeForm = { type: "object", "x-kubernetes-preserve-unknown-fields": true };
/** Knative Serving's Service kind, free-form (the API server accepts what the renderer writes). */
const knativeServiceCrd = {
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name: "services.serving.knative.dev" },
  spec: {
    group: "serving.knative.dev",
    scope: "Namespaced",
    names: {
      kind: "Service",
      plural: "services",
      singular: "service",
      listKind: "ServiceList",
      shortNames: ["ksvc"],
    },
    versions: [
      {
        name: "v1",
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: "object", properties: { spec: freeForm, status: freeForm } } },
      },
    ],
  },
};

const settings: EnforcementSettings = {
  enabled: true,
  stabilityMs: 6_000,
  cooldownMs: 4_000,
  maxReplicaDeltaPct: 200,
  maxReplicas: 10,
  minConfidence: 0.5,
};

interface KnativeService {
  metadata: { managedFields?: { manager?: string; fieldsV1?: unknown }[] };
  spec?: { template?: { metadata?: { annotations?: Record<string, string> } } };
}

/** Who owns the min-scale annotation in a managedFields list. */
function minScaleOwners(ksvc: KnativeService | undefined): string[] {
  const key = `f:${minScaleAnnotation}`;
  return (ksvc?.metadata.managedFields ?? [])
    .filter((m) => JSON.stringify(m.fieldsV1 ?? {}).includes(JSON.stringify(key)))
    .map((m) => m.manager ?? "");
}

describe("crm NFR on a private cluster: Knative Service kind installed, Prometheus Operator absent", function () {
  this.timeout(300_000);
  // client-node's KubeConfig: the test helpers (installCrd, enforcerClient) take one.
  let kc: k8s.KubeConfig;
  let kube: KubeClient;
  let redis: TestRedis;
  /** What `before` started, undone in reverse (also when it failed half-way). */
  const cleanups: (() => Promise<void>)[] = [];

  before(async function () {
    const started = await startCluster({ log: (m) => console.error(`[private cluster] ${m}`) });
    cleanups.push(() => stopCluster(started.dir));
    kc = new k8s.KubeConfig();
    kc.loadFromFile(started.kubeconfig);
    kube = await KubeClient.create(kc);
    cleanups.push(() => kube.close());
    await kube.request({
      method: "POST",
      path: resourcePath(builtIn.namespaces),
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: namespace } },
    });
    await installCrd(kc);
    await installAnyCrd(kube, knativeServiceCrd, "nfr-private-test");
    redis = await testRedis();
    cleanups.push(() => redis.cleanup());
  });
  after(async function () {
    for (const undo of cleanups.reverse()) await undo();
  });

  it("knative min-scale: rendered in observe, handed over to enforce (kept), written by the enforcer, kept by the reconciler", async function () {
    const reconciler = await harness(kube, { knative: true });
    expect(
      reconciler.context.capabilities.knativeInstalled,
      "the API server serves the Service kind",
    ).to.equal(true);
    const spec = (mode: "observe" | "enforce"): DeploymentRecordSpec => ({
      deployment_id: "kn-enf",
      selected_template: "knative",
      functions: [
        {
          function_key: "f1",
          provision_config: { container_image: "ghcr.io/oaas/test-fn:1", port: 8080, min_scale: 2 },
        },
      ],
      nfr: { enforcement: { mode, dimensions: ["replicas"] } },
    });
    const ksvc = () =>
      getChild(kube, knativeServices, namespace, functionChildName("kn-enf", "f1")) as Promise<
        KnativeService | undefined
      >;
    const minScale = async () => (await ksvc())?.spec?.template?.metadata?.annotations?.[minScaleAnnotation];

    // Observe: the reconciler renders the user's floor and owns it.
    const observed = await deployRecord(kube, namespace, spec("observe"));
    await reconcileUntil(
      reconciler,
      jobFor(observed),
      async () => (await minScale()) === "2",
      "min-scale 2 rendered",
    );
    const reconcilerManager = minScaleOwners(await ksvc());
    expect(reconcilerManager, "one owner: the reconciler").to.have.length(1);

    // Enforce: render leaves the annotation to the enforcer; the reconciler hands it over
    // first, so the floor stays 2 instead of dropping to Knative's default (scale to zero).
    const enforced = await deployRecord(kube, namespace, spec("enforce"));
    await reconcileUntil(
      reconciler,
      jobFor(enforced),
      async () => {
        const owners = minScaleOwners(await ksvc());
        return !owners.includes(reconcilerManager[0] ?? "") && owners.includes(replicaHandoverManager);
      },
      "min-scale handed over",
    );
    expect(await minScale(), "kept through the hand-over").to.equal("2");

    // The enforcer (chart rules with rbac.knative) writes the recommendation after the window.
    const asEnforcer = await enforcerClient(kube, kc, namespace, ["always", "knative"]);
    try {
      const record = (await getRecord(kube, namespace, "kn-enf")) as DeploymentRecord;
      await writeAnalysis(kube, record, [
        { component: "f1", dimension: "replicas", target: 3, basis: "test: 3 replicas", confidence: 1 },
      ]);
      const h = enforcerHarness(asEnforcer, redis, settings);
      const t0 = h.nowMs;
      await h.handle(jobFor(record));
      expect(await minScale(), "held inside the stability window").to.equal("2");
      h.nowMs = t0 + settings.stabilityMs;
      await h.handle(jobFor(record));
      expect(await minScale()).to.equal("3");
      expect(minScaleOwners(await ksvc())).to.include(enforcerFieldManager);
      expect(await appliedEvents(kube, namespace, record.metadata.name)).to.have.length(1);

      // The reconciler, run again, never undoes it.
      for (let i = 0; i < 3; i++) await reconciler.handle(jobFor(record));
      expect(await minScale()).to.equal("3");
      expect(minScaleOwners(await ksvc())).to.include(enforcerFieldManager);
    } finally {
      await asEnforcer.close();
    }
  });

  it("Prometheus feature on, Operator CRDs missing: NfrObserved=False PrometheusDisabled saying why; Prometheus is never asked", async function () {
    const config = parseCrmConfig({
      OPRC_CRM_K8S_NAMESPACE: namespace,
      OPRC_CRM_PROM_URL: "http://127.0.0.1:9", // never dialled: the gate stays closed
      OPRC_CRM_FEATURES_PROMETHEUS: "true",
    });
    expect((await detectCapabilities(kube)).prometheusOperatorInstalled).to.equal(false);
    let queries = 0;
    const { stream } = captureLogLines();
    const handler = createAnalyzeHandler({
      kube,
      cached: () => undefined, // read from the API server
      gate: gateSource(config, async () => (await detectCapabilities(kube)).prometheusOperatorInstalled),
      cycles: new CycleCache({
        run: () => {
          queries++;
          return Promise.resolve({ ok: false, error: "not asked" });
        },
        queryOptions: { rateWindow: "1m", range: "10m" },
        rangeMs: 600_000,
        stepMs: 15_000,
        ttlMs: 15_000,
        now: Date.now,
      }),
      recordsIn: () => [],
      settings: nfrSettings(config).analysis,
      enforcementEnabled: false,
      minConfidence: 0.8,
      enforce: () => Promise.resolve(),
      history: memoryHistory(),
      logger: createLogger({ service: "nfr-private-test", level: "debug", stream }),
    });
    const record = await deployRecord(kube, namespace, {
      deployment_id: "prom-off",
      functions: [
        { function_key: "f1", provision_config: { container_image: "ghcr.io/oaas/test-fn:1", port: 8080 } },
      ],
    });
    const ctx = { jobId: "t1", attempt: 1, workerId: "analyzer-test", signal: new AbortController().signal };
    expect((await handler(jobFor(record), ctx)).kind).to.equal("done");
    const after = await getRecord(kube, namespace, "prom-off");
    const condition = after?.status?.conditions?.find((c) => c.type === "NfrObserved");
    expect(condition).to.include({ status: "False", reason: "PrometheusDisabled" });
    expect(condition?.message).to.match(/Prometheus Operator CRDs .* are not installed/);
    expect(after?.status?.nfr_recommendations).to.equal(undefined);
    expect(queries, "no query reaches Prometheus").to.equal(0);
  });
});
