// The enforcer's act step, pure parts: which changes a run's decisions make, on which
// object, in which apply body (only the owned fields), what the Event and history say,
// the status list after it, and which held decisions are news for the history. The
// writes themselves run against the real API server in test/integration/enforcer.test.ts.
import { expect } from "chai";
import type { ComponentRef, Decision } from "@oaas/nfr";
import { applyBody, changeNote, type Change } from "../../src/enforcer/apply-body.ts";
import { appliedEntry, heldEntry } from "../../src/enforcer/history-entries.ts";
import { byObject, changesOf, heldIsNews, lastApplied } from "../../src/enforcer/plan.ts";
import { currentValues, type LiveComponent } from "../../src/enforcer/workloads.ts";

const fn = (name: string, runtime: "deployment" | "knative" = "deployment"): ComponentRef => ({
  record: "r",
  namespace: "ns",
  kind: "function",
  name,
  functionKey: name,
  runtime,
  workload: `r-${name}-1`,
});
const odgm: ComponentRef = {
  record: "r",
  namespace: "ns",
  kind: "odgm",
  name: "odgm",
  runtime: "deployment",
  workload: "r-odgm",
};

const obj = (kind: string, name: string, spec: Record<string, unknown>) => ({
  apiVersion: "x",
  kind,
  metadata: { name, namespace: "ns", uid: `${name}-uid` },
  spec,
});
const withContainer = (
  name: string,
  requests?: Record<string, string>,
  annotations?: Record<string, string>,
) => ({
  template: {
    ...(annotations ? { metadata: { annotations } } : {}),
    spec: { containers: [{ name, image: "i", ...(requests ? { resources: { requests } } : {}) }] },
  },
});

const decision = (over: Partial<Decision>): Decision => ({
  component: "f1",
  dimension: "replicas",
  current: 2,
  recommended: 3,
  verdict: "apply",
  value: 3,
  checks: [],
  summary: "applied replicas 2 -> 3",
  ...over,
});

describe("enforcer act: where each value is written", function () {
  it("a Deployment without HPA: spec.replicas; cpu and memory from the function container", function () {
    const live = currentValues(fn("f1"), {
      deployment: obj("Deployment", "r-f1-1", {
        replicas: 2,
        ...withContainer("function", { cpu: "250m", memory: "128Mi" }),
      }),
    });
    expect(live.replicaTarget).to.equal("deployment");
    expect(live.current).to.deep.equal({ replicas: 2, cpu: 250, memory: 128 * 1024 * 1024 });
    expect(live.replicasAt).to.deep.equal({
      kind: "deployment",
      name: "r-f1-1",
      namespace: "ns",
      uid: "r-f1-1-uid",
    });
  });

  it("an HPA wins over the Deployment for replicas (minReplicas, default 1); requests stay on the Deployment", function () {
    const live = currentValues(fn("f1"), {
      deployment: obj("Deployment", "r-f1-1", withContainer("function")),
      hpa: obj("HorizontalPodAutoscaler", "r-f1-1", { maxReplicas: 5 }),
    });
    expect(live.replicaTarget).to.equal("hpa");
    expect(live.current.replicas).to.equal(1);
    expect(live.replicasAt?.kind).to.equal("hpa");
    expect(live.resourcesAt?.kind).to.equal("deployment");
    expect(live.current.cpu, "no request set: 0, as the scheduler counts it").to.equal(0);
  });

  it("Knative: the min-scale revision annotation (absent = 0)", function () {
    const with3 = currentValues(fn("f1", "knative"), {
      knative: obj(
        "Service",
        "r-f1-1",
        withContainer("function", undefined, { "autoscaling.knative.dev/min-scale": "3" }),
      ),
    });
    expect([with3.replicaTarget, with3.current.replicas]).to.deep.equal(["knative", 3]);
    const without = currentValues(fn("f1", "knative"), {
      knative: obj("Service", "r-f1-1", withContainer("user-container")),
    });
    expect(without.current.replicas).to.equal(0);
  });

  it("a missing or deleting workload leaves every value unknown and no object to write", function () {
    const gone = currentValues(fn("f1"), {});
    expect(gone).to.deep.include({ current: {} });
    expect(gone.replicasAt).to.equal(undefined);
    const deleting = obj("Deployment", "r-f1-1", { replicas: 2 }) as ReturnType<typeof obj> & {
      metadata: { deletionTimestamp?: string };
    };
    deleting.metadata.deletionTimestamp = "2026-01-01T00:00:00Z";
    expect(currentValues(fn("f1"), { deployment: deleting }).current).to.deep.equal({});
  });
});

