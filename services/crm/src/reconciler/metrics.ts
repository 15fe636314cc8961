// Reconcile metrics under controller-runtime's names (../workers/controller-metrics.ts:
// controller_runtime_reconcile_total, _errors_total, _time_seconds). Beside them, one of our own:
// oaas_crm_reconcile_runs_total{controller,reason}, the runs by why their job was queued
// (record-added, child-changed, requeue, resync, ...: JobReason), which tells event-driven
// runs from safety-net rechecks when reconciles per record grow.
import type { Metrics } from "@oaas/telemetry";
import { controllerMetrics } from "../workers/controller-metrics.ts";
import type { ReconcileMetricsHooks } from "./handler.ts";

export function reconcileMetrics(
  meter: Metrics["meter"],
  controller = "deploymentrecord",
): ReconcileMetricsHooks {
  const controllerRuntime = controllerMetrics(meter, controller);
  const byReason = meter.createCounter("oaas_crm_reconcile_runs_total", {
    description:
      "Reconciles by the reason their job was queued (JobReason: record-added, child-changed, requeue, resync, ...).",
  });
  return {
    reconciled(result, seconds, reason) {
      controllerRuntime.reconciled(result, seconds);
      byReason.add(1, { controller, reason });
    },
  };
}
