// render(record, context): the one entry point. Validate, choose a template, build every
// child. Pure: same input, same output, no I/O, clock or environment; every problem is
// returned as a RenderError naming the field, never thrown.
import type { DeploymentRecord } from "@oaas/crd";
import { defaultOdgmImages, type RenderContext } from "./context.ts";
import { fail, type RenderError } from "./errors.ts";
import type { FunctionPlan } from "./functions.ts";
import { renderKnative } from "./knative.ts";
import { checkKnative } from "./knative-rules.ts";
import { ownerOf, type Owner } from "./meta.ts";
import { monitorKind, renderMonitor } from "./monitoring.ts";
import { objectKey, type RenderedObject } from "./objects.ts";
import { planOdgm, renderOdgm, type OdgmPlan } from "./odgm.ts";
import { mergeSignals } from "./scoring.ts";
import { selectTemplate, type Selection } from "./select.ts";
import { enforcerOwns, enforcerOwnsReplicas, templateTraits, type TemplateTraits } from "./traits.ts";
import { validateSpec } from "./validate.ts";
import { defaultHpaCpuRequest, needsDefaultCpuRequest, renderWorkload, rendersHpa } from "./workload.ts";

/** HPA CPU target when neither the function nor spec.nfr names one: 80 % of the request. */
export const defaultCpuTarget = 0.8;
export const odgmAddon = "odgm";

export interface Rendered {
  /** Desired children in a stable order: per function (spec order), then ODGM, then the monitor. */
  objects: RenderedObject[];
  /** For status.template_selection. */
  selection: Selection;
  /** Things asked for but not rendered, for a person (e.g. addon odgm with the ODGM feature off). */
  notes: string[];
}

export type RenderResult = ({ ok: true } & Rendered) | { ok: false; error: RenderError };

export function render(record: DeploymentRecord, context: RenderContext): RenderResult {
  const uid = record.metadata.uid;
  if (uid === undefined || uid === "") {
    return fail("MissingUid", "metadata.uid", "the record has no uid yet; owner references need it");
  }
  const spec = record.spec;
  const functions = validateSpec(spec);
  if (!functions.ok) return functions;
  const signals = mergeSignals(
    spec.nfr?.requirements,
    functions.value.map((f) => f.nfr),
  );
  const selected = selectTemplate(spec, context, signals);
  if (!selected.ok) return selected;

  const owner = ownerOf(record, uid);
  const traits = templateTraits[selected.value.name];
  if (traits.runtime === "knative") {
    const admitted = checkKnative(functions.value);
    if (!admitted.ok) return admitted;
  }
  const notes: string[] = [];
  const odgm = odgmFor(record, context, owner, functions.value, traits, notes);
  const objects = renderFunctions(record, context, owner, functions.value, traits, odgm);
  if (traits.runtime === "deployment")
    notes.push(...cpuRequestNotes(functions.value, traits, context, enforcerOwns(spec.nfr, "cpu")));
  if (odgm !== undefined) objects.push(...renderOdgm(owner, odgm));
  objects.push(...renderMonitoring(context, owner, traits, notes));

  const clash = findClash(objects);
  if (clash !== undefined) {
    return fail(
      "NameCollision",
      "spec.functions",
      `two children would both be ${clash}; rename a function key`,
    );
  }
  return { ok: true, objects, selection: selected.value, notes };
}

/** The ODGM plan when the addon is asked for AND the feature is on; notes what is ignored. */
function odgmFor(
  record: DeploymentRecord,
  context: RenderContext,
  owner: Owner,
  functions: readonly FunctionPlan[],
  traits: TemplateTraits,
  notes: string[],
): OdgmPlan | undefined {
  const addons = new Set((record.spec.addons ?? []).map((a) => a.trim().toLowerCase()));
  for (const addon of addons) {
    if (addon !== odgmAddon) notes.push(`addon ${JSON.stringify(addon)} is unknown and was ignored`);
  }
  if (!addons.has(odgmAddon)) return undefined;
  if (!context.features.odgm) {
    notes.push("addon odgm requested but the ODGM feature is off (OPRC_CRM_FEATURES_ODGM)");
    return undefined;
  }
  const image = context.odgmImage ?? defaultOdgmImages[context.profile];
  return planOdgm(owner, record.spec, image, functions, traits.runtime);
}

function renderFunctions(
  record: DeploymentRecord,
  context: RenderContext,
  owner: Owner,
  functions: readonly FunctionPlan[],
  traits: TemplateTraits,
  odgm: OdgmPlan | undefined,
): RenderedObject[] {
  const extraEnv = odgm?.functionEnv ?? [];
  const ownsReplicas = enforcerOwnsReplicas(record.spec.nfr);
  const cpuTarget = record.spec.nfr?.requirements?.cpu_utilization_target ?? defaultCpuTarget;
  return functions.flatMap((fn): RenderedObject[] =>
    traits.runtime === "knative"
      ? [renderKnative(owner, fn, { enforcerOwnsReplicas: ownsReplicas, extraEnv })]
      : renderWorkload(owner, fn, {
          traits,
          hpaEnabled: context.features.hpa,
          enforcerOwnsReplicas: ownsReplicas,
          enforcerOwnsCpu: enforcerOwns(record.spec.nfr, "cpu"),
          cpuTarget,
          extraEnv,
        }),
  );
}

/** Which functions got the default CPU request because their HPA needs one (or left it to the enforcer). */
function cpuRequestNotes(
  functions: readonly FunctionPlan[],
  traits: TemplateTraits,
  context: RenderContext,
  enforcerOwnsCpu: boolean,
): string[] {
  return functions
    .filter((fn) => rendersHpa(fn, traits, context.features.hpa) && needsDefaultCpuRequest(fn))
    .map((fn) =>
      enforcerOwnsCpu
        ? `function ${JSON.stringify(fn.key)}: CPU request left to the NFR enforcer (spec.nfr.enforcement enforces cpu); its HPA measures utilization once the enforcer has set one`
        : `function ${JSON.stringify(fn.key)}: CPU request ${defaultHpaCpuRequest} rendered because its HPA scales on CPU utilization and ${fn.path}.provision_config names no cpu_request or cpu_limit`,
    );
}

/** A monitor only when asked for (context.monitoring) and the operator's CRDs exist. */
function renderMonitoring(
  context: RenderContext,
  owner: Owner,
  traits: TemplateTraits,
  notes: string[],
): RenderedObject[] {
  if (context.monitoring === undefined) return [];
  const kind = monitorKind(context.monitoring, traits.runtime);
  if (kind === undefined) return [];
  if (!context.capabilities.prometheusOperatorInstalled) {
    notes.push(
      `${kind} not rendered: the Prometheus Operator CRDs (monitoring.coreos.com/v1) are not installed`,
    );
    return [];
  }
  return [renderMonitor(owner, kind, context.monitoring, traits.runtime)];
}

function findClash(objects: readonly RenderedObject[]): string | undefined {
  const seen = new Set<string>();
  for (const object of objects) {
    const key = objectKey(object);
    if (seen.has(key)) return key;
    seen.add(key);
  }
  return undefined;
}
