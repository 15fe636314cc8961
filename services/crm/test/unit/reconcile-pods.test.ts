// Table tests of the pod part of a run (observe.ts podReads and observe, conclude.ts,
// recheck.ts podRecheckMs): which workloads' pods a run reads (none when all are
// available), what their reasons make of the record's status and per-function status,
// and how soon the record is looked at again while a workload is not available. No
// cluster: pods as the API server returns them.
import type { DeploymentRecordStatus } from "@oaas/crd";
import { expect } from "chai";
import type { PodRead } from "../../src/children/pod-health.ts";
import type { LiveObject } from "../../src/reconciler/compare.ts";
import { concludeReconcile } from "../../src/reconciler/conclude.ts";
import { observe, podReads } from "../../src/reconciler/observe.ts";
import { planDesired } from "../../src/reconciler/plan.ts";
import { podRecheckMs, recheckBounds } from "../../src/reconciler/recheck.ts";
import {
  context,
  converged,
  live,
  now,
  record,
  withFunction,
  withKnative,
  withOdgm,
  type LiveOption,
} from "./reconcile-fixtures.ts";

const a = "Deployment/shop-a-4";
const r = record(withFunction("a"), withFunction("b"), withOdgm);
const rendered = (() => {
  const d = planDesired(r, context());
  if (!d.ok) throw d.failure;
  return d.value;
})();
const notReady: LiveOption = (l) =>
  void (l.status = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 0 });
const notPickedUp: LiveOption = (l) => void (l.metadata = { ...l.metadata, generation: 2 });
const acted = (...edits: [string, LiveOption][]) => ({
  live: live(...converged(r, context(), ...edits)),
  changed: [],
  repaired: [],
  notRepaired: [],
  pruned: [],
});
const pullFails: LiveObject = {
  metadata: { name: "shop-a-4-7d9-x", namespace: "ns" },
  status: {
    phase: "Pending",
    containerStatuses: [
      {
        name: "fn",
        image: "reg/shop:v2",
        state: { waiting: { reason: "ErrImagePull", message: "not found" } },
      },
    ],
  },
};

describe("reconcile pods: which pods a run reads", function () {
  it("every workload available: no pod read at all", function () {
    expect(podReads(rendered, acted())).to.deep.equal([]);
  });

  it("a workload not available: its pods, by its own selector, and no other's", function () {
    const reads = podReads(rendered, acted([a, notReady]));
    expect(reads).to.have.length(1);
    const [read] = reads;
    expect(read?.workload).to.equal("shop-a-4");
    expect(read?.namespace).to.equal(r.metadata.namespace);
    const selector = (
      rendered.objects.find((o) => o.kind === "Deployment" && o.metadata?.name === "shop-a-4")?.spec as {
        selector: { matchLabels: Record<string, string> };
      }
    ).selector.matchLabels;
    expect(read?.labelSelector.split(",").sort()).to.deep.equal(
      Object.entries(selector)
        .map(([k, v]) => `${k}=${v}`)
        .sort(),
    );
  });

  it("a spec its controller has not picked up yet, or a Deployment not created: nothing to read", function () {
    expect(podReads(rendered, acted([a, notPickedUp]))).to.deep.equal([]);
    const missing = acted();
    missing.live.delete("apps/v1/Deployment/shop-a-4");
    expect(podReads(rendered, missing)).to.deep.equal([]);
  });

  it("Knative: none (its revisions say their pods' reasons)", function () {
    const knative = planDesired(record(withFunction("a")), context(withKnative));
    if (!knative.ok) throw knative.failure;
    expect(podReads(knative.value, { live: new Map() })).to.deep.equal([]);
  });
});

describe("reconcile pods: what the pods make of the status", function () {
  const status = (pods: ReadonlyMap<string, PodRead>, before?: DeploymentRecordStatus) =>
    concludeReconcile({
      before,
      generation: 1,
      outcome: observe(r, rendered, acted([a, notReady]), pods),
      now,
    });

  it("an image that cannot be pulled: Degraded with the reason, the image and what to do; per function too", function () {
    const c = status(new Map([["shop-a-4", { pods: [pullFails] }]]));
    const degraded = c.status.conditions?.find((x) => x.type === "Degraded");
    expect(degraded).to.include({ status: "True", reason: "ImagePullBackOff" });
    expect(degraded?.message).to.contain("function a: Deployment shop-a-4: 1 of 1 pod(s) ImagePullBackOff");
    expect(degraded?.message).to.contain('cannot pull image "reg/shop:v2" (ErrImagePull: not found)');
    expect(c.status.phase).to.equal("Degraded");
    expect(c.status.functions?.find((f) => f.function_key === "a")).to.include({
      ready: false,
      reason: "ImagePullBackOff",
    });
    expect(c.status.functions?.find((f) => f.function_key === "b")).to.include({ ready: true });
    expect(c.reports.map((x) => x.event?.reason).filter(Boolean)).to.include("ImagePullBackOff");
  });

  it("pods with nothing to say: RollingOut as before, looked at again soon", function () {
    const c = status(new Map([["shop-a-4", { pods: [] }]]));
    expect(c.status.conditions?.find((x) => x.type === "Progressing")).to.include({
      status: "True",
      reason: "RollingOut",
    });
    expect(c.result).to.include({ kind: "requeueAfter", ms: 5_000 });
  });

  it("no pod read (the spec not picked up yet): the rollout's slower net", function () {
    const c = concludeReconcile({
      before: undefined,
      generation: 1,
      outcome: observe(r, rendered, acted([a, notPickedUp])),
      now,
    });
    expect(c.result).to.include({ kind: "requeueAfter", ms: recheckBounds.minMs });
  });

  it("the same pods again: no status write, nothing told", function () {
    const pods = new Map([["shop-a-4", { pods: [pullFails] }]]);
    const first = status(pods);
    const again = status(pods, first.status);
    expect(again.writeStatus).to.equal(false);
    expect(again.reports).to.deep.equal([]);
  });
});

describe("reconcile pods: when to look again while pods are read", function () {
  const since = (...secondsAgo: number[]) => ({
    conditions: secondsAgo.map((s, i) => ({
      type: (["Available", "Progressing", "Degraded"] as const)[i] ?? "Degraded",
      status: "True" as const,
      reason: "X",
      message: "",
      lastTransitionTime: new Date(now.getTime() - s * 1000).toISOString(),
    })),
  });
  const rows: { name: string; status: Parameters<typeof podRecheckMs>[0]; want: number }[] = [
    { name: "a condition just changed: the minimum", status: since(3600, 3600, 0), want: 5_000 },
    { name: "the latest change 20 s ago: 20 s", status: since(3600, 20, 600), want: 20_000 },
    { name: "unchanged for an hour: the maximum", status: since(3600, 3600, 3600), want: 300_000 },
    { name: "no conditions: the minimum", status: {}, want: 5_000 },
    { name: "a clock behind the conditions: the minimum", status: since(-30), want: 5_000 },
  ];
  for (const row of rows)
    it(`${row.name} -> ${row.want} ms`, function () {
      expect(podRecheckMs(row.status, now)).to.equal(row.want);
    });
});
