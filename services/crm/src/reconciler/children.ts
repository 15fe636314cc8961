// Pure: the kinds of object a record can own, and how a child is named in keys, history
// and Events. A record's children are found by one list per kind, selected by the owner
// label (kube-io.ts); Knative Services and the Prometheus Operator monitors are listed
// only when their APIs are served.
import type { ResourceType } from "@oaas/kube";
import type { Capabilities } from "@oaas/templates";

export interface ChildKind {
  readonly apiVersion: string;
  readonly kind: string;
  readonly type: ResourceType;
}

const kind = (apiVersion: string, kindName: string, plural: string): ChildKind => {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return {
    apiVersion,
    kind: kindName,
    type: { group: group ?? "", version: version ?? "", plural, namespaced: true },
  };
};

/** Every kind render can produce; the optional ones are only listed when their API exists. */
export const childKinds = {
  deployment: kind("apps/v1", "Deployment", "deployments"),
  service: kind("v1", "Service", "services"),
  hpa: kind("autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers"),
  knativeService: kind("serving.knative.dev/v1", "Service", "services"),
  serviceMonitor: kind("monitoring.coreos.com/v1", "ServiceMonitor", "servicemonitors"),
  podMonitor: kind("monitoring.coreos.com/v1", "PodMonitor", "podmonitors"),
} as const;

/** The kinds to look for on this cluster. */
export function servedKinds(capabilities: Capabilities): ChildKind[] {
  return [
    childKinds.deployment,
    childKinds.service,
    childKinds.hpa,
    ...(capabilities.knativeInstalled ? [childKinds.knativeService] : []),
    ...(capabilities.prometheusOperatorInstalled ? [childKinds.serviceMonitor, childKinds.podMonitor] : []),
  ];
}

/** The kind of a rendered or live object, by apiVersion and kind. */
export function kindOf(object: { apiVersion?: string; kind?: string }): ChildKind {
  const found = Object.values(childKinds).find(
    (k) => k.apiVersion === object.apiVersion && k.kind === object.kind,
  );
  if (!found)
    throw new Error(`the reconciler does not manage ${object.apiVersion ?? ""}/${object.kind ?? ""}`);
  return found;
}

/** "Kind/name" as history and Events show it (Knative's Service says so: "ksvc"). */
export function displayName(object: {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
}): string {
  const k =
    object.apiVersion === childKinds.knativeService.apiVersion ? "KnativeService" : (object.kind ?? "");
  return `${k}/${object.metadata?.name ?? ""}`;
}

/** `apiVersion/kind/name`: identity of one child. */
export function childKey(object: {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string };
}): string {
  return `${object.apiVersion ?? ""}/${object.kind ?? ""}/${object.metadata?.name ?? ""}`;
}