describe("enforcer act: apply bodies hold only the owned fields", function () {
  const at = (kind: "deployment" | "hpa" | "knative") => ({ kind, name: "w", namespace: "ns", uid: "u1" });
  const change = (over: Partial<Change>): Change => ({
    component: "f1",
    dimension: "replicas",
    from: 2,
    to: 3,
    at: at("deployment"),
    container: "function",
    ...over,
  });
  const rows: { name: string; changes: Change[]; want: unknown }[] = [
    { name: "Deployment replicas", changes: [change({})], want: { replicas: 3 } },
    { name: "HPA minReplicas", changes: [change({ at: at("hpa") })], want: { minReplicas: 3 } },
    {
      name: "Knative min-scale annotation",
      changes: [change({ at: at("knative") })],
      want: { template: { metadata: { annotations: { "autoscaling.knative.dev/min-scale": "3" } } } },
    },
    {
      name: "replicas, cpu and memory of one Deployment in one body",
      changes: [
        change({}),
        change({ dimension: "cpu", from: 100, to: 249.6 }),
        change({ dimension: "memory", from: undefined, to: 134217728 }),
      ],
      want: {
        replicas: 3,
        template: {
          spec: {
            containers: [{ name: "function", resources: { requests: { cpu: "250m", memory: "134217728" } } }],
          },
        },
      },
    },
  ];
  for (const row of rows)
    it(row.name, function () {
      const body = applyBody(row.changes);
      expect(body.spec).to.deep.equal(row.want);
      expect(body.metadata, "uid: a precondition on the object read").to.deep.equal({
        name: "w",
        namespace: "ns",
        uid: "u1",
      });
    });

  it("refuses changes of two objects in one body (a caller bug)", function () {
    expect(() => applyBody([change({}), change({ at: at("hpa") })])).to.throw(/different objects/);
  });
});

