// Pure: what a run saw after acting, from the desired objects and the live children the
// API server answered: each workload's health, the refs with their uids, the function
// URLs. status.ts turns it into conditions.
import { functionChildName, odgmChildName, type DeploymentRecord, type ResourceRef } from "@oaas/crd";
import { planFunctions, type Rendered, type RenderedObject } from "@oaas/templates";
import { childKey, childKinds } from "./children.ts";
import type { LiveObject } from "./compare.ts";
import type { DriftReport } from "./drift.ts";
import { deploymentHealth, knativeHealth } from "../children/workload-health.ts";
import type { Component, Observation } from "./status.ts";

/** What the act step did (act.ts). */
export interface ActOutcome {
  /** Live state of every desired child after this run, by childKey. */
  live: Map<string, LiveObject>;
  /** "Kind/name" created or changed because the desired state changed. */
  changed: string[];
  /** Children put back after a hand edit, checked on the API server's answer. */
  repaired: DriftReport[];
  /** Children whose drift came back after maxRepairTries repairs: left as they are. */
  notRepaired: DriftReport[];
  /** "Kind/name" deleted because no longer desired. */
  pruned: string[];
}

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

/** The outcome of a run that acted: what it changed, and what it observed. */
export function observe(record: DeploymentRecord, rendered: Rendered, acted: ActOutcome): ReconcileOutcome {
  const components = observeComponents(
    record,
    rendered.objects,
    acted.live,
    rendered.selection.name === "knative",
  );
  return {
    observation: {
      kind: "observed",
      components,
      refs: refsOf(rendered.objects, acted.live),
      selection: rendered.selection,
      notes: rendered.notes,
      notRepaired: acted.notRepaired,
    },
    changed: acted.changed,
    repaired: acted.repaired,
    pruned: acted.pruned,
    converged: components.every((c) => c.health.state === "available"),
  };
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
