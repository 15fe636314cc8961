// The enforcer: gather (workloads.ts), decide (decisions.ts, the @oaas/nfr chain), act
// (plan.ts, act.ts), with its durable memory in Redis (state-store.ts); explain reads the
// same steps without writing (explain.ts).
export { createEnforceHandler, type EnforcerDeps, type EnforceJob } from "./handler.ts";
export {
  createEnforcerStore,
  enforcerStateKey,
  type EnforcerStore,
  type StoredEnforcer,
} from "./state-store.ts";
export { enforcerFieldManager, withoutEnforcerFields } from "../children/enforcer-fields.ts";
export { explainRecord, type ExplainDeps } from "./explain.ts";
