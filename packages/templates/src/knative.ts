// A function on the knative template: one serving.knative.dev/v1 Service. Scale bounds
// and concurrency are revision-template settings; min-scale is left out when the
// enforcer owns replicas (it writes that annotation itself).
import { functionChildName } from "@oaas/crd";
import { functionContainer, podAnnotations, type EnvVar } from "./container.ts";
import type { FunctionPlan } from "./functions.ts";
import { functionLabels, objectMeta, type Owner } from "./meta.ts";
import type { KnativeService } from "./objects.ts";
import { restrictedPod } from "./pod-security.ts";

export const minScaleAnnotation = "autoscaling.knative.dev/min-scale";
export const maxScaleAnnotation = "autoscaling.knative.dev/max-scale";

export interface KnativeOptions {
  enforcerOwnsReplicas: boolean;
  extraEnv: EnvVar[];
}

export function renderKnative(owner: Owner, fn: FunctionPlan, options: KnativeOptions): KnativeService {
  const name = functionChildName(owner.name, fn.key);
  const labels = functionLabels(owner, fn.key);
  const annotations = podAnnotations(fn.port);
  if (fn.minScale !== undefined && !options.enforcerOwnsReplicas)
    annotations[minScaleAnnotation] = String(fn.minScale);
  if (fn.maxScale !== undefined && fn.maxScale > 0) annotations[maxScaleAnnotation] = String(fn.maxScale);
  return {
    apiVersion: "serving.knative.dev/v1",
    kind: "Service",
    metadata: objectMeta(owner, name, labels),
    spec: {
      template: {
        metadata: { labels, annotations },
        spec: restrictedPod({
          ...(fn.maxConcurrency === undefined ? {} : { containerConcurrency: fn.maxConcurrency }),
          containers: [functionContainer(fn, fn.needHttp2 ? "h2c" : "http1", options.extraEnv)],
        }),
      },
    },
  };
}
