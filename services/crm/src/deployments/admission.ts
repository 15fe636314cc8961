// Deploy's admission by the renderer's own rules: the ingress renders the record it is
// about to store, with the same render() the reconciler runs, so "Deploy answers OK"
// implies "the record renders". Kubernetes' ranges, quantity syntax, env names and
// Knative's webhook rules all live in @oaas/templates; nothing is re-implemented here.
//
// The reconciler renders with the capabilities it detects on the cluster at the time
// (Knative CRDs present or not), which may differ from now; so admission renders under
// every capability the CRM's configuration allows, and a unit passes only if each of
// those renders succeeds. A precondition about the cluster (an explicitly selected
// knative template while the Knative CRDs are missing) is not the unit's fault: the
// reconciler reports it as a condition, and Deploy does not refuse it.
import { recordName, type DeploymentRecord } from "@oaas/crd";
import { isPreconditionError, render, type RenderContext, type RenderError } from "@oaas/templates";
import { DeploymentError, type FieldError } from "./errors.ts";

/** What admission needs of the CRM configuration (a subset of @oaas/config's CrmConfig). */
export interface AdmissionConfig {
  readonly profile: RenderContext["profile"];
  readonly features: { readonly odgm: boolean; readonly hpa: boolean; readonly knative: boolean };
  readonly odgmImage?: string;
}

/** Placeholder owner uid: render needs one for owner references; its value changes nothing checked. */
const placeholderUid = "00000000-0000-4000-8000-000000000000";

/** The render contexts a record may meet on this CRM: with and without Knative installed when the flag is on. */
export function admissionContexts(config: AdmissionConfig): RenderContext[] {
  const knative = config.features.knative ? [false, true] : [false];
  return knative.map((knativeInstalled) => ({
    profile: config.profile,
    features: { odgm: config.features.odgm, hpa: config.features.hpa, knative: config.features.knative },
    capabilities: { knativeInstalled, prometheusOperatorInstalled: true },
    ...(config.odgmImage !== undefined ? { odgmImage: config.odgmImage } : {}),
  }));
}

/**
 * Renders `record` under every context; throws DeploymentError INVALID_ARGUMENT with the
 * wire field path of the first render error (FAILED_PRECONDITION for an unknown template).
 */
export function admit(record: DeploymentRecord, contexts: readonly RenderContext[]): void {
  const withUid: DeploymentRecord = {
    ...record,
    metadata: { ...record.metadata, name: record.metadata.name || recordName(""), uid: placeholderUid },
  };
  for (const context of contexts) {
    const result = render(withUid, context);
    if (result.ok) continue;
    const { error } = result;
    if (error.code === "TemplateUnavailable" && !context.capabilities.knativeInstalled) continue;
    throw toDeploymentError(error);
  }
}

function toDeploymentError(error: RenderError): DeploymentError {
  const field: FieldError = { field: wireField(error.path), message: error.message };
  if (isPreconditionError(error.code)) {
    return new DeploymentError("failedPrecondition", `${field.field}: ${field.message}`, [field]);
  }
  return new DeploymentError("invalidArgument", `${field.field}: ${field.message}`, [field]);
}

/** A record path ("spec.functions[0].config.X") as the request field ("deployment_unit.functions[0].config.X"). */
export function wireField(path: string): string {
  if (path === "spec.selected_template") return "x-template";
  if (path.startsWith("spec.deployment_id"))
    return `deployment_unit.id${path.slice("spec.deployment_id".length)}`;
  if (path.startsWith("spec.")) return `deployment_unit.${path.slice("spec.".length)}`;
  return path;
}
