// Table tests of the reconcile plan (services/crm/src/reconciler/plan.ts): given a record,
// what render makes of it and the live children a gather found, which child is created,
// kept, updated, repaired (and how) or pruned, and which spec stops the run before any
// write. No cluster: the plan takes no client. services/crm/src/reconciler/README.md maps
// each behaviour the integration tests cover to the rows here and in
// reconcile-owners.test.ts, reconcile-repair.test.ts and reconcile-conclude.test.ts.
import { expect } from "chai";
import { isFirstRun, planChildren, planDesired } from "../../src/reconciler/plan.ts";
import {
  applied,
  beingDeleted,
  context,
  converged,
  deployment,
  desiredOf,
  envFields,
  live,
  now,
  record,
  recordUid,
  service,
  withAnnotation,
  withCpuRequest,
  withFeature,
  withFunction,
  withFunctionContainer,
  withGeneration,
  withImage,
  withMaxScale,
  withOdgm,
  withOwner,
  withOwnerLabel,
  withoutFinalizer,
  withoutStatus,
  withPodTemplate,
  withScale,
  withSpec,
  withTemplate,
  writtenBy,
} from "./reconcile-fixtures.ts";
import { a, b, D, edit, H, odgm, one, planRows, S, type Row } from "./reconcile-plan-table.ts";

const hpa = context(withFeature("hpa"));

const rows: Row[] = [
  // Create, no-op, update, prune.
  {
    name: "create: a new record's children, a Deployment and a Service per function and for ODGM",
    given: {
      record: record(withFunction("a"), withFunction("b"), withOdgm, withoutStatus),
      context: context(withFeature("odgm")),
      live: [],
    },
    want: { create: [D(a), S(a), D(b), S(b), D(odgm), S(odgm)] },
  },
  {
    name: "no-op: converged (API-server defaults, a quantity written another way) writes nothing",
    given: {
      record: record(withFunction("a", withCpuRequest("0.5"))),
      live: converged(
        record(withFunction("a", withCpuRequest("0.5"))),
        context(),
        ...edit(
          D(a),
          withFunctionContainer((c) => Object.assign(c, { resources: { requests: { cpu: "500m" } } })),
        ),
      ),
    },
    want: {},
  },
  {
    name: "no-op: every kind (ODGM, an HPA) converged writes nothing",
    given: {
      record: record(withFunction("a", withScale(1, 3)), withOdgm),
      context: context(withFeature("odgm"), withFeature("hpa")),
      live: converged(
        record(withFunction("a", withScale(1, 3)), withOdgm),
        context(withFeature("odgm"), withFeature("hpa")),
      ),
    },
    want: {},
  },
  {
    name: "update: a new image applies that Deployment only",
    given: {
      record: record(withFunction("a", withImage("ghcr.io/oaas/a:2")), withGeneration(2)),
      live: converged(one()),
    },
    want: { update: [D(a)] },
  },
  {
    name: "prune: a removed function's Deployment and Service",
    given: { record: one(), live: converged(record(withFunction("a"), withFunction("b"))) },
    want: { prune: [D(b), S(b)] },
  },
  {
    name: "prune: a leftover of this record (its label and uid) a crashed run left undesired",
    given: {
      record: one(),
      live: [
        ...converged(one()),
        service("shop-old", withOwnerLabel("shop"), withOwner("DeploymentRecord", "shop", recordUid)),
      ],
    },
    want: { prune: [S("shop-old")] },
  },
  {
    name: "prune: never another record's child, nor one already being deleted",
    given: {
      record: one(),
      live: [
        ...converged(one()),
        deployment("shop-x", withOwnerLabel("shop"), withOwner("DeploymentRecord", "other", "other-uid")),
        service(
          "shop-y",
          withOwnerLabel("shop"),
          withOwner("DeploymentRecord", "shop", recordUid),
          beingDeleted,
        ),
      ],
    },
    want: {},
  },
  {
    name: "template change dev + HPA -> full: the Deployment sets replicas again, the HPA is pruned",
    given: {
      record: record(withTemplate("full"), withFunction("a", withMaxScale(3)), withGeneration(2)),
      context: hpa,
      live: converged(record(withTemplate("dev"), withFunction("a", withMaxScale(3))), hpa),
    },
    want: { update: [D(a)], prune: [H(a)] },
  },

  // Drift: hand edits of what we render are put back; what we never render stays.
  {
    name: "drift: an image and a label edited by hand: a forced apply puts them back",
    given: {
      record: one(),
      live: converged(
        one(),
        context(),
        ...edit(
          D(a),
          withFunctionContainer((c) => (c.image = "evil:1")),
          (l) =>
            void (l.metadata = {
              ...l.metadata,
              labels: { ...l.metadata?.labels, "oaas.io/component": "hacked" },
            }),
        ),
      ),
    },
    want: {
      "repair:apply": [D(a)],
      found: [`${D(a)}: metadata.labels.oaas.io/component, spec.template.spec.containers[function].image`],
    },
  },
  {
    name: "drift: kubectl set env adds HACK2: a tested JSON patch takes it out, naming the writer",
    given: {
      record: one(),
      live: converged(
        one(),
        context(),
        ...edit(
          D(a),
          withFunctionContainer((c) => c.env?.push({ name: "HACK2", value: "1" })),
          writtenBy("kubectl-set", envFields("HACK2")),
        ),
      ),
    },
    want: {
      "repair:patch": [D(a)],
      found: [`${D(a)}: spec.template.spec.containers[function].env[HACK2] (written by kubectl-set)`],
    },
  },
  ...(
    [
      [
        "an env value changed",
        withFunctionContainer(
          (c) => (c.env = (c.env ?? []).map((e) => (e.name === "MODE" ? { ...e, value: "debug" } : e))),
        ),
        "repair:apply",
        "spec.template.spec.containers[function].env[MODE].value",
      ],
      [
        "a port added",
        withFunctionContainer((c) => c.ports?.push({ containerPort: 9090, protocol: "TCP" })),
        "repair:patch",
        "spec.template.spec.containers[function].ports[9090/TCP]",
      ],
      [
        "a container added",
        withPodTemplate((t) => t.spec.containers.push({ name: "sidecar", image: "ghcr.io/oaas/sidecar:1" })),
        "repair:patch",
        "spec.template.spec.containers[sidecar]",
      ],
      [
        "a pod-template label added",
        withPodTemplate((t) => (t.metadata.labels["hack"] = "1")),
        "repair:patch",
        "spec.template.metadata.labels[hack]",
      ],
    ] as const
  ).map(([what, change, how, path]): Row => ({
    name: `drift: ${what}: ${how === "repair:apply" ? "apply" : "patch"} puts it back`,
    given: { record: one(), live: converged(one(), context(), [D(a), change]) },
    want: { [how]: [D(a)], found: [`${D(a)}: ${path}`] },
  })),
  {
    name: "no drift: an annotation we never render stays (kubectl annotate)",
    given: {
      record: one(),
      live: converged(one(), context(), ...edit(D(a), withAnnotation("example.com/note", "kept"))),
    },
    want: {},
  },
  {
    name: "drift: a Service selector key and port another tool added are taken out; its cluster IP stays",
    given: {
      record: one(),
      live: converged(
        one(),
        context(),
        ...edit(
          S(a),
          withSpec((spec) => {
            spec["selector"] = { ...(spec["selector"] as object), extra: "1" };
            spec["ports"] = [
              ...(spec["ports"] as object[]),
              { name: "debug", port: 9999, targetPort: 9999, protocol: "TCP" },
            ];
          }),
          writtenBy("kubectl-edit", { "f:spec": { "f:selector": { "f:extra": {} } } }),
        ),
      ),
    },
    want: {
      "repair:patch": [S(a)],
      found: [`${S(a)}: spec.selector[extra], spec.ports[9999/TCP] (written by kubectl-edit)`],
    },
  },
];

