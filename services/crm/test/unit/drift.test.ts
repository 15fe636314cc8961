// Table-driven tests of the pure drift rules: which differences a live child has from what
// we render (drift.ts), the JSON patch that takes foreign items out, who wrote them, when
// to stop repairing (drift-marker.ts) and the Event-type rule (event-type.ts).
import type { Condition } from "@oaas/crd";
import type { RenderedObject } from "@oaas/templates";
import { expect } from "chai";
import type { LiveObject } from "../../src/children/live-object.ts";
import {
  decideRepair,
  maxRepairTries,
  readMarker,
  repairHoldMs,
  driftRepairAnnotation,
  formatMarker,
} from "../../src/reconciler/drift-marker.ts";
import { childAction, findDrift, removalOperations, writersOf } from "../../src/reconciler/drift.ts";
import { eventType } from "../../src/reconciler/event-type.ts";

const desired: RenderedObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: "d",
    namespace: "ns",
    labels: { app: "a" },
    annotations: { "oaas.io/applied-hash": "h" },
    ownerReferences: [
      { apiVersion: "oaas.io/v1alpha1", kind: "DeploymentRecord", name: "r", uid: "r1", controller: true },
    ],
  },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "a" } },
    template: {
      metadata: { labels: { app: "a" }, annotations: { scrape: "true" } },
      spec: {
        containers: [
          {
            name: "function",
            image: "img:1",
            ports: [{ name: "http", containerPort: 8080, protocol: "TCP" }],
            env: [{ name: "A", value: "1" }],
            resources: { requests: { cpu: "0.5" } },
          },
        ],
      },
    },
  },
};

type Container = Record<string, unknown> & { env?: unknown[]; ports?: unknown[] };
/** What the API server answers for `desired` (defaults, normalised quantities), edited by `edit`. */
function live(edit: (l: LiveObject, c: Container) => void = () => undefined): LiveObject {
  const l = structuredClone(desired) as LiveObject;
  l.metadata = { ...l.metadata, uid: "u", generation: 1 };
  const spec = l.spec as { template: { spec: Record<string, unknown> & { containers: Container[] } } };
  spec.template.spec["restartPolicy"] = "Always";
  const c = spec.template.spec.containers[0] ?? {};
  Object.assign(c, { imagePullPolicy: "IfNotPresent", terminationMessagePath: "/dev/termination-log" });
  c["resources"] = { requests: { cpu: "500m" } };
  l.status = { replicas: 1 };
  edit(l, c);
  return l;
}
const template = (l: LiveObject) =>
  l.spec?.["template"] as { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } };

