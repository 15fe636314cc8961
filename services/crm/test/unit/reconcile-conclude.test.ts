// Table tests of how a run ends (services/crm/src/reconciler/conclude.ts, transitions.ts,
// plan-finalize.ts): the status written (only when it changes), the history entries and
// Events told (each transition once; Warning only for the Degraded reason), the queue's
// result, and the order of a delete: children first, then the finalizer. No cluster.
import type { DeploymentRecordStatus } from "@oaas/crd";
import { expect } from "chai";
import type { LiveObject } from "../../src/reconciler/compare.ts";
import { concludeReconcile, type Conclusion } from "../../src/reconciler/conclude.ts";
import { nameConflict, type ReconcileFailure } from "../../src/reconciler/errors.ts";
import { eventType } from "../../src/reconciler/event-type.ts";
import { observe, type ReconcileOutcome } from "../../src/reconciler/observe.ts";
import { holdsFinalizer, planDesired, renderFailure } from "../../src/reconciler/plan.ts";
import { concludeFinalize, planFinalize, type FinalizeOutcome } from "../../src/reconciler/plan-finalize.ts";
import type { Report } from "../../src/reconciler/transitions.ts";
import {
  beingDeleted,
  context,
  converged,
  deployment,
  live,
  now,
  record,
  withFunction,
  withGeneration,
  withoutFinalizer,
  withOwner,
  withOwnerLabel,
  type LiveOption,
} from "./reconcile-fixtures.ts";

