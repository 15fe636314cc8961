// Gather and decide for one record: is analysis possible (gate, mode), what did this
// cycle's grouped queries say about the record's components (cycle-cache.ts), and what
// does the policy of packages/nfr recommend from it. No writes here: handler.ts writes.
import type { DeploymentRecord } from "@oaas/crd";
import {
  analyzeComponent,
  componentsOf,
  enforcementOf,
  requirementsFor,
  type AnalysisSettings,
  type ComponentRef,
  type NfrRecommendation,
  type Unknown,
} from "@oaas/nfr";
import { signalsOf, type CycleCache } from "./cycle-cache.ts";
import type { Gate } from "./gate.ts";
import type { AnalysisOutcome } from "./status.ts";

export interface AnalyzeDeps {
  readonly gate: () => Promise<Gate>;
  readonly cycles: CycleCache;
  /** Every record of a namespace the analyzer knows (its cache): one cycle covers them all. */
  readonly recordsIn: (namespace: string) => readonly DeploymentRecord[];
  readonly settings: AnalysisSettings;
  /** OPRC_CRM_FEATURES_NFR_ENFORCEMENT. */
  readonly enforcementEnabled: boolean;
}

/** What one analysis found, with the detail the status leaves out (logs, history, explain). */
export interface RecordAnalysis {
  readonly outcome: AnalysisOutcome;
  /** The end of the window the queries looked at (ms since epoch), when Prometheus was asked. */
  readonly analyzedAtMs?: number;
  /** Recommendations with their inputs and coverage. */
  readonly recommendations: readonly NfrRecommendation[];
  /** What could not be recommended, and why. */
  readonly unknown: readonly Unknown[];
}

const nothing = { recommendations: [], unknown: [] } as const;

export async function analyzeRecord(deps: AnalyzeDeps, record: DeploymentRecord): Promise<RecordAnalysis> {
  const { mode } = enforcementOf(record);
  if (mode === "off") return { outcome: { kind: "off" }, ...nothing };
  const gate = await deps.gate();
  if (!gate.open) return { outcome: { kind: "disabled", message: gate.message }, ...nothing };
  const namespace = record.metadata.namespace ?? "";
  const components = componentsOf(record);
  const cycle = await deps.cycles.get(namespace, () => namespaceComponents(deps.recordsIn(namespace)));
  if (cycle.failure !== undefined)
    return {
      outcome: {
        kind: "unavailable",
        message: `Prometheus (OPRC_CRM_PROM_URL) did not answer: ${cycle.failure}`,
      },
      analyzedAtMs: cycle.window.endMs,
      ...nothing,
    };
  const recommendations: NfrRecommendation[] = [];
  const unknown: Unknown[] = [];
  for (const signals of signalsOf(cycle, components)) {
    const analysis = analyzeComponent({
      signals,
      requirements: requirementsFor(record, signals.component),
      window: cycle.window,
      settings: deps.settings,
    });
    recommendations.push(...analysis.recommendations);
    unknown.push(...analysis.unknown);
  }
  return {
    outcome: {
      kind: "analyzed",
      recommendations: recommendations.map(({ component, dimension, target, basis, confidence }) => ({
        component,
        dimension,
        target,
        basis,
        confidence,
      })),
      unknown: unknown.map((u) => `${u.component} ${u.dimension}`),
      mode,
      enforcementEnabled: deps.enforcementEnabled,
    },
    analyzedAtMs: cycle.window.endMs,
    recommendations,
    unknown,
  };
}

/** Every component of the records given (skipping records being deleted or analysis-off). */
function namespaceComponents(records: readonly DeploymentRecord[]): ComponentRef[] {
  return records
    .filter((r) => !r.metadata.deletionTimestamp && enforcementOf(r).mode !== "off")
    .flatMap((r) => componentsOf(r));
}
