// Labels and annotations the ingress puts on a DeploymentRecord, besides those of
// @oaas/crd. The package/class/env labels (label-safe forms, see labelValue) let people
// select records with `kubectl get dr -l oaas.io/package=...`; ListClassRuntimes uses
// field selectors instead, which match exactly.

export const packageLabel = "oaas.io/package";
export const classLabel = "oaas.io/class";
export const envLabel = "oaas.io/env";
export const managedByLabel = "app.kubernetes.io/managed-by";
export const managedByValue = "oaas-crm";
/** SHA-256 of the spec the ingress last applied: lets an identical redeploy skip the write. */
export const specHashAnnotation = "oaas.io/spec-hash";
/** SSA field manager of everything the ingress writes. */
export const ingressFieldManager = "oaas-crm-ingress";
