// Apply step: every desired child is server-side applied (field manager
// oaas-crm-reconciler, forced: the record's desired state wins over hand edits) only when
// the live object differs from what we render. What others added inside the parts we
// own (drift.ts) is then taken out with a JSON patch, and a repair is checked on the
// object the API server answers before it counts as done. Objects this record does not
// own are never touched: one of them holding a desired name stops the whole apply with
// NameConflict.
import type { DeploymentRecord } from "@oaas/crd";
import {
  applyObject,
  getObject,
  isKubeError,
  jsonPatchObject,
  jsonPointerToken,
  type JsonPatchOperation,
  type KubeClient,
} from "@oaas/kube";
import type { RenderedObject } from "@oaas/templates";
import { childKey, displayName, kindOf } from "./children.ts";
import { ownerLabelValue, ownership, withAppliedHash, type LiveObject } from "./compare.ts";
import {
  childAction,
  findDrift,
  removalOperations,
  writersOf,
  type ChildAction,
  type Drift,
  type DriftReport,
} from "./drift.ts";
import {
  decideRepair,
  driftRepairAnnotation,
  formatMarker,
  maxRepairTries,
  readMarker,
  type DriftMarker,
} from "./drift-marker.ts";
import { nameConflict, ReconcileFailure } from "./errors.ts";

export type { DriftReport } from "./drift.ts";

export interface ApplyContext {
  readonly kube: KubeClient;
  readonly record: DeploymentRecord;
  readonly fieldManager: string;
  readonly signal: AbortSignal;
  /**
   * Settles when writing may begin (the finalizer is in place); rejects to stop before any
   * write. The reads (and the NameConflict check) run meanwhile: one API round trip less
   * per new record.
   */
  readonly writesAllowed?: Promise<unknown>;
  /** Reads made ahead of the list (readChildren), by childKey: used for names the list lacks. */
  readonly prefetched?: ReadonlyMap<string, LiveObject | undefined>;
  /** Time of this run: when a repair was made (drift-marker.ts). */
  readonly now: Date;
}

/**
 * Reads every desired child by name at once (undefined: not found), by childKey. A read
 * that fails is left out, so the apply step reads that name again itself. Never rejects.
 */
export async function readChildren(
  kube: KubeClient,
  desired: readonly RenderedObject[],
  signal: AbortSignal,
): Promise<Map<string, LiveObject | undefined>> {
  const reads = await Promise.allSettled(desired.map((object) => readChild(kube, object, signal)));
  const out = new Map<string, LiveObject | undefined>();
  reads.forEach((read, i) => {
    const object = desired[i];
    if (object !== undefined && read.status === "fulfilled") out.set(childKey(object), read.value);
  });
  return out;
}

export interface ApplyOutcome {
  /** Live state of every desired child after this step, by childKey. */
  live: Map<string, LiveObject>;
  /** "Kind/name" of children created or changed because the desired state changed. */
  changed: string[];
  /** Children put back after a hand edit, checked on the API server's answer. */
  repaired: DriftReport[];
  /** Children whose drift came back after maxRepairTries repairs: left as they are. */
  notRepaired: DriftReport[];
}

export async function applyChildren(
  ctx: ApplyContext,
  desired: readonly RenderedObject[],
  listed: ReadonlyMap<string, LiveObject>,
): Promise<ApplyOutcome> {
  const plans = await Promise.all(desired.map((object) => plan(ctx, withAppliedHash(object), listed)));
  // Check every name before writing anything, so a conflict leaves the record's children as they were.
  const uid = ctx.record.metadata.uid ?? "";
  for (const { object, live } of plans) {
    const owner = live === undefined ? undefined : ownership(live, uid, ownerLabelValue(ctx.record));
    if (owner && !owner.owned)
      throw nameConflict(displayName(object), ctx.record.metadata.namespace ?? "", owner.owner);
  }
  await ctx.writesAllowed;
  const outcome: ApplyOutcome = { live: new Map(), changed: [], repaired: [], notRepaired: [] };
  const results = await Promise.all(plans.map((p) => applyOne(ctx, p)));
  for (const [i, result] of results.entries()) {
    const p = plans[i];
    if (p === undefined) continue;
    outcome.live.set(childKey(p.object), result.live);
    if (result.kind === "changed") outcome.changed.push(displayName(p.object));
    else if (result.kind === "repaired") outcome.repaired.push(result.report);
    else if (result.kind === "notRepaired") outcome.notRepaired.push(result.report);
  }
  return outcome;
}