describe("reconcile plan: which child is created, kept, updated, repaired or pruned", function () {
  planRows(rows);
});

describe("reconcile plan: what the record asks for", function () {
  const rows: { name: string; record: ReturnType<typeof record>; want: [string, string] }[] = [
    {
      name: "a quantity that is none (written by hand past the ingress): InvalidSpec with the field path",
      record: record(withFunction("a", withCpuRequest("lots"))),
      want: ["InvalidSpec", "spec.functions[0].provision_config.cpu_request"],
    },
    {
      name: "an unknown template: TemplateNotFound naming spec.selected_template",
      record: record(withFunction("a"), withTemplate("no-such-template")),
      want: ["TemplateNotFound", "spec.selected_template"],
    },
  ];
  for (const row of rows) {
    it(`${row.name}; terminal, running workloads left as they are`, function () {
      const desired = planDesired(row.record, context());
      if (desired.ok) throw new Error("rendered a bad spec");
      expect([desired.failure.reason, desired.failure.terminal]).to.deep.equal([row.want[0], true]);
      expect(desired.failure.message).to.contain(row.want[1]).and.to.contain("left as they are");
    });
  }

  it("a first run (no status of a run, or no finalizer) reads desired names and lists nothing; later runs list", function () {
    expect(isFirstRun(record(withoutStatus))).to.equal(true);
    expect(isFirstRun(record(withoutFinalizer))).to.equal(true);
    expect(isFirstRun(record())).to.equal(false);
  });

  it("every child is applied with its hash annotation, so an unchanged desired state is no write", function () {
    const desired = desiredOf(one());
    const plan = planChildren(one(), desired, live(), { fieldManager: "oaas-crm-reconciler", now });
    if (!plan.ok) throw plan.failure;
    for (const step of plan.value.steps)
      expect(step.object.metadata?.annotations?.["oaas.io/applied-hash"]).to.match(/^[0-9a-f]{16}$/);
    expect(applied(desired[0] ?? {}).metadata?.annotations?.["oaas.io/applied-hash"]).to.equal(
      plan.value.steps[0]?.object.metadata?.annotations?.["oaas.io/applied-hash"],
    );
  });
});
