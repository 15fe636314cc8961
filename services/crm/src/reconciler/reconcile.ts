// What happens when a record changes (not deleting): render -> apply what differs ->
// prune what is no longer desired -> observe the children. The wrapper (handler.ts)
// turns the outcome into status, history and Events.
import { functionChildName, odgmChildName, type DeploymentRecord, type ResourceRef } from "@oaas/crd";
import type { KubeClient } from "@oaas/kube";
import {
  planFunctions,
  render,
  type RenderContext,
  type RenderError,
  type RenderedObject,
} from "@oaas/templates";
import { applyChildren, readChildren, type DriftReport } from "./apply.ts";
import { childKey, childKinds, listChildren, servedKinds } from "./children.ts";
import { ownerLabelValue, type LiveObject } from "./compare.ts";
import { ReconcileFailure } from "./errors.ts";
import { deploymentHealth, knativeHealth } from "../children/workload-health.ts";
import { pruneChildren } from "./prune.ts";
import type { Component, Observation } from "./status.ts";

export interface ReconcileOutcome {
  observation: Extract<Observation, { kind: "observed" }>;
  /** "Kind/name" created or updated for a new desired state. */
  changed: string[];
  /** Children put back after a hand edit (checked), with the fields. */
  repaired: DriftReport[];
  /** "Kind/name" deleted because no longer desired. */
  pruned: string[];
  /** Every workload is available: nothing left to wait for. */
  converged: boolean;
}

export async function reconcileRecord(
  kube: KubeClient,
  record: DeploymentRecord,
  context: RenderContext,
  fieldManager: string,
  signal: AbortSignal,
  /** See ApplyContext.writesAllowed: nothing is applied or pruned before it settles. */
  writesAllowed?: Promise<unknown>,
  /**
   * True for a record never reconciled before (no status of a run yet): none of its
   * children is expected to exist, so each desired name is read (the NameConflict check)
   * and nothing is listed. The owner-label lists only serve pruning, which deletes only
   * children owner-referenced to this record's uid, and only a run of this record makes
   * those. One can be left undesired only by a run that stopped before writing status (a
   * crash) when the spec changed since; a later run prunes it: the next one, as a new
   * record is not converged in its first run (its workloads are just created), or else
   * the watcher's resync. Three lists less per new record, and each list costs the API
   * server a pass over the namespace's objects of that kind (a selector is not an index).
   */
  firstRun = false,
  /** Time of this run (drift repairs are counted by it). */
  now: Date = new Date(),
): Promise<ReconcileOutcome> {
  // 1. Render: a bad spec stops here, before anything running is touched.
  const rendered = render(record, context);
  if (!rendered.ok) throw renderFailure(rendered.error);

  // 2. Apply only what differs from the server (NameConflict before any write).
  const namespace = record.metadata.namespace ?? "";
  const prefetched = firstRun ? await readChildren(kube, rendered.objects, signal) : undefined;
  const listed = firstRun
    ? new Map<string, LiveObject>()
    : await listChildren(kube, namespace, ownerLabelValue(record), servedKinds(context.capabilities), signal);
  const applied = await applyChildren(
    {
      kube,
      record,
      fieldManager,
      signal,
      now,
      ...(writesAllowed ? { writesAllowed } : {}),
      ...(prefetched ? { prefetched } : {}),
    },
    rendered.objects,
    listed,
  );

  // 3. Prune children of this record that are no longer desired.
  const desiredKeys = new Set(rendered.objects.map(childKey));
  const pruned = await pruneChildren(
    kube,
    listed,
    desiredKeys,
    record.metadata.uid ?? "",
    ownerLabelValue(record),
    signal,
  );

  // 4. Observe: each workload's own status, the refs and the template choice.
  const components = observeComponents(
    record,
    rendered.objects,
    applied.live,
    rendered.selection.name === "knative",
  );
  return {
    observation: {
      kind: "observed",
      components,
      refs: refsOf(rendered.objects, applied.live),
      selection: rendered.selection,
      notes: rendered.notes,
      notRepaired: applied.notRepaired,
    },
    changed: applied.changed,
    repaired: applied.repaired,
    pruned,
    converged: components.every((c) => c.health.state === "available"),
  };
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

function observeComponents(
  record: DeploymentRecord,
  desired: readonly RenderedObject[],
  live: ReadonlyMap<string, LiveObject>,
  knative: boolean,
): Component[] {
  const name = record.metadata.name;
  const namespace = record.metadata.namespace ?? "";
  const plans = planFunctions(record.spec);
  const components: Component[] = (plans.ok ? plans.value : []).map((fn) => {
    const child = functionChildName(name, fn.key);
    if (knative) {
      const ksvc = live.get(`${childKinds.knativeService.apiVersion}/Service/${child}`);
      return {
        name: fn.key,
        function: true,
        health: knativeHealth(ksvc, child),
        url: serviceUrl(child, namespace, 80),
      };
    }
    const deployment = live.get(`apps/v1/Deployment/${child}`);
    const service = desired.find(
      (o) => o.apiVersion === "v1" && o.kind === "Service" && o.metadata?.name === child,
    );
    const port = (service as { spec?: { ports?: { port?: number }[] } } | undefined)?.spec?.ports?.[0]?.port;
    return {
      name: fn.key,
      function: true,
      health: deploymentHealth(deployment, child),
      ...(port === undefined ? {} : { url: serviceUrl(child, namespace, port) }),
    };
  });
  const odgm = odgmChildName(name);
  if (desired.some((o) => o.kind === "Deployment" && o.metadata?.name === odgm)) {
    components.push({
      name: "odgm",
      function: false,
      health: deploymentHealth(live.get(`apps/v1/Deployment/${odgm}`), odgm),
    });
  }
  return components;
}

function serviceUrl(service: string, namespace: string, port: number): string {
  return `http://${service}.${namespace}.svc.cluster.local:${port}`;
}

function refsOf(desired: readonly RenderedObject[], live: ReadonlyMap<string, LiveObject>): ResourceRef[] {
  return desired.map((object) => {
    const current = live.get(childKey(object));
    return {
      apiVersion: object.apiVersion ?? "",
      kind: object.kind ?? "",
      name: object.metadata?.name ?? "",
      ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}),
      ...(current?.metadata?.uid ? { uid: current.metadata.uid } : {}),
    };
  });
}
