// Reconcile metrics under controller-runtime's names (sigs.k8s.io/controller-runtime
// pkg/internal/controller/metrics), so existing dashboards and alerts work:
// controller_runtime_reconcile_total{controller,result},
// controller_runtime_reconcile_errors_total{controller} (a retry or terminal result:
// controller-runtime counts a returned error) and
// controller_runtime_reconcile_time_seconds{controller}. Beside them, one of our own:
// oaas_crm_reconcile_runs_total{controller,reason}, the runs by why their job was queued
// (record-added, child-changed, requeue, resync, ...: JobReason), which tells event-driven
// runs from safety-net rechecks when reconciles per record grow.
import type { Metrics } from "@oaas/telemetry";
import type { ReconcileMetricsHooks } from "./handler.ts";

export function reconcileMetrics(
  meter: Metrics["meter"],
  controller = "deploymentrecord",
): ReconcileMetricsHooks {
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
  const byReason = meter.createCounter("oaas_crm_reconcile_runs_total", {
    description:
      "Reconciles by the reason their job was queued (JobReason: record-added, child-changed, requeue, resync, ...).",
  });
  // Present from the start at 0 (as controller-runtime does), so an alert on its rate works.
  errors.add(0, { controller });
  return {
    reconciled(result, seconds, reason) {
      total.add(1, { controller, result });
      byReason.add(1, { controller, reason });
      if (result === "retry" || result === "terminal") errors.add(1, { controller });
      time.record(seconds, { controller });
    },
  };
}