describe("reconciler: drift (what differs from what we render)", function () {
  const rows: { name: string; edit: (l: LiveObject, c: Container) => void; want: [string, string][] }[] = [
    { name: "defaults and normalised quantities", edit: () => undefined, want: [] },
    {
      name: "an annotation we never render (kept)",
      edit: (l) => (l.metadata = { ...l.metadata, annotations: { ...l.metadata?.annotations, note: "x" } }),
      want: [],
    },
    {
      name: "a label on the Deployment itself (kept)",
      edit: (l) => (l.metadata = { ...l.metadata, labels: { app: "a", team: "x" } }),
      want: [],
    },
    {
      name: "an owner reference another tool added (kept)",
      edit: (l) =>
        l.metadata?.ownerReferences?.push({ apiVersion: "v1", kind: "ConfigMap", name: "c", uid: "c1" }),
      want: [],
    },
    {
      name: "our owner reference edited",
      edit: (l) => {
        const ref = l.metadata?.ownerReferences?.[0];
        if (ref) ref.controller = false;
      },
      want: [["changed", "metadata.ownerReferences[r1].controller"]],
    },
    {
      name: "env added",
      edit: (_l, c) => c.env?.push({ name: "HACK2", value: "1" }),
      want: [["foreign", "spec.template.spec.containers[function].env[HACK2]"]],
    },
    {
      name: "env value changed",
      edit: (_l, c) => (c.env = [{ name: "A", value: "2" }]),
      want: [["changed", "spec.template.spec.containers[function].env[A].value"]],
    },
    {
      name: "env removed",
      edit: (_l, c) => (c.env = []),
      want: [["changed", "spec.template.spec.containers[function].env[A]"]],
    },
    {
      name: "port added",
      edit: (_l, c) => c.ports?.push({ containerPort: 9090, protocol: "TCP" }),
      want: [["foreign", "spec.template.spec.containers[function].ports[9090/TCP]"]],
    },
    {
      name: "volume mount and command added (fields we render none of)",
      edit: (_l, c) => {
        c["volumeMounts"] = [{ name: "v", mountPath: "/x" }];
        c["command"] = ["sh"];
      },
      want: [
        ["foreign", "spec.template.spec.containers[function].volumeMounts[/x]"],
        ["foreign", "spec.template.spec.containers[function].command"],
      ],
    },
    {
      name: "a container added in front",
      edit: (l) => template(l).spec.containers.unshift({ name: "sidecar", image: "s:1" }),
      want: [["foreign", "spec.template.spec.containers[sidecar]"]],
    },
    {
      name: "an init container added",
      edit: (l) =>
        ((template(l).spec as Record<string, unknown>)["initContainers"] = [{ name: "i", image: "i" }]),
      want: [["foreign", "spec.template.spec.initContainers[i]"]],
    },
    {
      name: "pod-template label added",
      edit: (l) => (template(l).metadata.labels["oaas.io/extra"] = "1"),
      want: [["foreign", "spec.template.metadata.labels[oaas.io/extra]"]],
    },
    {
      name: "pod-template label changed",
      edit: (l) => (template(l).metadata.labels["app"] = "b"),
      want: [["changed", "spec.template.metadata.labels[app]"]],
    },
    {
      name: "image changed",
      edit: (_l, c) => (c["image"] = "evil:1"),
      want: [["changed", "spec.template.spec.containers[function].image"]],
    },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.want.length === 0 ? "no drift" : row.want.map(([k]) => k).join(", ")}`, function () {
      const found = findDrift(desired, live(row.edit));
      expect(found.map((d) => [d.kind, d.path])).to.deep.equal(row.want);
      expect(childAction(desired, live(row.edit))).to.equal(row.want.length === 0 ? "none" : "repair");
    });
  }

  it("removals test each item, last position first, so no removal shifts another", function () {
    const l = live((obj, c) => {
      c.env?.push({ name: "X", value: "1" }, { name: "Y", value: "2" });
      template(obj).spec.containers.unshift({ name: "sidecar", image: "s:1" });
    });
    const ops = removalOperations(findDrift(desired, l));
    expect(ops.map((o) => `${o.op} ${o.path}`)).to.deep.equal([
      "test /spec/template/spec/containers/1/env/2",
      "remove /spec/template/spec/containers/1/env/2",
      "test /spec/template/spec/containers/1/env/1",
      "remove /spec/template/spec/containers/1/env/1",
      "test /spec/template/spec/containers/0",
      "remove /spec/template/spec/containers/0",
    ]);
    expect(ops[0]).to.deep.equal({
      op: "test",
      path: "/spec/template/spec/containers/1/env/2",
      value: { name: "Y", value: "2" },
    });
  });

  it("map keys with / are JSON-pointer escaped", function () {
    const l = live((obj) => (template(obj).metadata.labels["a/b~c"] = "1"));
    expect(removalOperations(findDrift(desired, l)).map((o) => o.path)).to.deep.equal([
      "/spec/template/metadata/labels/a~1b~0c",
      "/spec/template/metadata/labels/a~1b~0c",
    ]);
  });

  it("Service: an added selector key and port are foreign, a defaulted targetPort is not", function () {
    const svc: RenderedObject = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "s" },
      spec: {
        selector: { app: "a" },
        ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
      },
    };
    const l = structuredClone(svc) as LiveObject;
    l.spec = {
      ...l.spec,
      clusterIP: "10.0.0.1",
      selector: { app: "a", extra: "1" },
      ports: [
        { name: "http", port: 80, targetPort: "http", protocol: "TCP" },
        { name: "x", port: 81, targetPort: 81, protocol: "TCP" },
      ],
    };
    expect(findDrift(svc, l).map((d) => [d.kind, d.path])).to.deep.equal([
      ["foreign", "spec.selector[extra]"],
      ["foreign", "spec.ports[81/TCP]"],
    ]);
  });

  it("writers: the field managers (not ours) that own a drifted field", function () {
    const l = live((_l, c) => c.env?.push({ name: "HACK2", value: "1" }));
    l.metadata = {
      ...l.metadata,
      managedFields: [
        { manager: "oaas-crm-reconciler", fieldsV1: { "f:spec": {} } },
        {
          manager: "kubectl-set",
          fieldsV1: {
            "f:spec": {
              "f:template": {
                "f:spec": {
                  "f:containers": { 'k:{"name":"function"}': { "f:env": { 'k:{"name":"HACK2"}': {} } } },
                },
              },
            },
          },
        },
        { manager: "kubectl-annotate", fieldsV1: { "f:metadata": { "f:annotations": {} } } },
      ],
    };
    expect(writersOf(l, findDrift(desired, l), "oaas-crm-reconciler")).to.deep.equal(["kubectl-set"]);
  });
});

describe("reconciler: drift repairs that do not hold", function () {
  const now = new Date("2026-12-07T12:00:00Z");
  const paths = ["b", "a"];
  const marker = (tries: number, agoMs: number, gaveUp = false) => ({
    paths: ["a", "b"],
    tries,
    at: new Date(now.getTime() - agoMs).toISOString(),
    ...(gaveUp ? { gaveUp } : {}),
  });
  const rows: { name: string; given: ReturnType<typeof marker> | undefined; want: string; tries?: number }[] =
    [
      { name: "first repair", given: undefined, want: "repair", tries: 1 },
      { name: "back soon after one repair", given: marker(1, 1_000), want: "repair", tries: 2 },
      {
        name: `back soon after ${maxRepairTries} repairs`,
        given: marker(maxRepairTries, 1_000),
        want: "give-up",
      },
      { name: "back long after", given: marker(maxRepairTries, repairHoldMs + 1), want: "repair", tries: 1 },
      {
        name: "given up: stays so, however old",
        given: marker(2, 10 * repairHoldMs, true),
        want: "hold-off",
      },
    ];
  for (const row of rows) {
    it(`${row.name} -> ${row.want}`, function () {
      const decision = decideRepair(row.given, paths, now);
      expect(decision.act).to.equal(row.want);
      if (decision.act === "repair") expect(decision.marker.tries).to.equal(row.tries);
    });
  }

  it("other fields start the count again, even after giving up", function () {
    const decision = decideRepair(marker(2, 0, true), ["c"], now);
    expect(decision).to.deep.equal({
      act: "repair",
      marker: { paths: ["c"], tries: 1, at: now.toISOString() },
    });
  });

  it("the marker round-trips through the annotation; a hand-mangled one reads as absent", function () {
    const m = { paths: ["a"], tries: 2, at: now.toISOString(), gaveUp: true };
    const annotated = (value: string): LiveObject => ({
      metadata: { annotations: { [driftRepairAnnotation]: value } },
    });
    expect(readMarker(annotated(formatMarker(m)))).to.deep.equal(m);
    expect(readMarker(annotated("not json"))).to.equal(undefined);
    expect(readMarker(annotated('{"paths":"a"}'))).to.equal(undefined);
  });
});

describe("reconciler: Event type rule", function () {
  const condition = (type: Condition["type"], status: Condition["status"], reason: string): Condition => ({
    type,
    status,
    reason,
    message: "m",
    lastTransitionTime: "2026-12-07T12:00:00Z",
  });
  const rolling = [
    condition("Available", "False", "RolloutStarted"),
    condition("Progressing", "True", "RolloutStarted"),
    condition("Degraded", "False", "AsExpected"),
  ];
  const stuck = [
    condition("Available", "False", "ProgressDeadlineExceeded"),
    condition("Degraded", "True", "ProgressDeadlineExceeded"),
  ];
  const drift = [
    condition("Available", "True", "AllComponentsAvailable"),
    condition("Degraded", "True", "DriftNotRepaired"),
  ];
  const rows: { name: string; reason: string; conditions?: Condition[]; want: "Normal" | "Warning" }[] = [
    {
      name: "a rollout makes the record unavailable",
      reason: "Unavailable",
      conditions: rolling,
      want: "Normal",
    },
    { name: "children applied", reason: "Applied", conditions: rolling, want: "Normal" },
    { name: "a hand edit put back (held)", reason: "DriftRepaired", conditions: rolling, want: "Normal" },
    { name: "deletion steps", reason: "Deleting", want: "Normal" },
    {
      name: "a rollout that cannot finish",
      reason: "ProgressDeadlineExceeded",
      conditions: stuck,
      want: "Warning",
    },
    {
      name: "a quota refusal",
      reason: "FailedCreate",
      conditions: [condition("Degraded", "True", "FailedCreate")],
      want: "Warning",
    },
    { name: "a repair that did not hold", reason: "DriftNotRepaired", conditions: drift, want: "Warning" },
    { name: "applied while another thing is degraded", reason: "Applied", conditions: stuck, want: "Normal" },
    {
      name: "a terminal spec error",
      reason: "InvalidSpec",
      conditions: [condition("Degraded", "True", "InvalidSpec")],
      want: "Warning",
    },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.want}`, function () {
      expect(eventType(row.reason, row.conditions)).to.equal(row.want);
    });
  }
});