const a = "Deployment/shop-a-4";
const later = new Date(now.getTime() + 60_000);
const rolling: LiveOption = (l) => void (l.status = {});
const stuck: LiveOption = (l) =>
  void (l.status = {
    observedGeneration: 1,
    conditions: [
      { type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded", message: "timed out" },
    ],
  });

/** A run's outcome: the record's children as `edits` leave them, and what the run did. */
function outcome(
  r = record(withFunction("a")),
  did: Partial<Pick<ReconcileOutcome, "changed" | "repaired" | "pruned">> & {
    notRepaired?: ReconcileOutcome["repaired"];
  } = {},
  ...edits: [string, LiveOption][]
): ReconcileOutcome {
  const rendered = planDesired(r, context());
  if (!rendered.ok) throw rendered.failure;
  const children: LiveObject[] = converged(r, context(), ...edits);
  return observe(r, rendered.value, {
    live: live(...children),
    changed: did.changed ?? [],
    repaired: did.repaired ?? [],
    notRepaired: did.notRepaired ?? [],
    pruned: did.pruned ?? [],
  });
}

/** "history:type[/reason]" and "event:reason/type" in the order told. */
function told(reports: readonly Report[]): string[] {
  return reports.flatMap((r) => [
    ...(r.history
      ? [`history:${r.history.type}${r.history.extra?.reason ? `/${r.history.extra.reason}` : ""}`]
      : []),
    ...(r.event ? [`event:${r.event.reason}/${eventType(r.event.reason, r.event.conditions)}`] : []),
  ]);
}

interface Given {
  before?: DeploymentRecordStatus;
  generation?: number;
  outcome?: ReconcileOutcome;
  failure?: ReconcileFailure;
}
const conclude = (g: Given, at = now): Conclusion =>
  concludeReconcile({
    before: g.before,
    generation: g.generation ?? 1,
    ...(g.outcome ? { outcome: g.outcome } : {}),
    ...(g.failure ? { failure: g.failure } : {}),
    now: at,
  });
/** The status a run leaves behind: the `before` of the next. */
const after = (g: Given): DeploymentRecordStatus => conclude(g).status;

const repaired = {
  object: a,
  paths: ["spec.template.spec.containers[function].env[HACK2]"],
  writers: ["kubectl-set"],
};
const available = after({ outcome: outcome() });
const running = (r = record(withFunction("a"))) => after({ outcome: outcome(r) });

describe("reconcile conclusion: status, history, Events and result", function () {
  const rows: {
    name: string;
    given: Given;
    want: { phase: string; write: boolean; told: string[]; result: string };
  }[] = [
    {
      name: "a new record's first run: rendered, applied (Normal), rolling out: look again later",
      given: { outcome: outcome(undefined, { changed: [a, "Service/shop-a-4"] }, [a, rolling]) },
      want: {
        phase: "Progressing",
        write: true,
        told: ["history:rendered", "history:applied", "event:Applied/Normal"],
        result: "requeueAfter",
      },
    },
    {
      name: "the rollout finishes: one Available event",
      given: { before: after({ outcome: outcome(undefined, {}, [a, rolling]) }), outcome: outcome() },
      want: { phase: "Available", write: true, told: ["event:Available/Normal"], result: "done" },
    },
    {
      name: "converged and nothing changed: no status write, nothing told",
      given: { before: available, outcome: outcome() },
      want: { phase: "Available", write: false, told: [], result: "done" },
    },
    {
      name: "a new generation rolls out: rendered, applied, and Unavailable as a Normal event",
      given: {
        before: available,
        generation: 2,
        outcome: outcome(record(withFunction("a"), withGeneration(2)), { changed: [a] }, [a, rolling]),
      },
      want: {
        phase: "Progressing",
        write: true,
        told: ["history:rendered", "history:applied", "event:Applied/Normal", "event:Unavailable/Normal"],
        result: "requeueAfter",
      },
    },
    {
      name: "a hand edit put back: one drift-repaired entry and one Normal DriftRepaired",
      given: { before: available, outcome: outcome(undefined, { repaired: [repaired] }) },
      want: {
        phase: "Available",
        write: false,
        told: ["history:drift-repaired", "event:DriftRepaired/Normal"],
        result: "done",
      },
    },
    {
      name: "a removed function pruned: one pruned entry and a Pruned event",
      given: {
        before: available,
        outcome: outcome(undefined, { pruned: ["Deployment/shop-b-4", "Service/shop-b-4"] }),
      },
      want: {
        phase: "Available",
        write: false,
        told: ["history:pruned", "event:Pruned/Normal"],
        result: "done",
      },
    },
    {
      name: "a repair that does not hold: Degraded DriftNotRepaired, one failed entry, one Warning",
      given: { before: available, outcome: outcome(undefined, { notRepaired: [repaired] }) },
      want: {
        phase: "Degraded",
        write: true,
        told: ["history:failed/DriftNotRepaired", "event:DriftNotRepaired/Warning"],
        result: "done",
      },
    },
    {
      name: "... and the next run with the same drift: nothing more",
      given: {
        before: after({ before: available, outcome: outcome(undefined, { notRepaired: [repaired] }) }),
        outcome: outcome(undefined, { notRepaired: [repaired] }),
      },
      want: { phase: "Degraded", write: false, told: [], result: "done" },
    },
    {
      name: "a stuck rollout: Degraded with the Deployment's reason, one Warning",
      given: { before: running(), outcome: outcome(undefined, {}, [a, stuck]) },
      want: {
        phase: "Degraded",
        write: true,
        told: [
          "history:failed/ProgressDeadlineExceeded",
          "event:ProgressDeadlineExceeded/Warning",
          "event:Unavailable/Normal",
        ],
        result: "requeueAfter",
      },
    },
    {
      name: "a name held by someone else: Failed, one failed entry, one Warning, terminal",
      given: { failure: nameConflict(a, "ns", "nobody (no owner reference; written by kubectl-create)") },
      want: {
        phase: "Failed",
        write: true,
        told: ["history:failed/NameConflict", "event:NameConflict/Warning"],
        result: "terminal",
      },
    },
    {
      name: "... and the next run of the same conflict: nothing more",
      given: {
        before: after({ failure: nameConflict(a, "ns", "nobody") }),
        failure: nameConflict(a, "ns", "nobody"),
      },
      want: { phase: "Failed", write: false, told: [], result: "terminal" },
    },
    {
      name: "a bad spec on a running record: Failed InvalidSpec, the running workloads stay Available",
      given: {
        before: available,
        generation: 2,
        failure: renderFailure({
          code: "InvalidQuantity",
          path: "spec.functions[0].provision_config.cpu_request",
          message: "bad",
        }),
      },
      want: {
        phase: "Failed",
        write: true,
        told: ["history:failed/InvalidSpec", "event:InvalidSpec/Warning"],
        result: "terminal",
      },
    },
  ];
  for (const row of rows) {
    it(row.name, function () {
      const c = conclude(row.given, later);
      expect({
        phase: c.status.phase,
        write: c.writeStatus,
        told: told(c.reports),
        result: c.result.kind,
      }).to.deep.equal(row.want);
    });
  }

  it("a failure keeps Available, refs and functions of the children left running", function () {
    const c = conclude({
      before: available,
      failure: renderFailure({ code: "UnknownTemplate", path: "spec.selected_template", message: "x" }),
    });
    expect(c.status.conditions?.find((x) => x.type === "Available")?.status).to.equal("True");
    expect(c.status.resource_refs).to.deep.equal(available.resource_refs);
    expect(c.status.functions).to.deep.equal(available.functions);
  });

  it("status carries refs with the live uids and each function's URL", function () {
    expect(available.resource_refs?.map((r) => [r.kind, r.uid])).to.deep.equal([
      ["Deployment", `uid-${a}`],
      ["Service", "uid-Service/shop-a-4"],
    ]);
    expect(available.functions?.map((f) => [f.function_key, f.ready, f.url])).to.deep.equal([
      ["a", true, "http://shop-a-4.ns.svc.cluster.local:8080"],
    ]);
  });
});

describe("reconcile plan: deleting a record (children first, then the finalizer)", function () {
  const r = record(withFunction("a"), (x) => void (x.metadata.deletionTimestamp = now.toISOString()));

  it("over three runs: every child asked to go, then waited for, then the finalizer released", function () {
    const children = converged(r);
    const first = planFinalize(r, live(...children));
    expect(first.kind === "delete" && first.toDelete.map((c) => c.metadata?.name)).to.deep.equal([
      "shop-a-4",
      "shop-a-4",
    ]);
    const going = planFinalize(
      r,
      live(
        ...children.map((c) => ({ ...c, metadata: { ...c.metadata, deletionTimestamp: now.toISOString() } })),
      ),
    );
    expect(going).to.deep.equal({ kind: "delete", toDelete: [], remaining: [a, "Service/shop-a-4"] });
    expect(planFinalize(r, live())).to.deep.equal({ kind: "release" });
  });

  it("deletes only children of this record; a foreign labelled object does not hold the finalizer", function () {
    const other = deployment(
      "shop-x",
      withOwnerLabel("shop"),
      withOwner("DeploymentRecord", "other", "other-uid"),
    );
    const mine = converged(r, context(), ["Service/shop-a-4", beingDeleted]);
    const plan = planFinalize(r, live(other, ...mine));
    expect(plan.kind === "delete" && plan.toDelete.map((c) => `${c.kind}/${c.metadata?.name}`)).to.deep.equal(
      [a],
    );
    expect(planFinalize(r, live(other)).kind).to.equal("release");
  });

  it("a record without our finalizer is not ours to finalize", function () {
    expect(holdsFinalizer(r)).to.equal(true);
    expect(holdsFinalizer(record(withoutFinalizer))).to.equal(false);
  });

  const rows: { name: string; given: FinalizeOutcome; want: { told: string[]; result: string } }[] = [
    {
      name: "children asked to go: ChildrenDeleted and Deleting, look again",
      given: { state: "waiting", deletedNow: [a], remaining: [a] },
      want: {
        told: ["history:deleted/ChildrenDeleted", "event:Deleting/Normal"],
        result: "requeueAfter 1000",
      },
    },
    {
      name: "children still going: nothing told, look again",
      given: { state: "waiting", deletedNow: [], remaining: [a] },
      want: { told: [], result: "requeueAfter 1000" },
    },
    {
      name: "finalizer removed: FinalizerRemoved and Deleted, done",
      given: { state: "released", finalizerRemoved: true },
      want: { told: ["history:deleted/FinalizerRemoved", "event:Deleted/Normal"], result: "done" },
    },
    {
      name: "not ours: nothing",
      given: { state: "released", finalizerRemoved: false },
      want: { told: [], result: "done" },
    },
  ];
  for (const row of rows) {
    it(row.name, function () {
      const { reports, result } = concludeFinalize(row.given, 1_000);
      const kind = result.kind === "requeueAfter" ? `requeueAfter ${result.ms}` : result.kind;
      expect({ told: told(reports), result: kind }).to.deep.equal(row.want);
    });
  }
});
