// A function on a Deployment template: Deployment + Service, and an HPA when asked.
// Replica ownership (see also traits.ts enforcerOwnsReplicas):
// - HPA rendered: Deployment.spec.replicas is omitted (the HPA scales the Deployment),
//   and HPA.spec.minReplicas is omitted too when the enforcer owns replicas (it patches it).
// - no HPA: Deployment.spec.replicas is omitted when the enforcer owns replicas.
import type { V1Deployment, V1Service, V2HorizontalPodAutoscaler } from "@kubernetes/client-node";
import { functionChildName } from "@oaas/crd";
import { functionContainer, podAnnotations, type EnvVar } from "./container.ts";
import type { FunctionPlan } from "./functions.ts";
import { functionLabels, functionSelector, objectMeta, type Owner } from "./meta.ts";
import { restrictedPod } from "./pod-security.ts";
import type { TemplateTraits } from "./traits.ts";

export interface WorkloadOptions {
  traits: TemplateTraits;
  hpaEnabled: boolean;
  enforcerOwnsReplicas: boolean;
  /** The enforcer sets the CPU request: no default request of ours (it would undo the enforcer's). */
  enforcerOwnsCpu: boolean;
  /** HPA CPU target as a fraction of the request when no NFR names one. */
  cpuTarget: number;
  /** Platform variables (ODGM_*), placed after and winning over the function's config. */
  extraEnv: EnvVar[];
}

export type WorkloadObject = V1Deployment | V1Service | V2HorizontalPodAutoscaler;

/**
 * CPU request given to a function that gets a CPU-utilization HPA but names neither
 * cpu_request nor cpu_limit: the HPA controller cannot compute utilization without a
 * request (FailedGetResourceMetric forever). render() adds a note when it applies this.
 */
export const defaultHpaCpuRequest = "100m";

/** Whether this function gets an HPA: the flag is on and max_scale exceeds the replicas. */
export function rendersHpa(fn: FunctionPlan, traits: TemplateTraits, hpaEnabled: boolean): boolean {
  const replicas = fn.minScale ?? traits.defaultReplicas;
  return hpaEnabled && fn.maxScale !== undefined && fn.maxScale > replicas;
}

/** True when the HPA would have no CPU request to measure against (a limit alone defaults the request). */
export function needsDefaultCpuRequest(fn: FunctionPlan): boolean {
  return fn.resources.requests?.cpu === undefined && fn.resources.limits?.cpu === undefined;
}

export function renderWorkload(
  owner: Owner,
  planned: FunctionPlan,
  options: WorkloadOptions,
): WorkloadObject[] {
  const name = functionChildName(owner.name, planned.key);
  const labels = functionLabels(owner, planned.key);
  const selector = functionSelector(owner, planned.key);
  const replicas = planned.minScale ?? options.traits.defaultReplicas;
  const withHpa = rendersHpa(planned, options.traits, options.hpaEnabled);
  const fn =
    withHpa && needsDefaultCpuRequest(planned) && !options.enforcerOwnsCpu
      ? withCpuRequest(planned)
      : planned;
  const setReplicas = !withHpa && !options.enforcerOwnsReplicas;

  const deployment: V1Deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: objectMeta(owner, name, labels),
    spec: {
      ...(setReplicas ? { replicas } : {}),
      selector: { matchLabels: selector },
      template: {
        metadata: { labels, annotations: podAnnotations(fn.port) },
        spec: restrictedPod({
          containers: [functionContainer(fn, "http", options.extraEnv)],
          ...(options.traits.spreadAcrossNodes ? { affinity: spread(selector) } : {}),
        }),
      },
    },
  };
  const service: V1Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: objectMeta(owner, name, labels),
    spec: {
      selector,
      ports: [
        {
          name: "http",
          port: fn.port,
          targetPort: "http",
          protocol: "TCP",
          ...(fn.needHttp2 ? { appProtocol: "kubernetes.io/h2c" } : {}),
        },
      ],
    },
  };
  const objects: WorkloadObject[] = [deployment, service];
  if (withHpa && fn.maxScale !== undefined) {
    const target = fn.nfr.cpu_utilization_target ?? options.cpuTarget;
    objects.push({
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: objectMeta(owner, name, labels),
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
        ...(options.enforcerOwnsReplicas ? {} : { minReplicas: Math.max(1, replicas) }),
        maxReplicas: fn.maxScale,
        metrics: [
          {
            type: "Resource",
            resource: {
              name: "cpu",
              target: { type: "Utilization", averageUtilization: utilizationPercent(target) },
            },
          },
        ],
      },
    });
  }
  return objects;
}

function withCpuRequest(fn: FunctionPlan): FunctionPlan {
  const requests = { ...fn.resources.requests, cpu: defaultHpaCpuRequest };
  return { ...fn, resources: { ...fn.resources, requests } };
}

/** A fraction of the CPU request as the HPA's whole percent (validated > 0 by render). */
export function utilizationPercent(fraction: number): number {
  return Math.max(1, Math.round(fraction * 100));
}

/** Prefer one replica per node; "preferred" so a small cluster still schedules them all. */
function spread(selector: Record<string, string>) {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        {
          weight: 100,
          podAffinityTerm: {
            topologyKey: "kubernetes.io/hostname",
            labelSelector: { matchLabels: selector },
          },
        },
      ],
    },
  };
}
