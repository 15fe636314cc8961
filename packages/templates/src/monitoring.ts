// ServiceMonitor / PodMonitor for a record's function pods (Prometheus Operator). One per
// record: it selects by the owner and `app` labels every function child shares.
import { monitorName, ownerLabel } from "@oaas/crd";
import type { MonitoringOptions } from "./context.ts";
import { appLabel, componentLabel, objectMeta, type Owner } from "./meta.ts";
import type { PodMonitor, ServiceMonitor } from "./objects.ts";
import type { TemplateTraits } from "./traits.ts";

export type MonitorKind = "ServiceMonitor" | "PodMonitor";

/** auto = ServiceMonitor for Deployment templates and none for Knative (it has its own metrics pipeline). */
export function monitorKind(
  options: MonitoringOptions,
  runtime: TemplateTraits["runtime"],
): MonitorKind | undefined {
  switch (options.scrapeKind) {
    case "servicemonitor":
      return "ServiceMonitor";
    case "podmonitor":
      return "PodMonitor";
    case "none":
      return undefined;
    case "auto":
      return runtime === "knative" ? undefined : "ServiceMonitor";
  }
}

export function renderMonitor(
  owner: Owner,
  kind: MonitorKind,
  options: MonitoringOptions,
): ServiceMonitor | PodMonitor {
  const matchLabels = { [appLabel]: owner.ownerValue, [ownerLabel]: owner.ownerValue };
  // The operator's match labels first: the owner labels must win so pruning still finds it.
  const labels = { ...options.matchLabels, ...owner.common, [componentLabel]: "monitoring" };
  const metadata = objectMeta(owner, monitorName(owner.name), labels);
  const endpoint = { port: "http", path: "/metrics" };
  if (kind === "ServiceMonitor") {
    return {
      apiVersion: "monitoring.coreos.com/v1",
      kind,
      metadata,
      spec: { selector: { matchLabels }, endpoints: [endpoint] },
    };
  }
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind,
    metadata,
    spec: { selector: { matchLabels }, podMetricsEndpoints: [endpoint] },
  };
}
