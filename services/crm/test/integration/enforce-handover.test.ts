// Switching a record to NFR enforcement (spec.nfr.enforcement.mode "enforce") hands the
// replica fields the enforcer will own over instead of dropping them: render leaves the
// HPA's minReplicas out, and without the hand-over the API server would reset it to its
// default of 1 until the enforcer's next write (replicas.ts). Real API server, KWOK nodes;
// the reconcile handler is called directly, as in reconciler.test.ts.
import type * as k8s from "@kubernetes/client-node";
import { functionChildName, type DeploymentRecord, type DeploymentRecordSpec } from "@oaas/crd";
import { KubeClient, resourcePath, watchEvents } from "@oaas/kube";
import { createTestNamespace, testCluster, waitFor, type TestNamespace } from "@oaas/testkit";
import { expect } from "chai";
import { installCrd } from "../support/ingress.ts";
import { getRecord, releaseAll } from "../support/records.ts";
import {
  deployRecord,
  getChild,
  harness,
  hpasType,
  jobFor,
  reconcileUntil,
  type Harness,
} from "../support/reconciler.ts";

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

describe("crm reconciler: hand-over to the enforcer (real API server)", function () {
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
  async function converge(wanted: DeploymentRecordSpec): Promise<DeploymentRecord> {
    const written = await deployRecord(kube, ns.name, wanted);
    return reconcileUntil(
      withHpa,
      jobFor(written),
      async () => {
        const r = await getRecord(kube, ns.name, wanted.deployment_id ?? "");
        const ok = r?.status?.conditions?.some(
          (c) =>
            c.type === "Available" && c.status === "True" && c.observedGeneration === r.metadata.generation,
        );
        return ok === true ? r : undefined;
      },
      "Available",
      90_000,
    );
  }

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