interface Plan {
  object: RenderedObject;
  live: LiveObject | undefined;
  action: ChildAction;
}

/** The live object holding a desired child's name, undefined when there is none. */
function readChild(
  kube: KubeClient,
  object: RenderedObject,
  signal: AbortSignal,
): Promise<LiveObject | undefined> {
  return getObject<LiveObject>(
    kube,
    kindOf(object).type,
    object.metadata?.namespace,
    object.metadata?.name ?? "",
    {
      signal,
    },
  );
}

async function plan(
  ctx: ApplyContext,
  object: RenderedObject,
  listed: ReadonlyMap<string, LiveObject>,
): Promise<Plan> {
  // Not in the owner-label list: free, foreign, or ours with the label edited away.
  const key = childKey(object);
  const live = listed.has(key)
    ? listed.get(key)
    : ctx.prefetched?.has(key) === true
      ? ctx.prefetched.get(key)
      : await readChild(ctx.kube, object, ctx.signal);
  return { object, live, action: childAction(object, live) };
}

type ChildResult =
  | { kind: "none" | "changed"; live: LiveObject }
  | { kind: "repaired" | "notRepaired"; live: LiveObject; report: DriftReport };

async function applyOne(ctx: ApplyContext, { object, live, action }: Plan): Promise<ChildResult> {
  if (live === undefined) return { kind: "changed", live: await apply(ctx, object) };
  if (action === "none") {
    // Clean again after the CRM gave up on it (someone took the edit out): forget, so a
    // later edit of the same fields is put back again.
    const marker = readMarker(live);
    if (marker?.gaveUp !== true) return { kind: "none", live };
    return { kind: "none", live: await patch(ctx, live, markerOperations(live, undefined)) };
  }
  if (needsReplicaHandover(object, live, ctx.fieldManager)) await handOverReplicas(ctx, live);
  if (action === "update") {
    // A new desired state: apply it, take out what others added inside what we own, and
    // start any repair count afresh.
    const applied = await apply(ctx, object);
    const operations = [
      ...removalOperations(findDrift(object, applied)),
      ...markerOperations(applied, undefined),
    ];
    return { kind: "changed", live: operations.length > 0 ? await patch(ctx, applied, operations) : applied };
  }
  return repair(ctx, object, live);
}

/**
 * Puts a drifted child back and checks the answer: drift still there (a webhook or
 * another writer undoing it at once) is tried again, and after maxRepairTries repairs of
 * the same fields within drift-marker's window the child is left as it is and reported as
 * not repaired instead of being fought over forever.
 */
async function repair(ctx: ApplyContext, object: RenderedObject, live: LiveObject): Promise<ChildResult> {
  let current = live;
  let drift = findDrift(object, current);
  const found = report(ctx, object, current, drift);
  let marker = readMarker(current);
  for (let attempt = 1; ; attempt++) {
    let decision = decideRepair(
      marker,
      drift.map((d) => d.path),
      ctx.now,
    );
    // However the drift moves between attempts, one run writes at most maxRepairTries times.
    if (decision.act === "repair" && attempt > maxRepairTries)
      decision = { act: "give-up", marker: { ...decision.marker, gaveUp: true } };
    if (decision.act !== "repair") {
      const left = report(ctx, object, current, drift);
      if (decision.act === "give-up")
        current = await patch(ctx, current, markerOperations(current, decision.marker));
      return { kind: "notRepaired", live: current, report: left };
    }
    // Values we render that differ: a forced apply takes them back. Then the foreign
    // items (apply cannot remove them) go with the marker in one JSON patch.
    if (drift.some((d) => d.kind === "changed")) current = await apply(ctx, object);
    current = await patch(ctx, current, [
      ...removalOperations(findDrift(object, current)),
      ...markerOperations(current, decision.marker),
    ]);
    marker = decision.marker;
    drift = findDrift(object, current);
    if (drift.length === 0) return { kind: "repaired", live: current, report: found };
  }
}

