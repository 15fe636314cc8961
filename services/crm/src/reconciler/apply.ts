// Apply step: every desired child is server-side applied (field manager
// oaas-crm-reconciler, forced: the record's desired state wins over hand edits) only when
// the live object lacks something we want. Objects this record does not own are never
// touched: one of them holding a desired name stops the whole apply with NameConflict.
import type { DeploymentRecord } from "@oaas/crd";
import { applyObject, getObject, isKubeError, type KubeClient } from "@oaas/kube";
import type { RenderedObject } from "@oaas/templates";
import { childKey, displayName, kindOf } from "./children.ts";
import { childAction, ownership, withAppliedHash, type ChildAction, type LiveObject } from "./compare.ts";
import { nameConflict } from "./errors.ts";

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
  /** "Kind/name" of children put back after a hand edit. */
  repaired: string[];
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
    const owner = live === undefined ? undefined : ownership(live, uid);
    if (owner && !owner.owned)
      throw nameConflict(displayName(object), ctx.record.metadata.namespace ?? "", owner.owner);
  }
  await ctx.writesAllowed;
  const outcome: ApplyOutcome = { live: new Map(), changed: [], repaired: [] };
  const results = await Promise.all(plans.map((p) => applyOne(ctx, p)));
  for (const [i, result] of results.entries()) {
    const p = plans[i];
    if (p === undefined) continue;
    outcome.live.set(childKey(p.object), result);
    if (p.action === "repair") outcome.repaired.push(displayName(p.object));
    else if (p.action !== "none") outcome.changed.push(displayName(p.object));
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

async function applyOne(ctx: ApplyContext, { object, live, action }: Plan): Promise<LiveObject> {
  if (action === "none" && live !== undefined) return live;
  if (live !== undefined && needsReplicaHandover(object, live, ctx.fieldManager))
    await handOverReplicas(ctx, live);
  return applyObject<LiveObject>(ctx.kube, kindOf(object).type, object as LiveObject, {
    fieldManager: ctx.fieldManager,
    force: true,
    signal: ctx.signal,
  });
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
