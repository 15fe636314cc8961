// Explain a record's NFR state without writing anything: the current recommendations per
// component with basis and confidence, the enforcer's last decisions and why (its stored
// memory), and what the chain would apply now, computed by the same gather and decide
// steps a run uses; with each component's requirements, what was last applied and the
// NfrObserved condition. Read by `crm nfr explain`, the ingress's GetNfrDetail (`oaasctl
// nfr`) and the dashboard's record page.
import type { DeploymentRecord } from "@oaas/crd";
import type { KubeClient } from "@oaas/kube";
import {
  componentsOf,
  enforcementOf,
  explain,
  observe,
  requirementsFor,
  unitOf,
  type EnforcementSettings,
  type RecordExplanation,
} from "@oaas/nfr";
import { decideAll, decisionInput, staleAnalysis, type DecideContext } from "./decisions.ts";
import type { EnforcerStore } from "./state-store.ts";
import { gatherComponents } from "./workloads.ts";

export interface ExplainDeps {
  readonly kube: KubeClient;
  readonly store: EnforcerStore;
  readonly settings: EnforcementSettings;
}

/**
 * Explains `record` at `nowMs`. "Would apply now" runs the chain on the stored state as a
 * run starting now would see it (this analysis observed), without storing anything.
 * @throws what the Kubernetes reads or Redis throw.
 */
export async function explainRecord(
  deps: ExplainDeps,
  record: DeploymentRecord,
  nowMs: number,
  signal: AbortSignal,
): Promise<RecordExplanation> {
  const { namespace = "", name, uid = "" } = record.metadata;
  const components = componentsOf(record);
  const [stored, live] = await Promise.all([
    deps.store.read(namespace, name, uid),
    gatherComponents(deps.kube, components, signal),
  ]);
  const stale = staleAnalysis(record);
  const recommendations = record.status?.nfr_recommendations ?? [];
  const state = observe(
    stored.state,
    stale === undefined ? recommendations : [],
    nowMs,
    2 * deps.settings.stabilityMs,
  );
  const ctx: DecideContext = { record, live, state, settings: deps.settings, nowMs };
  const inputs = recommendations.flatMap((r) => {
    const input = decisionInput(ctx, r);
    return input === undefined ? [] : [input];
  });
  const lastDecisions = Object.values(stored.decisions).sort(
    (a, b) => (b.nextEligibleAtMs ?? 0) - (a.nextEligibleAtMs ?? 0),
  );
  const explained = explain({
    record: name,
    namespace,
    nowMs,
    recommendations,
    lastDecisions,
    decisionInputs: inputs,
  });
  const enforcement = enforcementOf(record);
  const observed = record.status?.conditions?.find((c) => c.type === "NfrObserved");
  return {
    ...explained,
    enforcement: {
      enabled: deps.settings.enabled,
      mode: enforcement.mode,
      dimensions: enforcement.dimensions,
    },
    // The chain as a run would take it (a stale analysis holds everything).
    wouldApplyNow: stale === undefined ? explained.wouldApplyNow : decideAll(ctx, stale),
    ...(stale === undefined ? {} : { stale }),
    ...(record.status?.last_applied_at === undefined ? {} : { lastAppliedAt: record.status.last_applied_at }),
    requirements: components.map((c) => ({ component: c.name, requirements: requirementsFor(record, c) })),
    lastApplied: (record.status?.last_applied_recommendations ?? []).map((r) => ({
      ...r,
      unit: unitOf(r.dimension),
    })),
    ...(observed === undefined
      ? {}
      : {
          nfrObserved: {
            status: observed.status,
            reason: observed.reason,
            message: observed.message,
            lastTransitionTime: observed.lastTransitionTime,
          },
        }),
  };
}
