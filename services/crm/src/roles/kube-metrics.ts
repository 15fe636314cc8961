// Kubernetes client metrics under client-go's names
// (https://github.com/kubernetes/client-go/blob/master/tools/metrics/metrics.go), fed by the
// KubeClient's hooks: rest_client_requests_total{code,method},
// rest_client_request_duration_seconds{verb} and rest_client_rate_limiter_duration_seconds{verb}
// (time a request waited for one of the process's in-flight slots). One client per
// process, so every role reports every API call it makes (informer lists and watches,
// Lease, reconcile).
import type { KubeClientOptions } from "@oaas/kube";
import type { Metrics } from "@oaas/telemetry";

/** Boundaries as client-go's rest_client_request_duration_seconds. */
const requestSecondsBuckets: readonly number[] = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60];

/** The KubeClient hooks that feed the process's client metrics. */
export function kubeClientMetrics(
  meter: Metrics["meter"],
): Required<Pick<KubeClientOptions, "onResponse" | "onWait">> {
  const requests = meter.createCounter("rest_client_requests_total", {
    description:
      "Kubernetes API requests by HTTP status code (<error>: no answer) and method (client-go's name).",
  });
  const seconds = meter.createHistogram("rest_client_request_duration_seconds", {
    description: "Kubernetes API request latency in seconds, by verb (client-go's name).",
    unit: "s",
    advice: { explicitBucketBoundaries: [...requestSecondsBuckets] },
  });
  const waited = meter.createHistogram("rest_client_rate_limiter_duration_seconds", {
    description:
      "Seconds a Kubernetes API request waited in the process for an in-flight slot (OPRC_CRM_KUBE_MAX_IN_FLIGHT), by verb (client-go's name).",
    unit: "s",
    advice: { explicitBucketBoundaries: [...requestSecondsBuckets] },
  });
  return {
    onResponse: (method, code, elapsed) => {
      requests.add(1, { code, method });
      seconds.record(elapsed, { verb: method });
    },
    onWait: (method, elapsed) => waited.record(elapsed, { verb: method }),
  };
}
