// Table tests of a drift repair's decisions (services/crm/src/reconciler/plan-child.ts):
// the first step from the child's repair marker, each later step from the API server's
// answer, and the JSON patches a repair, an update, a give-up and a forgotten marker send.
// A writer that fights back ends in give-up, not in an endless loop. No cluster.
import type { JsonPatchOperation } from "@oaas/kube";
import { expect } from "chai";
import type { LiveObject } from "../../src/reconciler/compare.ts";
import {
  driftRepairAnnotation,
  formatMarker,
  maxRepairTries,
  readMarker,
  repairHoldMs,
  type DriftMarker,
} from "../../src/reconciler/drift-marker.ts";
import {
  planChild,
  repairOperations,
  repairStep,
  updateOperations,
  type ChildStep,
} from "../../src/reconciler/plan-child.ts";
import { withAppliedHash } from "../../src/reconciler/compare.ts";
import {
  applied,
  desiredOf,
  envFields,
  now,
  record,
  withAnnotation,
  withFunction,
  withFunctionContainer,
  writtenBy,
  type LiveOption,
} from "./reconcile-fixtures.ts";

const manager = "oaas-crm-reconciler";
const hack = "spec.template.spec.containers[function].env[HACK2]";
const desired = withAppliedHash(desiredOf(record(withFunction("a")))[0] ?? {});
const withHack = withFunctionContainer((c) => c.env?.push({ name: "HACK2", value: "1" }));
const withPort = withFunctionContainer((c) => c.ports?.push({ containerPort: 9090, protocol: "TCP" }));
const child = (...options: LiveOption[]): LiveObject =>
  applied(desiredOf(record(withFunction("a")))[0] ?? {}, ...options);
const marker = (paths: string[], tries: number, agoMs: number, gaveUp = false): LiveOption =>
  withAnnotation(
    driftRepairAnnotation,
    formatMarker({
      paths,
      tries,
      at: new Date(now.getTime() - agoMs).toISOString(),
      ...(gaveUp ? { gaveUp } : {}),
    }),
  );

/** "keep", "forget-marker", "write (tries n)", "give-up", "hold-off", "update". */
function verdict(step: ChildStep): string {
  if (step.kind !== "repair") return step.kind;
  if (step.first.act === "write") return `write (tries ${step.first.marker.tries})`;
  return step.first.act;
}

