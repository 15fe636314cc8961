// Every kind of object the CRM creates for a record (its children), so the watcher can
// watch them and the reconciler's drift repair is triggered by edits. Optional kinds
// come from add-ons (Knative, Prometheus Operator) and are watched only when served.
import type { ResourceType } from "@oaas/kube";
import type { LiveObject } from "../children/live-object.ts";
import { deploymentHealth, knativeHealth, type WorkloadHealth } from "../children/workload-health.ts";

export interface ChildKind {
  /** For logs, metrics and readiness reasons, e.g. "Deployment". */
  readonly kind: string;
  readonly type: ResourceType;
  /** Watched only when the API server serves it (its CRD is installed). */
  readonly optional: boolean;
  /**
   * What the reconciler reads off this kind's status (the workload's rollout health), for
   * kinds whose status it reads at all. A status change that leaves it equal changes
   * nothing the record shows, so it is no reason to reconcile (watcher/changes.ts).
   */
  readonly health?: (live: LiveObject) => WorkloadHealth;
}

export const ownedChildKinds: readonly ChildKind[] = [
  {
    kind: "Deployment",
    optional: false,
    health: (live) => deploymentHealth(live, ""),
    type: { group: "apps", version: "v1", plural: "deployments", namespaced: true },
  },
  {
    kind: "Service",
    optional: false,
    type: { group: "", version: "v1", plural: "services", namespaced: true },
  },
  {
    kind: "HorizontalPodAutoscaler",
    optional: false,
    type: { group: "autoscaling", version: "v2", plural: "horizontalpodautoscalers", namespaced: true },
  },
  {
    kind: "KnativeService",
    optional: true,
    health: (live) => knativeHealth(live, ""),
    type: { group: "serving.knative.dev", version: "v1", plural: "services", namespaced: true },
  },
  {
    kind: "ServiceMonitor",
    optional: true,
    type: { group: "monitoring.coreos.com", version: "v1", plural: "servicemonitors", namespaced: true },
  },
  {
    kind: "PodMonitor",
    optional: true,
    type: { group: "monitoring.coreos.com", version: "v1", plural: "podmonitors", namespaced: true },
  },
];
