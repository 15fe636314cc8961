// The reconcile metrics every worker of the CRM reports under controller-runtime's names
// (sigs.k8s.io/controller-runtime pkg/internal/controller/metrics), so existing dashboards
// and alerts work: controller_runtime_reconcile_total{controller,result},
// controller_runtime_reconcile_errors_total{controller} (a retry or terminal result:
// controller-runtime counts a returned error) and
// controller_runtime_reconcile_time_seconds{controller}. One home for the names and
// labels; each worker adds its own metrics beside them (reconciler/metrics.ts,
// analyzer/metrics.ts).
import type { ReconcileResult } from "@oaas/queue";
import type { Metrics } from "@oaas/telemetry";

/** Records one handled job of a controller. */
export interface ControllerMetrics {
  /** `result`: how the job ended; `seconds`: how long it took. */
  reconciled(result: ReconcileResult["kind"], seconds: number): void;
}

/**
 * The controller-runtime instruments for `controller` (e.g. "deploymentrecord",
 * "nfr-analyzer"). The error counter is present from the start at 0 (as controller-runtime
 * does), so an alert on its rate works.
 */
export function controllerMetrics(meter: Metrics["meter"], controller: string): ControllerMetrics {
  const total = meter.createCounter("controller_runtime_reconcile_total", {
    description: "Reconciles per controller and result (done, requeueAfter, retry, terminal).",
  });
  const errors = meter.createCounter("controller_runtime_reconcile_errors_total", {
    description: "Reconciles that ended in an error (retry or terminal result).",
  });
  const time = meter.createHistogram("controller_runtime_reconcile_time_seconds", {
    description: "Time of one reconcile in seconds.",
    unit: "s",
  });
  errors.add(0, { controller });
  return {
    reconciled(result, seconds) {
      total.add(1, { controller, result });
      if (result === "retry" || result === "terminal") errors.add(1, { controller });
      time.record(seconds, { controller });
    },
  };
}
