// ServiceMonitor / PodMonitor for a record's function pods (Prometheus Operator). One per
// record: it selects by the owner and `app` labels every function child shares.
import { functionLabel, monitorName, ownerLabel } from "@oaas/crd";
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

/**
 * The port name the monitor scrapes. Deployment pods and their Services name the
 * function's port "http". Knative renames the user container's port "user-port" in
 * every revision pod (whatever the Service spec called it), so a PodMonitor over
 * Knative pods must use that name. (A ServiceMonitor, only on explicit request for
 * knative, keeps "http": the port name of the Services Knative creates.)
 */
export function scrapePort(runtime: TemplateTraits["runtime"]): string {
  return runtime === "knative" ? knativeUserPort : "http";
}
export const knativeUserPort = "user-port";

/**
 * Pod labels every monitor copies onto the series it scrapes (`podTargetLabels`), so a
 * function's own request metrics say which record, function and component they are of
 * (Prometheus sanitizes the names: oaas_io_owner, oaas_io_function, oaas_io_component),
 * without matching pod names. The analyzer's queries (packages/nfr queries.ts) group by them.
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitorSpec
 */
export const monitorPodTargetLabels: readonly string[] = [ownerLabel, functionLabel, componentLabel];

export function renderMonitor(
  owner: Owner,
  kind: MonitorKind,
  options: MonitoringOptions,
  runtime: TemplateTraits["runtime"] = "deployment",
): ServiceMonitor | PodMonitor {
  const matchLabels = { [appLabel]: owner.ownerValue, [ownerLabel]: owner.ownerValue };
  // The operator's match labels first: the owner labels must win so pruning still finds it.
  const labels = { ...options.matchLabels, ...owner.common, [componentLabel]: "monitoring" };
  const metadata = objectMeta(owner, monitorName(owner.name), labels);
  const port = kind === "PodMonitor" ? scrapePort(runtime) : "http";
  const endpoint = { port, path: "/metrics" };
  if (kind === "ServiceMonitor") {
    return {
      apiVersion: "monitoring.coreos.com/v1",
      kind,
      metadata,
      spec: {
        selector: { matchLabels },
        podTargetLabels: [...monitorPodTargetLabels],
        endpoints: [endpoint],
      },
    };
  }
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind,
    metadata,
    spec: {
      selector: { matchLabels },
      podTargetLabels: [...monitorPodTargetLabels],
      podMetricsEndpoints: [endpoint],
    },
  };
}
