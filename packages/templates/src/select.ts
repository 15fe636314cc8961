// Which template renders a record: explicit selected_template, then template_hint, then
// the highest score among the templates that can run here, then dev (the fallback that can
// always run; scoring never leaves the pool empty, so it only guards a future change).
// The chosen template, its score and the runner-up go to status so the choice is explained.
import type { DeploymentRecordSpec, TemplateSelection } from "@oaas/crd";
import type { RenderContext } from "./context.ts";
import { fail, ok, type Result } from "./errors.ts";
import { knownTemplateNames, resolveTemplateName, templateNames, type TemplateName } from "./registry.ts";
import { scoreTemplates, type Scores, type Signals } from "./scoring.ts";

export interface Selection extends TemplateSelection {
  name: TemplateName;
}

/** Knative needs the flag (operator's intent) and the CRDs (the cluster can serve it). */
export function knativeAvailable(context: RenderContext): boolean {
  return context.features.knative && context.capabilities.knativeInstalled;
}

export function candidates(context: RenderContext): TemplateName[] {
  return templateNames.filter((name) => name !== "knative" || knativeAvailable(context));
}

export function selectTemplate(
  spec: DeploymentRecordSpec,
  context: RenderContext,
  signals: Signals,
): Result<Selection> {
  const scores = scoreTemplates(context.profile, signals);
  const pool = candidates(context);
  // The profile's own template first, then registry order: decides ties deterministically.
  const ranked = [...pool].sort((a, b) => scores[b] - scores[a] || rank(a, context) - rank(b, context));
  const nfrText = describeSignals(signals);

  for (const field of ["selected_template", "template_hint"] as const) {
    const asked = spec[field];
    if (asked === undefined || asked.trim() === "") continue;
    const path = `spec.${field}`;
    const name = resolveTemplateName(asked);
    if (name === undefined) {
      return fail(
        "UnknownTemplate",
        path,
        `unknown template ${JSON.stringify(asked)}; expected one of ${knownTemplateNames().join(", ")}`,
      );
    }
    if (!pool.includes(name)) {
      const why = `template ${name} needs the Knative feature flag (OPRC_CRM_FEATURES_KNATIVE) and the Knative Serving CRDs on the cluster`;
      // An explicit choice that cannot run is the user's to fix; a hint is only a preference.
      if (field === "selected_template") return fail("TemplateUnavailable", path, why);
      return ok(
        pick(
          ranked[0],
          ranked,
          scores,
          `template_hint ${JSON.stringify(asked)} ignored: ${why}; highest score for profile ${context.profile}${nfrText}`,
        ),
      );
    }
    return ok(pick(name, ranked, scores, `${field} ${JSON.stringify(asked)}`));
  }
  return ok(pick(ranked[0], ranked, scores, `highest score for profile ${context.profile}${nfrText}`));
}

function pick(
  name: TemplateName | undefined,
  ranked: TemplateName[],
  scores: Scores,
  reason: string,
): Selection {
  const chosen = name ?? "dev";
  const runnerUp = ranked.find((other) => other !== chosen);
  const table = ranked.map((other) => `${other} ${scores[other]}`).join(", ");
  return {
    name: chosen,
    score: scores[chosen],
    ...(runnerUp === undefined ? {} : { runner_up: { name: runnerUp, score: scores[runnerUp] } }),
    reason: `${reason}; scores: ${table}`,
  };
}

function rank(name: TemplateName, context: RenderContext): number {
  return name === context.profile ? -1 : templateNames.indexOf(name);
}

function describeSignals(signals: Signals): string {
  const parts = Object.entries(signals).map(([key, value]) => `${key}=${String(value)}`);
  return parts.length > 0 ? ` and NFRs ${parts.join(", ")}` : ", no NFRs";
}
