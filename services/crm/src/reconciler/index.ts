// The reconciler role: a JobHandler that makes a DeploymentRecord run. Read top to
// bottom: handler.ts (plumbing) -> reconcile.ts (render, apply, prune, observe) or
// finalize.ts (delete children, drop finalizer) -> status.ts / transitions.ts.
export { createReconcileHandler, type ReconcilerDeps, type ReconcileMetricsHooks } from "./handler.ts";
export { detectCapabilities, discoveredRenderContext, renderContextFor } from "./capabilities.ts";
export { reconcileMetrics } from "./metrics.ts";
export { appliedHashAnnotation } from "./compare.ts";
export { replicaHandoverManager } from "./apply.ts";