describe("reconcile plan: repairs that hold, and repairs that do not", function () {
  const rows: { name: string; given: LiveOption[]; want: string }[] = [
    { name: "first drift", given: [withHack], want: "write (tries 1)" },
    {
      name: "back 1 s after one repair",
      given: [withHack, marker([hack], 1, 1_000)],
      want: "write (tries 2)",
    },
    {
      name: `back 1 s after ${maxRepairTries} repairs: the CRM stops (Degraded DriftNotRepaired)`,
      given: [withHack, marker([hack], maxRepairTries, 1_000)],
      want: "give-up",
    },
    {
      name: "back after the hold window: a new drift, counted afresh",
      given: [withHack, marker([hack], maxRepairTries, repairHoldMs + 1)],
      want: "write (tries 1)",
    },
    {
      name: "given up on these fields: no write however long ago",
      given: [withHack, marker([hack], maxRepairTries, 10 * repairHoldMs, true)],
      want: "hold-off",
    },
    {
      name: "given up on other fields: this drift is repaired",
      given: [withPort, marker([hack], maxRepairTries, 1_000, true)],
      want: "write (tries 1)",
    },
    {
      name: "given up, then a person took the edit out: the marker goes (a later edit is put back again)",
      given: [marker([hack], maxRepairTries, 1_000, true)],
      want: "forget-marker",
    },
    {
      name: "a marker of a repair that held: kept, no write",
      given: [marker([hack], 1, 1_000)],
      want: "keep",
    },
    {
      name: "a mangled marker reads as none",
      given: [withHack, withAnnotation(driftRepairAnnotation, "{")],
      want: "write (tries 1)",
    },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.want}`, function () {
      expect(verdict(planChild(desired, child(...row.given), manager, now))).to.equal(row.want);
    });
  }

  it("give-up writes the gaveUp marker and reports the fields and their writer as not repaired", function () {
    const step = planChild(
      desired,
      child(withHack, writtenBy("kubectl-set", envFields("HACK2")), marker([hack], 2, 1_000)),
      manager,
      now,
    );
    if (step.kind !== "repair" || step.first.act !== "give-up") throw new Error(`got ${verdict(step)}`);
    expect(step.first.left).to.deep.equal({
      object: "Deployment/shop-a-4",
      paths: [hack],
      writers: ["kubectl-set"],
    });
    expect(step.first.operations).to.have.length(1);
    expect(step.first.operations[0]).to.include({
      op: "add",
      path: "/metadata/annotations/oaas.io~1drift-repair",
    });
    const written = JSON.parse(String((step.first.operations[0] as { value: unknown }).value)) as DriftMarker;
    expect(written).to.deep.equal({ paths: [hack], tries: 2, at: now.toISOString(), gaveUp: true });
  });

  it("forget-marker removes the annotation; nothing else", function () {
    const step = planChild(desired, child(marker([hack], 2, 1_000, true)), manager, now);
    if (step.kind !== "forget-marker") throw new Error(`got ${verdict(step)}`);
    expect(step.operations).to.deep.equal([
      { op: "remove", path: "/metadata/annotations/oaas.io~1drift-repair" },
    ]);
  });
});

describe("reconcile plan: each step of a repair, from the API server's answer", function () {
  const written = (tries: number): DriftMarker => ({ paths: [hack], tries, at: now.toISOString() });
  const rows: { name: string; answer: LiveObject; marker: DriftMarker; attempt: number; want: string }[] = [
    {
      name: "the answer holds no drift: the repair held",
      answer: child(),
      marker: written(1),
      attempt: 2,
      want: "held",
    },
    {
      name: "a webhook put it back at once: written again",
      answer: child(withHack),
      marker: written(1),
      attempt: 2,
      want: "write (tries 2)",
    },
    {
      name: `still there after ${maxRepairTries} writes: give up`,
      answer: child(withHack),
      marker: written(maxRepairTries),
      attempt: maxRepairTries + 1,
      want: "give-up",
    },
    {
      name: `the drift moves between attempts: still at most ${maxRepairTries} writes in one run`,
      answer: child(withPort),
      marker: written(1),
      attempt: maxRepairTries + 1,
      want: "give-up",
    },
  ];
  for (const row of rows) {
    it(`${row.name}: ${row.want}`, function () {
      const step = repairStep(desired, row.answer, row.marker, row.attempt, manager, now);
      expect(step.act === "write" ? `write (tries ${step.marker.tries})` : step.act).to.equal(row.want);
    });
  }

  it("a value we render changed: apply first; only foreign items: the patch alone", function () {
    const edited = child(withFunctionContainer((c) => (c.image = "evil:1")));
    expect(repairStep(desired, edited, undefined, 1, manager, now)).to.include({ act: "write", apply: true });
    expect(repairStep(desired, child(withHack), undefined, 1, manager, now)).to.include({
      act: "write",
      apply: false,
    });
  });
});

describe("reconcile plan: the JSON patches", function () {
  const envIndex = (l: LiveObject, name: string) => {
    const template = l.spec?.["template"] as {
      spec: { containers: { name: string; env?: { name: string }[] }[] };
    };
    const i = template.spec.containers.findIndex((c) => c.name === "function");
    const j = template.spec.containers[i]?.env?.findIndex((e) => e.name === name) ?? -1;
    return `/spec/template/spec/containers/${i}/env/${j}`;
  };

  it("a repair write: test and remove each foreign item (a concurrent edit fails the whole patch), then set the marker", function () {
    const live = child(withHack);
    const ops = repairOperations(desired, live, { paths: [hack], tries: 1, at: now.toISOString() });
    const at = envIndex(live, "HACK2");
    expect(ops.map((o: JsonPatchOperation) => `${o.op} ${o.path}`)).to.deep.equal([
      `test ${at}`,
      `remove ${at}`,
      "add /metadata/annotations/oaas.io~1drift-repair",
    ]);
    expect(ops[0]).to.deep.include({ value: { name: "HACK2", value: "1" } });
  });

  it("after an update's apply: foreign items out and the marker removed (the repair count starts afresh)", function () {
    const answer = child(withHack, marker([hack], 2, 1_000, true));
    const at = envIndex(answer, "HACK2");
    expect(updateOperations(desired, answer).map((o) => `${o.op} ${o.path}`)).to.deep.equal([
      `test ${at}`,
      `remove ${at}`,
      "remove /metadata/annotations/oaas.io~1drift-repair",
    ]);
    expect(updateOperations(desired, child())).to.deep.equal([]);
  });

  it("the marker a repair writes is read back the same", function () {
    const m: DriftMarker = { paths: [hack], tries: 1, at: now.toISOString() };
    const [op] = repairOperations(desired, child(), m);
    const annotated = child(withAnnotation(driftRepairAnnotation, String((op as { value: unknown }).value)));
    expect(readMarker(annotated)).to.deep.equal(m);
  });
});
