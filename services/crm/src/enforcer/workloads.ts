// Gather step of the enforcer: for each component of a record, the live object its
// replicas are written to and the values in force now. A function's replicas live in its
// HPA's spec.minReplicas when it has an HPA, in the Knative Service's
// `autoscaling.knative.dev/min-scale` revision annotation on the knative template, else in
// its Deployment's spec.replicas; cpu/memory requests in the workload's container. The
// reads are GETs by name (the names module decides every child name); reading the
// current values out of them is pure (currentValues).
import type { ComponentRef, ReplicaTarget } from "@oaas/nfr";
import { getObject, type KubeClient, type ResourceType } from "@oaas/kube";
import { parseQuantity } from "@oaas/kube-rules";
import { minScaleAnnotation } from "@oaas/templates";
import type { LiveObject } from "../children/live-object.ts";

export const workloadTypes = {
  deployment: { apiVersion: "apps/v1", kind: "Deployment", type: rt("apps", "v1", "deployments") },
  hpa: {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    type: rt("autoscaling", "v2", "horizontalpodautoscalers"),
  },
  knative: {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    type: rt("serving.knative.dev", "v1", "services"),
  },
} as const;
export type WorkloadKind = keyof typeof workloadTypes;

function rt(group: string, version: string, plural: string): ResourceType {
  return { group, version, plural, namespaced: true };
}

/** One live object the enforcer may write: identity only (the uid keeps an apply off a re-created object). */
export interface WorkloadRef {
  kind: WorkloadKind;
  name: string;
  namespace: string;
  uid: string;
}

/** What the enforcer knows of one component now. */
export interface LiveComponent {
  component: ComponentRef;
  /** Where replicas are written; undefined when the workload is missing. */
  replicaTarget?: ReplicaTarget;
  /** The object replicas are written to. */
  replicasAt?: WorkloadRef;
  /** The object whose container requests are written (Deployment or Knative Service). */
  resourcesAt?: WorkloadRef;
  /** The container the requests belong to. */
  container: string;
  /** Values in force (replicas, millicores, bytes); absent = not known. */
  current: { replicas?: number; cpu?: number; memory?: number };
}

/** Container name of each component kind (packages/templates container.ts and odgm.ts). */
export function containerOf(component: ComponentRef): string {
  return component.kind === "odgm" ? "odgm" : "function";
}

/**
 * Reads each component's workload (and a function Deployment's HPA) and says what is in
 * force. A workload that does not exist (not yet created, being deleted) leaves its
 * values unknown: the chain then holds. Other read failures reject (the job retries).
 */
export async function gatherComponents(
  kube: KubeClient,
  components: readonly ComponentRef[],
  signal: AbortSignal,
): Promise<LiveComponent[]> {
  return Promise.all(
    components.map(async (component) => {
      const get = (kind: WorkloadKind) =>
        getObject<LiveObject>(kube, workloadTypes[kind].type, component.namespace, component.workload, {
          signal,
        });
      if (component.runtime === "knative") return currentValues(component, { knative: await get("knative") });
      const [deployment, hpa] = await Promise.all([
        get("deployment"),
        component.kind === "function" ? get("hpa") : Promise.resolve(undefined),
      ]);
      return currentValues(component, { deployment, hpa });
    }),
  );
}

/** Pure: the LiveComponent for the objects read (undefined = not found). */
export function currentValues(
  component: ComponentRef,
  live: {
    deployment?: LiveObject | undefined;
    hpa?: LiveObject | undefined;
    knative?: LiveObject | undefined;
  },
): LiveComponent {
  const container = containerOf(component);
  const out: LiveComponent = { component, container, current: {} };
  const workload = live.knative ?? live.deployment;
  const workloadKind: WorkloadKind = live.knative ? "knative" : "deployment";
  if (workload === undefined || workload.metadata?.deletionTimestamp !== undefined) return out;
  out.resourcesAt = refOf(workloadKind, component, workload);
  const requests = containerRequests(workload, container);
  if (requests.cpu !== undefined) out.current.cpu = requests.cpu;
  if (requests.memory !== undefined) out.current.memory = requests.memory;
  if (live.knative) {
    out.replicaTarget = "knative";
    out.replicasAt = out.resourcesAt;
    const text = templateAnnotations(live.knative)[minScaleAnnotation];
    // No annotation: Knative's default lower bound, 0 (scale to zero).
    const value = text === undefined ? 0 : Number(text);
    if (Number.isInteger(value) && value >= 0) out.current.replicas = value;
  } else if (live.hpa && live.hpa.metadata?.deletionTimestamp === undefined) {
    out.replicaTarget = "hpa";
    out.replicasAt = refOf("hpa", component, live.hpa);
    // minReplicas absent: the API server's default, 1.
    out.current.replicas = numberOr(live.hpa.spec?.["minReplicas"], 1);
  } else {
    out.replicaTarget = "deployment";
    out.replicasAt = out.resourcesAt;
    out.current.replicas = numberOr(workload.spec?.["replicas"], 1);
  }
  return out;
}

function refOf(kind: WorkloadKind, component: ComponentRef, obj: LiveObject): WorkloadRef {
  return {
    kind,
    name: obj.metadata?.name ?? component.workload,
    namespace: obj.metadata?.namespace ?? component.namespace,
    uid: obj.metadata?.uid ?? "",
  };
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}

interface PodTemplate {
  metadata?: { annotations?: Record<string, string> };
  spec?: { containers?: { name?: string; resources?: { requests?: Record<string, string> } }[] };
}

function podTemplate(obj: LiveObject): PodTemplate {
  const template: unknown = obj.spec?.["template"];
  return typeof template === "object" && template !== null ? template : {};
}

function templateAnnotations(obj: LiveObject): Record<string, string> {
  return podTemplate(obj).metadata?.annotations ?? {};
}

/**
 * The container's requests in millicores and bytes. No request is 0, what the scheduler
 * counts for it (a known value the enforcer may raise: it owns requests the user left
 * unset); a request that is not a quantity, or no such container, is unknown (absent).
 */
function containerRequests(obj: LiveObject, container: string): { cpu?: number; memory?: number } {
  const containers = podTemplate(obj).spec?.containers ?? [];
  // Knative may leave the container unnamed: the first one is the user container.
  const found =
    containers.find((c) => c.name === container) ?? (containers.length === 1 ? containers[0] : undefined);
  if (found === undefined) return {};
  const requests = found.resources?.requests ?? {};
  const out: { cpu?: number; memory?: number } = {};
  const cpu = requests["cpu"] === undefined ? 0 : quantityValue(requests["cpu"]);
  const memory = requests["memory"] === undefined ? 0 : quantityValue(requests["memory"]);
  if (cpu !== undefined) out.cpu = Math.round(cpu * 1000);
  if (memory !== undefined) out.memory = Math.round(memory);
  return out;
}

/** A quantity as a number of base units, or undefined. */
export function quantityValue(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const q = parseQuantity(text);
  if (q === undefined) return undefined;
  return Number(q.coefficient) * 10 ** q.exponent;
}
