// The table runner of the reconcile plan's tests (reconcile-plan.test.ts,
// reconcile-owners.test.ts): each row gives a record, a render context and the live
// children; the plan (services/crm/src/reconciler/plan.ts planChildren) is summarised as
// what it writes, or the failure that stops the run before any write.
import { expect } from "chai";
import { displayName } from "../../src/reconciler/children.ts";
import type { LiveObject } from "../../src/reconciler/compare.ts";
import { planChildren, type ChildrenPlan } from "../../src/reconciler/plan.ts";
import {
  context,
  desiredOf,
  live,
  now,
  record,
  withFunction,
  type LiveOption,
} from "./reconcile-fixtures.ts";

export const D = (name: string) => `Deployment/${name}`;
export const S = (name: string) => `Service/${name}`;
export const H = (name: string) => `HorizontalPodAutoscaler/${name}`;
/** Child names of record "shop" (functionChildName: <record>-<function>-<record length>). */
export const a = "shop-a-4";
export const b = "shop-b-4";
export const odgm = "shop-odgm";

/** Record "shop" with one function "a". */
export const one = () => record(withFunction("a"));
/** `options` for the child `name` ("Kind/name"), as converged() takes them. */
export const edit = (name: string, ...options: LiveOption[]): [string, LiveOption][] =>
  options.map((o) => [name, o]);

/**
 * What a plan writes, by step; "keep" is left out, so {} means: no write at all.
 * "repair:apply": a forced apply then a patch; "repair:patch": the patch alone; "found":
 * the drift as history names it.
 */
export type Summary = Partial<
  Record<"create" | "update" | "repair:apply" | "repair:patch" | "handOver" | "prune" | "found", string[]>
>;

export function summary(plan: ChildrenPlan): Summary {
  const out: Summary = {};
  const add = (key: keyof Summary, value: string) => (out[key] ??= []).push(value);
  for (const step of plan.steps) {
    const name = displayName(step.object);
    if (step.kind === "create" || step.kind === "update") add(step.kind, name);
    if (step.kind === "forget-marker") throw new Error("marker rows live in reconcile-repair.test.ts");
    if (step.kind === "repair") {
      if (step.first.act !== "write") throw new Error("marker rows live in reconcile-repair.test.ts");
      add(step.first.apply ? "repair:apply" : "repair:patch", name);
      const by = step.found.writers.length > 0 ? ` (written by ${step.found.writers.join(", ")})` : "";
      add("found", `${step.found.object}: ${step.found.paths.join(", ")}${by}`);
    }
    if ((step.kind === "update" || step.kind === "repair") && step.handover !== undefined)
      add("handOver", name);
  }
  if (plan.prune.length > 0) out.prune = plan.prune.map(displayName);
  return out;
}

export interface Row {
  name: string;
  given: { record: ReturnType<typeof record>; context?: ReturnType<typeof context>; live: LiveObject[] };
  /** The summary, or the terminal failure's reason and what its message must say. */
  want: Summary | { failure: string; says: string[] };
}

/** One `it` per row: plans the row and compares. */
export function planRows(rows: readonly Row[]): void {
  for (const row of rows) {
    it(row.name, function () {
      const desired = desiredOf(row.given.record, row.given.context ?? context());
      const plan = planChildren(row.given.record, desired, live(...row.given.live), {
        fieldManager: "oaas-crm-reconciler",
        now,
      });
      if ("failure" in row.want) {
        if (plan.ok) throw new Error(`planned instead of failing: ${JSON.stringify(summary(plan.value))}`);
        expect(plan.failure.reason).to.equal(row.want.failure);
        expect(plan.failure.terminal).to.equal(true);
        for (const text of row.want.says) expect(plan.failure.message).to.contain(text);
        return;
      }
      if (!plan.ok) throw plan.failure;
      expect(summary(plan.value)).to.deep.equal(row.want);
    });
  }
}