describe("enforcer act: from decisions to changes, notes, status and history", function () {
  const live: LiveComponent[] = [
    currentValues(fn("f1"), {
      deployment: obj("Deployment", "r-f1-1", { replicas: 2, ...withContainer("function", { cpu: "100m" }) }),
    }),
    currentValues(odgm, {
      deployment: obj("Deployment", "r-odgm", { replicas: 1, ...withContainer("odgm") }),
    }),
  ];

  it("only apply verdicts with a value become changes; grouped per object", function () {
    const changes = changesOf(
      [
        decision({}),
        decision({ dimension: "cpu", current: 100, recommended: 300, value: 150 }),
        decision({ component: "odgm", current: 1, recommended: 3, verdict: "hold", value: 3 }),
        decision({ component: "gone", current: 1 }),
      ],
      live,
    );
    expect(changes.map((c) => `${c.component}/${c.dimension} ${c.from}->${c.to}`)).to.deep.equal([
      "f1/replicas 2->3",
      "f1/cpu 100->150",
    ]);
    expect(byObject(changes)).to.have.length(1);
  });

  it("the Event note and history entry of an applied change", function () {
    const [change] = changesOf([decision({})], live);
    if (change === undefined) return expect.fail("no change");
    expect(changeNote(change)).to.equal("replicas_min=3 for function f1");
    expect(changeNote({ ...change, component: "odgm", dimension: "cpu", to: 250 })).to.equal(
      "cpu_request=250m for odgm",
    );
    const entry = appliedEntry(change, decision({}));
    expect(entry).to.deep.include({ type: "enforced", reason: "NFRApplied", objects: ["Deployment/r-f1-1"] });
    expect(entry.message).to.equal(
      "applied replicas_min=3 for function f1 (2 -> 3) on Deployment/r-f1-1: applied replicas 2 -> 3",
    );
  });

  it("status.last_applied_recommendations: the applied one replaced, others kept", function () {
    const [change] = changesOf([decision({})], live);
    if (change === undefined) return expect.fail("no change");
    const out = lastApplied(
      [
        { component: "f1", dimension: "replicas", target: 2, basis: "enforcer: 1 -> 2", confidence: 0.9 },
        { component: "f1", dimension: "cpu", target: 100, basis: "enforcer: unset -> 100", confidence: 1 },
      ],
      [change],
      [
        {
          component: "f1",
          dimension: "replicas",
          target: 3,
          basis: "cpu 2.4 cores over 10m",
          confidence: 0.97,
        },
      ],
    );
    expect(out).to.deep.equal([
      { component: "f1", dimension: "cpu", target: 100, basis: "enforcer: unset -> 100", confidence: 1 },
      {
        component: "f1",
        dimension: "replicas",
        target: 3,
        basis: "enforcer: 2 -> 3 (recommended 3: cpu 2.4 cores over 10m)",
        confidence: 0.97,
      },
    ]);
  });

  const hold = (check: string, over: Partial<Decision> = {}): Decision =>
    decision({
      verdict: "hold",
      checks: [{ check: check as "stability", verdict: "hold", reason: `${check} reason` }],
      summary: `held: ${check}`,
      ...over,
    });
  const news: { name: string; now: Decision; before: Decision | undefined; want: boolean }[] = [
    { name: "first hold of a dimension", now: hold("stability"), before: undefined, want: true },
    {
      name: "same checks hold, same values (only the clock moved)",
      now: hold("stability"),
      before: hold("stability"),
      want: false,
    },
    { name: "another check holds now", now: hold("cooldown"), before: hold("stability"), want: true },
    {
      name: "a new recommended value",
      now: hold("stability", { recommended: 4 }),
      before: hold("stability"),
      want: true,
    },
    {
      name: "the same first hold, a later check no longer holding (time passed)",
      now: hold("global"),
      before: decision({
        verdict: "hold",
        checks: [
          { check: "global", verdict: "hold", reason: "off" },
          { check: "stability", verdict: "hold", reason: "1/6 s" },
        ],
      }),
      want: false,
    },
    { name: "a hold after an apply", now: hold("hysteresis"), before: decision({}), want: true },
    { name: "not enforced by the record (mode)", now: hold("mode"), before: undefined, want: false },
    {
      name: "a dimension the record does not enforce",
      now: hold("dimension"),
      before: undefined,
      want: false,
    },
    { name: "an apply is never a hold entry", now: decision({}), before: undefined, want: false },
  ];
  for (const row of news)
    it(`history of holds: ${row.name} -> ${row.want ? "written" : "not written"}`, function () {
      expect(heldIsNews(row.now, row.before)).to.equal(row.want);
    });

  it("a held entry carries its inputs and every check", function () {
    const entry = heldEntry(
      hold("stability", {
        nextEligibleAtMs: Date.UTC(2026, 11, 7, 12, 4, 10),
        summary: "held: stability 120/180 s; next eligible at 2026-12-07T12:04:10.000Z",
      }),
    );
    expect(entry.message).to.equal(
      "replicas of function f1 (current 2, recommended 3): held: stability 120/180 s; next eligible at 2026-12-07T12:04:10.000Z",
    );
    expect(entry.details).to.deep.equal({
      decision: {
        component: "f1",
        dimension: "replicas",
        current: 2,
        recommended: 3,
        value: 3,
        next_eligible_at: "2026-12-07T12:04:10.000Z",
        checks: [{ check: "stability", verdict: "hold", reason: "stability reason" }],
      },
    });
  });
});
