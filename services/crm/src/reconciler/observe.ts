// Pure: what a run saw after acting, from the desired objects and the live children the
// API server answered: each workload's health, the refs with their uids, the function
// URLs. status.ts turns it into conditions. Which pods to read comes from here too
// (podReads): only those of a Deployment that is not available, once its controller has
// seen the current spec; reconcile.ts reads them and hands them back to observe, which
// folds what they say into the workload's health (../children/pod-health.ts). A record
// whose workloads are all available costs no pod read.
import { functionChildName, odgmChildName, type DeploymentRecord, type ResourceRef } from "@oaas/crd";
import { planFunctions, type Rendered, type RenderedObject } from "@oaas/templates";
import { childKey, childKinds } from "./children.ts";
import type { LiveObject } from "./compare.ts";
import type { DriftReport } from "./drift.ts";
import { withPodProblem, type PodRead } from "../children/pod-health.ts";
import { deploymentHealth, deploymentObserved, knativeHealth } from "../children/workload-health.ts";
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
  /** Workloads whose pods this run read (podReads): their pods' state is watched by rechecks (recheck.ts podRecheckMs). */
  podsRead: number;
}

/** A read of one workload's pods: the Deployment by name, and its pods' label selector. */
export interface PodReadRequest {
  /** The Deployment's name (key of the reads given back to observe). */
  readonly workload: string;
  readonly namespace: string;
  /** spec.selector.matchLabels as a label selector, e.g. "app=x,oaas.io/function=y". */
  readonly labelSelector: string;
}

/**
 * The pod reads a run needs after acting: one per Deployment of the record that is not
 * available and whose controller has observed its current generation (before that, its
 * pods belong to the previous spec or do not exist yet). None when every workload is
 * available. Knative Services are not read: Knative puts its revisions' pod reasons in
 * their Ready condition (knativeHealth).
 */
export function podReads(rendered: Rendered, acted: Pick<ActOutcome, "live">): PodReadRequest[] {
  if (rendered.selection.name === "knative") return [];
  return rendered.objects
    .filter((o) => o.apiVersion === "apps/v1" && o.kind === "Deployment")
    .flatMap((o): PodReadRequest[] => {
      const live = acted.live.get(childKey(o));
      const name = o.metadata?.name ?? "";
      if (
        live === undefined ||
        !deploymentObserved(live) ||
        deploymentHealth(live, name).state === "available"
      )
        return [];
      const labels = (live.spec?.["selector"] as { matchLabels?: Record<string, string> } | undefined)
        ?.matchLabels;
      if (labels === undefined) return [];
      const labelSelector = Object.entries(labels)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
      return labelSelector === ""
        ? []
        : [
            {
              workload: name,
              namespace: live.metadata?.namespace ?? o.metadata?.namespace ?? "",
              labelSelector,
            },
          ];
    });
}

/**
 * The outcome of a run that acted: what it changed, and what it observed. `pods`: the
 * reads of podReads by workload name (a workload without one is judged by its own status).
 */
export function observe(
  record: DeploymentRecord,
  rendered: Rendered,
  acted: ActOutcome,
  pods: ReadonlyMap<string, PodRead> = new Map(),
): ReconcileOutcome {
  const components = observeComponents(
    record,
    rendered.objects,
    acted.live,
    rendered.selection.name === "knative",
    pods,
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
    podsRead: pods.size,
  };
}

function observeComponents(
  record: DeploymentRecord,
  desired: readonly RenderedObject[],
  live: ReadonlyMap<string, LiveObject>,
  knative: boolean,
  pods: ReadonlyMap<string, PodRead>,
): Component[] {
  const workloadHealth = (deployment: string) => {
    const health = deploymentHealth(live.get(`apps/v1/Deployment/${deployment}`), deployment);
    const read = pods.get(deployment);
    return read === undefined ? health : withPodProblem(health, read, `Deployment ${deployment}`);
  };
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
    const service = desired.find(
      (o) => o.apiVersion === "v1" && o.kind === "Service" && o.metadata?.name === child,
    );
    const port = (service as { spec?: { ports?: { port?: number }[] } } | undefined)?.spec?.ports?.[0]?.port;
    return {
      name: fn.key,
      function: true,
      health: workloadHealth(child),
      ...(port === undefined ? {} : { url: serviceUrl(child, namespace, port) }),
    };
  });
  const odgm = odgmChildName(name);
  if (desired.some((o) => o.kind === "Deployment" && o.metadata?.name === odgm)) {
    components.push({
      name: "odgm",
      function: false,
      health: workloadHealth(odgm),
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