function report(
  ctx: ApplyContext,
  object: RenderedObject,
  live: LiveObject,
  drift: readonly Drift[],
): DriftReport {
  return {
    object: displayName(object),
    paths: [...new Set(drift.map((d) => d.path))],
    writers: writersOf(live, drift, ctx.fieldManager),
  };
}

/** Operations that set the repair marker to `marker`, or remove it (undefined) when present. */
function markerOperations(live: LiveObject, marker: DriftMarker | undefined): JsonPatchOperation[] {
  const annotations = live.metadata?.annotations;
  const path = `/metadata/annotations/${jsonPointerToken(driftRepairAnnotation)}`;
  if (marker === undefined)
    return annotations?.[driftRepairAnnotation] === undefined ? [] : [{ op: "remove", path }];
  if (annotations === undefined)
    return [
      { op: "add", path: "/metadata/annotations", value: { [driftRepairAnnotation]: formatMarker(marker) } },
    ];
  return [{ op: "add", path, value: formatMarker(marker) }];
}

function apply(ctx: ApplyContext, object: RenderedObject): Promise<LiveObject> {
  return applyObject<LiveObject>(ctx.kube, kindOf(object).type, object as LiveObject, {
    fieldManager: ctx.fieldManager,
    force: true,
    signal: ctx.signal,
  });
}

/**
 * A JSON patch of a child (see removalOperations for why not apply or a strategic merge
 * patch). A failed test means the child changed since it was read: the run is retried and
 * the next one sees the new state.
 */
async function patch(
  ctx: ApplyContext,
  live: LiveObject,
  operations: JsonPatchOperation[],
): Promise<LiveObject> {
  if (operations.length === 0) return live;
  const { name = "", namespace } = live.metadata ?? {};
  try {
    const patched = await jsonPatchObject<LiveObject>(
      ctx.kube,
      kindOf(live).type,
      namespace,
      name,
      operations,
      {
        fieldManager: ctx.fieldManager,
        signal: ctx.signal,
      },
    );
    return { ...patched, apiVersion: live.apiVersion, kind: live.kind };
  } catch (error) {
    if (!isKubeError(error, "invalid")) throw error;
    throw new ReconcileFailure(
      "Conflict",
      `${kindOf(live).kind}/${name} changed while its drift was being taken out: ${error.message}`,
      false,
      { cause: error },
    );
  }
}

/**
 * True when this apply would drop spec.replicas from a Deployment whose replicas only we
 * set: an HPA (or the enforcer) takes over. Dropping the field from its only owner's
 * applied config resets it to the default of 1 replica (PITFALLS "Server-side apply
 * hand-over"), so the value must get another owner first.
 */
export function needsReplicaHandover(
  desired: RenderedObject,
  live: LiveObject,
  fieldManager: string,
): boolean {
  if (desired.kind !== "Deployment" || desired.apiVersion !== "apps/v1") return false;
  const wants = (desired as { spec?: { replicas?: number } }).spec?.replicas;
  if (wants !== undefined || typeof live.spec?.["replicas"] !== "number") return false;
  return (live.metadata?.managedFields ?? []).some(
    (m) => m.manager === fieldManager && m.operation === "Apply" && ownsReplicas(m.fieldsV1),
  );
}

function ownsReplicas(fields: unknown): boolean {
  const spec = (fields as Record<string, Record<string, unknown> | undefined> | undefined)?.["f:spec"];
  return spec !== undefined && "f:replicas" in spec;
}

/** Manager that holds replicas between our last apply with them and the HPA's first write. */
export const replicaHandoverManager = "oaas-crm-handover-to-hpa";

/**
 * Kubernetes' "Transferring ownership" recipe: apply the current replica count with a
 * temporary manager (no force: a conflict means the HPA controller already owns it, which
 * is just as good). Our next apply leaves replicas out and the live value stays. The
 * temporary manager disappears by itself once the HPA writes a new value.
 */
async function handOverReplicas(ctx: ApplyContext, live: LiveObject): Promise<void> {
  const { name, namespace } = live.metadata ?? {};
  try {
    await applyObject(
      ctx.kube,
      kindOf({ apiVersion: "apps/v1", kind: "Deployment" }).type,
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace },
        spec: { replicas: live.spec?.["replicas"] },
      },
      { fieldManager: replicaHandoverManager, signal: ctx.signal },
    );
  } catch (error) {
    if (!isKubeError(error, "conflict")) throw error;
  }
}
