// Shapes of the objects render returns. Built-in kinds use @kubernetes/client-node's
// model types (type-only: nothing from the client is loaded at run time); the custom
// resources (Knative, Prometheus Operator) have the small subset written here.
import type {
  V1Container,
  V1Deployment,
  V1ObjectMeta,
  V1Service,
  V2HorizontalPodAutoscaler,
} from "@kubernetes/client-node";

/** Every rendered object has these set (render guarantees it; the client types mark them optional). */
export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  metadata: V1ObjectMeta & { name: string; labels: Record<string, string> };
}

export interface KnativeService {
  apiVersion: "serving.knative.dev/v1";
  kind: "Service";
  metadata: V1ObjectMeta;
  spec: {
    template: {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: {
        containerConcurrency?: number;
        /** Always false (pod-security.ts); Knative accepts only false here. */
        automountServiceAccountToken?: false;
        containers: V1Container[];
      };
    };
  };
}

export interface MonitorEndpoint {
  port: string;
  path: string;
}

export interface ServiceMonitor {
  apiVersion: "monitoring.coreos.com/v1";
  kind: "ServiceMonitor";
  metadata: V1ObjectMeta;
  spec: {
    selector: { matchLabels: Record<string, string> };
    /** Pod labels copied onto every scraped series (sanitized: oaas.io/owner -> oaas_io_owner). */
    podTargetLabels: string[];
    endpoints: MonitorEndpoint[];
  };
}

export interface PodMonitor {
  apiVersion: "monitoring.coreos.com/v1";
  kind: "PodMonitor";
  metadata: V1ObjectMeta;
  spec: {
    selector: { matchLabels: Record<string, string> };
    /** Pod labels copied onto every scraped series (sanitized: oaas.io/owner -> oaas_io_owner). */
    podTargetLabels: string[];
    podMetricsEndpoints: MonitorEndpoint[];
  };
}

export type RenderedObject =
  V1Deployment | V1Service | V2HorizontalPodAutoscaler | KnativeService | ServiceMonitor | PodMonitor;

/** `apiVersion/kind/name`: a stable key for one rendered object. */
export function objectKey(object: RenderedObject): string {
  return `${object.apiVersion ?? ""}/${object.kind ?? ""}/${object.metadata?.name ?? ""}`;
}
