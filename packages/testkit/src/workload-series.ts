// The series a production cluster would give the analyzer for one OaaS workload, set on a
// synthetic exporter: per pod, kube-state-metrics' kube_pod_labels (the pod's labels as
// label_<sanitized name>) and cAdvisor's container CPU counter and memory working set;
// per function, its own request histogram carrying the pod labels a ServiceMonitor copies
// (podTargetLabels). Names and labels are the ones packages/nfr's queries read, taken from
// there and from @oaas/crd, so a renamed label breaks these tests rather than production.
import { functionLabel, labelValue, ownerLabel } from "@oaas/crd";
import { cpuMetric, memoryMetric, podLabelsMetric, promLabelName, requestMetric } from "@oaas/nfr";
import { componentLabel } from "@oaas/templates";
import type { LatencyShape, SyntheticExporter } from "./synthetic-exporter.ts";

/** One pod of a record's workload. */
export interface PodSeries {
  readonly namespace: string;
  readonly pod: string;
  /** The DeploymentRecord name (the owner label's value is derived from it). */
  readonly record: string;
  readonly component: "function" | "odgm";
  /** Function key (component "function"). */
  readonly functionKey?: string;
  /** Container name; default "fn". */
  readonly container?: string;
  /** CPU in use, cores (the counter grows by this per second). */
  readonly cpuCores: number;
  /** Working set, bytes. */
  readonly memoryBytes: number;
}

/** Sets (or changes) one pod's series. */
export function publishPod(exporter: SyntheticExporter, pod: PodSeries): void {
  const labels: Record<string, string> = {
    namespace: pod.namespace,
    pod: pod.pod,
    [`label_${promLabelName(ownerLabel)}`]: labelValue(pod.record),
    [`label_${promLabelName(componentLabel)}`]: pod.component,
  };
  if (pod.functionKey !== undefined)
    labels[`label_${promLabelName(functionLabel)}`] = labelValue(pod.functionKey);
  exporter.gauge(podLabelsMetric, labels, 1);
  const container = { namespace: pod.namespace, pod: pod.pod, container: pod.container ?? "fn" };
  exporter.counter(cpuMetric, container, pod.cpuCores);
  exporter.gauge(memoryMetric, container, pod.memoryBytes);
}

/** Removes one pod's series, its request series (published with `pod`) included: a pod that went away. */
export function dropPod(exporter: SyntheticExporter, namespace: string, pod: string): void {
  for (const name of [podLabelsMetric, cpuMetric, memoryMetric, requestMetric])
    exporter.drop(name, { namespace, pod });
}

/** A function's request load: `rps` requests per second with latencies shaped by `shape` (seconds). */
export interface RequestSeries {
  readonly namespace: string;
  readonly record: string;
  readonly functionKey: string;
  readonly rps: number;
  /** Cumulative fraction of requests at or below each bound (seconds). Default: all under 50 ms. */
  readonly shape?: LatencyShape;
  /** Mean latency, s (for `_sum`). Default 0.02. */
  readonly meanSeconds?: number;
  /** The pod that serves them (a label the scrape adds too). Default none. */
  readonly pod?: string;
}

/** Sets (or changes) a function's request histogram. */
export function publishRequests(exporter: SyntheticExporter, load: RequestSeries): void {
  const labels: Record<string, string> = {
    namespace: load.namespace,
    [promLabelName(ownerLabel)]: labelValue(load.record),
    [promLabelName(functionLabel)]: labelValue(load.functionKey),
    [promLabelName(componentLabel)]: "function",
    ...(load.pod === undefined ? {} : { pod: load.pod }),
  };
  exporter.histogram(
    requestMetric,
    labels,
    load.rps,
    load.shape ?? { "0.01": 0.5, "0.05": 1, "0.1": 1, "0.5": 1 },
    load.meanSeconds ?? 0.02,
  );
}
