// PromQL per signal: grouped per namespace by workload (one query per signal and
// namespace per analysis cycle, whatever the number of records), and scoped to one
// component (explain, instant look-ups). Components are told apart by the labels the
// renderer puts on pods (@oaas/templates meta.ts), never by pod-name patterns:
// - kubelet/cAdvisor series (container_*) carry only namespace/pod/container, so they
//   are joined with kube-state-metrics' kube_pod_labels, which holds the pod's labels as
//   label_<sanitized name> (https://github.com/kubernetes/kube-state-metrics/blob/main/docs/metrics/workload/pod-metrics.md);
// - the function's own http_server_requests_seconds_* series carry the pod labels the
//   scrape copies (ServiceMonitor/PodMonitor podTargetLabels, or a kubernetes_sd labelmap),
//   sanitized the same way: oaas_io_owner, oaas_io_function;
// - Knative's activator series carry namespace_name and configuration_name (= the
//   Knative Service, https://knative.dev/docs/serving/observability/metrics/serving-metrics/).
import { functionLabel, labelValue, ownerLabel } from "@oaas/crd";
import { componentLabel } from "@oaas/templates";
import { matcher, promLabelName } from "./promql.ts";
import type { ComponentRef, Runtime, Signal } from "./types.ts";

/** Where a query's series come from; decides how the split matches them to components. */
export type QuerySource = "app" | "knative" | "kubelet";

/** One query of one analysis cycle. */
export interface PlannedQuery {
  namespace: string;
  signal: Signal;
  source: QuerySource;
  /** PromQL. For range queries over the analysis range; for "oom_events" an instant query. */
  expr: string;
  /** Instant (evaluated once at the analysis time) or range (every step over the range). */
  kind: "range" | "instant";
}

export interface QueryOptions {
  /** PromQL duration text of rate() windows, e.g. "1m" (OPRC_CRM_PROM_RATE_WINDOW). */
  rateWindow: string;
  /** PromQL duration text of the analysis range, e.g. "10m" (OPRC_CRM_PROM_RANGE): the OOM look-back. */
  range: string;
}

/** kube-state-metrics' series of pod labels. */
export const podLabelsMetric = "kube_pod_labels";
/** The function's request histogram (seconds; `_bucket`, `_count`, `_sum`). */
export const requestMetric = "http_server_requests_seconds";
/** Knative activator: request counter and latency histogram (milliseconds). */
export const knativeRequestCount = "activator_request_count";
export const knativeLatencyBucket = "activator_request_latencies_bucket";
/** cAdvisor (kubelet) container series. */
export const cpuMetric = "container_cpu_usage_seconds_total";
export const memoryMetric = "container_memory_working_set_bytes";
export const oomMetric = "container_oom_events_total";

/**
 * The queries of one namespace's cycle, for the components given (all in `namespace`):
 * rps and p99 per runtime present (app for Deployments, knative for Knative Services),
 * cpu, memory and OOM events once (kubelet). At most 7 queries, however many records.
 * Throws on a component of another namespace (a caller bug).
 */
export function planQueries(
  namespace: string,
  components: ComponentRef[],
  options: QueryOptions,
): PlannedQuery[] {
  const stray = components.find((c) => c.namespace !== namespace);
  if (stray !== undefined) {
    throw new Error(
      `planQueries(${namespace}): component ${stray.record}/${stray.name} is in ${stray.namespace}`,
    );
  }
  if (components.length === 0) return [];
  const runtimes = new Set(components.filter((c) => c.kind === "function").map((c) => c.runtime));
  const out: PlannedQuery[] = [];
  for (const runtime of (["deployment", "knative"] as const).filter((r) => runtimes.has(r))) {
    out.push(namespaceQuery(namespace, "rps", runtime, options));
    out.push(namespaceQuery(namespace, "p99_latency_ms", runtime, options));
  }
  for (const signal of ["cpu_cores", "memory_bytes", "oom_events"] as const) {
    out.push(namespaceQuery(namespace, signal, "deployment", options));
  }
  return out;
}

/** One namespace's query for one signal and source (the grouped form; see planQueries). */
export function namespaceQuery(
  namespace: string,
  signal: Signal,
  runtime: Runtime,
  options: QueryOptions,
): PlannedQuery {
  const kind = signal === "oom_events" ? "instant" : "range";
  if (signal === "rps" || signal === "p99_latency_ms") {
    if (runtime === "knative") {
      const scope = [matcher("namespace_name", namespace)];
      return { namespace, signal, source: "knative", kind, expr: knativeExpr(signal, scope, options) };
    }
    const scope = [matcher("namespace", namespace), matcher(appLabels.function, "", "!=")];
    return { namespace, signal, source: "app", kind, expr: appExpr(signal, scope, options) };
  }
  const pods = [matcher("namespace", namespace), matcher(podLabels.owner, "", "!=")];
  return { namespace, signal, source: "kubelet", kind, expr: kubeletExpr(signal, namespace, pods, options) };
}

