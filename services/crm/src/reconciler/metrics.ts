// Reconcile metrics under controller-runtime's names (STYLE §15), so existing dashboards
// and alerts work: controller_runtime_reconcile_total{controller,result} and
// controller_runtime_reconcile_time_seconds{controller}.
import type { Metrics } from "@oaas/telemetry";
import type { ReconcileMetricsHooks } from "./handler.ts";

export function reconcileMetrics(
  meter: Metrics["meter"],
  controller = "deploymentrecord",
): ReconcileMetricsHooks {
  const total = meter.createCounter("controller_runtime_reconcile_total", {
    description: "Reconciles per controller and result (done, requeueAfter, retry, terminal).",
  });
  const time = meter.createHistogram("controller_runtime_reconcile_time_seconds", {
    description: "Time of one reconcile in seconds.",
    unit: "s",
  });
  return {
    reconciled(result, seconds) {
      total.add(1, { controller, result });
      time.record(seconds, { controller });
    },
  };
}
