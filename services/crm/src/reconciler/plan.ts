// Pure: the plan of one reconcile of a record that is not being deleted. Given the record,
// what render makes of it and the live children a gather found (snapshot.ts), it says
// what to write: one step per desired child (plan-child.ts), the children to prune, or a
// verdict that stops the run before any write (a bad spec, a name held by someone else).
// No client, no clock (the run's time is an input), no environment. What it cannot know
// before writing (the API server's answers: uids, rollout status, whether a repair held)
// is concluded afterwards by observe.ts and conclude.ts, pure as well.
//
// The behaviours it decides, and the tests that pin each, are listed in README.md beside
// this file.
import { finalizer, type DeploymentRecord } from "@oaas/crd";
import {
  render,
  type RenderContext,
  type Rendered,
  type RenderError,
  type RenderedObject,
} from "@oaas/templates";
import { childKey, displayName } from "./children.ts";
import { ownerLabelValue, ownership, withAppliedHash, type LiveObject } from "./compare.ts";
import { nameConflict, ReconcileFailure } from "./errors.ts";
import { planChild, type ChildStep } from "./plan-child.ts";

export type Verdict<T> = { ok: true; value: T } | { ok: false; failure: ReconcileFailure };

export interface ChildrenPlan {
  /** One step per desired child, in render order. */
  steps: ChildStep[];
  /** Children of this record no longer desired: delete each (in the incarnation listed). */
  prune: LiveObject[];
}

export interface PlanOptions {
  /** Our field manager (reconcilerFieldManager unless a test names another). */
  readonly fieldManager: string;
  /** This run's time: repairs are counted by it (drift-marker.ts). */
  readonly now: Date;
}

/** What the record asks for: render's objects, or Degraded when the spec cannot render (terminal). */
export function planDesired(record: DeploymentRecord, context: RenderContext): Verdict<Rendered> {
  const rendered = render(record, context);
  if (!rendered.ok) return { ok: false, failure: renderFailure(rendered.error) };
  const { objects, selection, notes } = rendered;
  return { ok: true, value: { objects, selection, notes } };
}

/**
 * True for a record never reconciled before: no status of a run yet, or no finalizer (the
 * ingress writes it with the record, so its absence marks a record written by hand). Then
 * none of its children is expected to exist: the gather reads each desired name (for the
 * NameConflict check) and lists nothing. The owner-label lists only serve pruning, which
 * deletes only children owner-referenced to this record's uid, and only a run of this
 * record makes those. One can be left undesired only by a run that stopped before writing
 * status (a crash) when the spec changed since; a later run prunes it: the next one, as a
 * new record is not converged in its first run (its workloads are just created), or else
 * the watcher's resync. Three lists less per new record, and each list costs the API
 * server a pass over the namespace's objects of that kind (a selector is not an index).
 */
export function isFirstRun(record: DeploymentRecord): boolean {
  return !holdsFinalizer(record) || record.status?.observedGeneration === undefined;
}

/** True when the record carries our cleanup finalizer (a run adds it before any child write). */
export function holdsFinalizer(record: DeploymentRecord): boolean {
  return (record.metadata.finalizers ?? []).includes(finalizer);
}

/**
 * The writes of one run. `desired`: render's objects; `live`: what the gather found, by
 * childKey (undefined: read, not found), the desired names and this record's labelled
 * children. A desired name held by an object this record does not own stops the whole
 * run before any write (NameConflict, terminal), so the record's children stay as they
 * were. An orphan that is plainly ours (compare.ts ownership) is adopted: its owner
 * reference is drift, put back by the repair.
 */
export function planChildren(
  record: DeploymentRecord,
  desired: readonly RenderedObject[],
  live: ReadonlyMap<string, LiveObject | undefined>,
  options: PlanOptions,
): Verdict<ChildrenPlan> {
  const uid = record.metadata.uid ?? "";
  const label = ownerLabelValue(record);
  const objects = desired.map(withAppliedHash);
  for (const object of objects) {
    const current = live.get(childKey(object));
    const owner = current === undefined ? undefined : ownership(current, uid, label);
    if (owner && !owner.owned)
      return {
        ok: false,
        failure: nameConflict(displayName(object), record.metadata.namespace ?? "", owner.owner),
      };
  }
  const steps = objects.map((object) =>
    planChild(object, live.get(childKey(object)), options.fieldManager, options.now),
  );
  const desiredKeys = new Set(objects.map(childKey));
  const prune = [...live.values()].filter(
    (child): child is LiveObject =>
      child !== undefined &&
      !desiredKeys.has(childKey(child)) &&
      ownership(child, uid, label).owned &&
      !child.metadata?.deletionTimestamp,
  );
  return { ok: true, value: { steps, prune } };
}

/** A render error as Degraded: the field path in the message, terminal (the spec must change). */
export function renderFailure(error: RenderError): ReconcileFailure {
  const reason =
    error.code === "UnknownTemplate" || error.code === "TemplateUnavailable"
      ? "TemplateNotFound"
      : "InvalidSpec";
  return new ReconcileFailure(
    reason,
    `${error.path}: ${error.message} (${error.code}); fix the record's spec, running workloads were left as they are`,
    true,
  );
}
