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
  throw new Error(`not yet: planQueries(${namespace}, ${components.length}, ${options.rateWindow})`);
}

/** One namespace's query for one signal and source (the grouped form; see planQueries). */
export function namespaceQuery(
  namespace: string,
  signal: Signal,
  runtime: Runtime,
  options: QueryOptions,
): PlannedQuery {
  throw new Error(`not yet: namespaceQuery(${namespace}, ${signal}, ${runtime}, ${options.rateWindow})`);
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
  throw new Error(`not yet: componentQuery(${component.name}, ${signal}, ${options.rateWindow})`);
}

/**
 * Pod labels a scrape must copy onto the function's own series (ServiceMonitor /
 * PodMonitor `podTargetLabels`) for the app queries to tell functions apart; they arrive
 * sanitized (promLabelName): oaas_io_owner, oaas_io_function, oaas_io_component.
 */
export const scrapedPodLabels: readonly string[] = [];
