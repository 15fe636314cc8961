// Replica fields change owner without a dip (reconciler/replicas.ts): when an HPA takes a
// Deployment's replicas, and when NFR enforcement (spec.nfr.enforcement.mode "enforce")
// takes the HPA's minReplicas, the value is handed over instead of dropped, which would
// reset it to the API default of 1 until the new owner's next write. Each test watches
// every state the API server holds. Real API server, KWOK nodes; the reconcile handler is
// called directly, as in reconciler.test.ts.
import type * as k8s from "@kubernetes/client-node";
import { functionChildName, type DeploymentRecordSpec } from "@oaas/crd";
import { KubeClient, resourcePath, watchEvents } from "@oaas/kube";
import { createTestNamespace, testCluster, waitFor, type TestNamespace } from "@oaas/testkit";
import { expect } from "chai";
import { installCrd } from "../support/ingress.ts";
import { releaseAll } from "../support/records.ts";
import {
  convergeRecord,
  deploymentsType,
  getChild,
  harness,
  hpasType,
  type Harness,
} from "../support/reconciler.ts";

const fnSpec = (key: string, extra: Record<string, unknown> = {}) => ({
  function_key: key,
  provision_config: { container_image: "ghcr.io/oaas/test-fn:1", port: 8080, ...extra },
});
const spec = (mode: "observe" | "enforce"): DeploymentRecordSpec => ({
  deployment_id: "enforce-handover",
  functions: [
    {
      function_key: "a",
      provision_config: {
        container_image: "ghcr.io/oaas/test-fn:1",
        port: 8080,
        min_scale: 3,
        max_scale: 10,
      },
    },
  ],
  nfr: { enforcement: { mode } },
});

describe("crm reconciler: replica hand-over (real API server)", function () {
  this.timeout(180_000);
  let ns: TestNamespace;
  let kc: k8s.KubeConfig;
  let kube: KubeClient;
  let withHpa: Harness;

  before(async function () {
    kc = (await testCluster()).kc;
    ns = await createTestNamespace("enforce-handover");
    await installCrd(kc);
    kube = await KubeClient.create(kc);
    withHpa = await harness(kube, { hpa: true });
  });
  after(async function () {
    await releaseAll(kube, ns.name);
    await kube.close();
    await ns.cleanup();
  });

  /** Applies `wanted` and reconciles until the record is Available for its generation. */
  const converge = (wanted: DeploymentRecordSpec, h = withHpa) => convergeRecord(kube, h, ns.name, wanted);

  it("replicas hand-over: min = max = 3, then max 10 with an HPA: the watched Deployment never drops below 3", async function () {
    const id = "handover";
    const r = await converge({
      deployment_id: id,
      functions: [fnSpec("a", { min_scale: 3, max_scale: 3 })],
    });
    const name = functionChildName(r.metadata.name, "a");
    expect((await getChild(kube, deploymentsType, ns.name, name))?.spec?.replicas).to.equal(3);
    // A watch (every change the API server makes, not samples) on the Deployment.
    const seen: number[] = [];
    const watch = new AbortController();
    const stream = await kube.openStream({
      path: resourcePath(deploymentsType, ns.name),
      query: { watch: true, fieldSelector: `metadata.name=${name}` },
      signal: watch.signal,
    });
    const watching = (async () => {
      for await (const event of watchEvents(stream)) {
        const replicas = (event.object as { spec?: { replicas?: number } }).spec?.replicas;
        if (typeof replicas === "number") seen.push(replicas);
      }
    })().catch(() => undefined); // ends with an abort error once the test stops the watch
    try {
      await waitFor(() => seen.length > 0, { description: "the watch's initial event", timeoutMs: 10_000 });
      await converge({
        deployment_id: id,
        functions: [fnSpec("a", { min_scale: 3, max_scale: 10 })],
      });
      expect(await getChild(kube, hpasType, ns.name, name)).to.not.equal(undefined);
      const final = await getChild(kube, deploymentsType, ns.name, name);
      await waitFor(() => seen.length > 0 && final !== undefined, {
        description: "watch events",
        timeoutMs: 10_000,
      });
      expect(final?.spec?.replicas).to.equal(3);
    } finally {
      watch.abort();
      await watching;
    }
    expect(Math.min(...seen), `replicas seen: ${seen.join(",")}`).to.be.at.least(3);
  });

  it("observe -> enforce: the HPA's minReplicas stays 3 in every state the API server holds", async function () {
    const r = await converge(spec("observe"));
    const name = functionChildName(r.metadata.name, "a");
    const hpa = await getChild(kube, hpasType, ns.name, name);
    expect(hpa?.spec?.minReplicas).to.equal(3);
    // Every change the API server makes to the HPA, not samples.
    const seen: number[] = [];
    const watch = new AbortController();
    const stream = await kube.openStream({
      path: resourcePath(hpasType, ns.name),
      query: { watch: true, fieldSelector: `metadata.name=${name}` },
      signal: watch.signal,
    });
    const watching = (async () => {
      for await (const event of watchEvents(stream)) {
        const min = (event.object as { spec?: { minReplicas?: number } }).spec?.minReplicas;
        seen.push(typeof min === "number" ? min : 1); // absent = the API default, 1
      }
    })().catch(() => undefined); // ends with an abort error once the test stops the watch
    try {
      await waitFor(() => seen.length > 0, { description: "the watch's initial event", timeoutMs: 10_000 });
      const before = seen.length;
      const enforced = await converge(spec("enforce"));
      const after = await getChild(kube, hpasType, ns.name, name);
      expect(after?.spec?.minReplicas, "the HPA floor after the switch").to.equal(3);
      // The switch was applied (the record's generation moved) and the watch saw the writes.
      expect(enforced.metadata.generation).to.be.greaterThan(r.metadata.generation ?? 0);
      await waitFor(() => seen.length >= before, {
        description: "watch events after the switch",
        timeoutMs: 10_000,
      });
    } finally {
      watch.abort();
      await watching;
    }
    expect(Math.min(...seen), `minReplicas seen: ${seen.join(",")}`).to.equal(3);
  });
});
