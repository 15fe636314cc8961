// The reconciler role: a JobHandler that makes a DeploymentRecord run. Read top to
// bottom: handler.ts (plumbing) -> reconcile.ts (gather snapshot.ts -> pure plan.ts ->
// act.ts -> observe.ts) or finalize.ts (list -> plan-finalize.ts -> delete or release)
// -> conclude.ts (status, history, Events). README.md beside this file maps it out.
export { createReconcileHandler, type ReconcilerDeps, type ReconcileMetricsHooks } from "./handler.ts";
export { detectCapabilities, discoveredRenderContext, renderContextFor } from "./capabilities.ts";
export { reconcileMetrics } from "./metrics.ts";
export { appliedHashAnnotation } from "./compare.ts";
export { replicaHandoverManager } from "./replicas.ts";