/**
 * The same signal scoped to one component (its series only): what the basis of a
 * recommendation quotes and what an instant look-up asks. rps and p99 of ODGM are not
 * measured (undefined).
 */
export function componentQuery(
  component: ComponentRef,
  signal: Signal,
  options: QueryOptions,
): string | undefined {
  const ns = component.namespace;
  if (signal === "rps" || signal === "p99_latency_ms") {
    if (component.kind !== "function") return undefined;
    if (component.runtime === "knative") {
      const scope = [matcher("namespace_name", ns), matcher("configuration_name", component.workload)];
      return knativeExpr(signal, scope, options);
    }
    const scope = [
      matcher("namespace", ns),
      matcher(appLabels.owner, labelValue(component.record)),
      matcher(appLabels.function, labelValue(component.functionKey ?? "")),
    ];
    return appExpr(signal, scope, options);
  }
  const pods = [
    matcher("namespace", ns),
    matcher(podLabels.owner, labelValue(component.record)),
    matcher(podLabels.component, component.kind),
  ];
  if (component.kind === "function")
    pods.push(matcher(podLabels.function, labelValue(component.functionKey ?? "")));
  return kubeletExpr(signal, ns, pods, options);
}

/** Sanitized pod labels on the function's own series (scrape podTargetLabels). */
export const appLabels = {
  owner: promLabelName(ownerLabel),
  function: promLabelName(functionLabel),
  component: promLabelName(componentLabel),
} as const;

/** kube_pod_labels' names of the same pod labels (kube-state-metrics adds "label_"). */
export const podLabels = {
  owner: `label_${appLabels.owner}`,
  function: `label_${appLabels.function}`,
  component: `label_${appLabels.component}`,
} as const;

// Grouping keys: what tells components apart in a grouped result.
const appGroup = ["namespace", appLabels.owner, appLabels.function];
const knativeGroup = ["namespace_name", "configuration_name"];
// Per pod, so the split can both sum a component's pods (replicas) and take every pod's
// samples (requests). Pods are few per namespace compared with points per series.
const podGroup = ["namespace", "pod", podLabels.owner, podLabels.component, podLabels.function];

function by(labels: readonly string[]): string {
  return `by (${labels.join(", ")})`;
}

function appExpr(signal: "rps" | "p99_latency_ms", scope: string[], options: QueryOptions): string {
  const selector = `{${scope.join(", ")}}[${options.rateWindow}]`;
  if (signal === "rps") return `sum ${by(appGroup)} (rate(${requestMetric}_count${selector}))`;
  return `1000 * histogram_quantile(0.99, sum ${by([...appGroup, "le"])} (rate(${requestMetric}_bucket${selector})))`;
}

function knativeExpr(signal: "rps" | "p99_latency_ms", scope: string[], options: QueryOptions): string {
  const selector = `{${scope.join(", ")}}[${options.rateWindow}]`;
  if (signal === "rps") return `sum ${by(knativeGroup)} (rate(${knativeRequestCount}${selector}))`;
  // Per revision first (a rollout has two), then the worst of them; already milliseconds.
  const perRevision = `histogram_quantile(0.99, sum ${by([...knativeGroup, "revision_name", "le"])} (rate(${knativeLatencyBucket}${selector})))`;
  return `max ${by(knativeGroup)} (${perRevision})`;
}

/**
 * Container series of the namespace's labelled pods, summed per pod: containers named ""
 * (the pod's own cgroup total) and "POD" (the pause container) would count twice or
 * not at all, and Knative's queue-proxy is not the function's container.
 */
function kubeletExpr(signal: Signal, namespace: string, pods: string[], options: QueryOptions): string {
  const containers = [
    matcher("namespace", namespace),
    matcher("container", "", "!="),
    matcher("container", "POD", "!="),
    matcher("container", "queue-proxy", "!="),
  ].join(", ");
  const usage =
    signal === "cpu_cores"
      ? `rate(${cpuMetric}{${containers}}[${options.rateWindow}])`
      : signal === "memory_bytes"
        ? `${memoryMetric}{${containers}}`
        : `increase(${oomMetric}{${containers}}[${options.range}])`;
  // max by: kube-state-metrics run twice (HA) exports each pod twice; one row per pod.
  const labels = `max ${by(podGroup)} (${podLabelsMetric}{${pods.join(", ")}})`;
  const join = `on (namespace, pod) group_left (${podGroup.slice(2).join(", ")})`;
  return `sum ${by(podGroup)} (${usage} * ${join} ${labels})`;
}

/**
 * Pod labels a scrape must copy onto the function's own series (ServiceMonitor /
 * PodMonitor `podTargetLabels`) for the app queries to tell functions apart; they arrive
 * sanitized (promLabelName): oaas_io_owner, oaas_io_function, oaas_io_component.
 */
export const scrapedPodLabels: readonly string[] = [ownerLabel, functionLabel, componentLabel];
