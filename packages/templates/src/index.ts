// @oaas/templates: a DeploymentRecord plus a RenderContext becomes the desired Kubernetes
// objects and an explanation of the template choice. Pure: no I/O, clock or env reads.
export { render, defaultCpuTarget, odgmAddon, type Rendered, type RenderResult } from "./render.ts";
export {
  defaultOdgmImages,
  defaultRenderContext,
  type Capabilities,
  type MonitoringOptions,
  type Profile,
  type RenderContext,
  type RenderFeatures,
  type ScrapeKind,
} from "./context.ts";
export { resolveTemplateName, knownTemplateNames, templateNames, type TemplateName } from "./registry.ts";
export { isPreconditionError, type RenderError, type RenderErrorCode, type Result } from "./errors.ts";
export { checkResources, type Resources } from "./resources.ts";
export { validateSpec, maxCpuTarget } from "./validate.ts";
export { planFunctions, shorthandFunctionKey, defaultPort, type FunctionPlan } from "./functions.ts";
export { selectTemplate, knativeAvailable, type Selection } from "./select.ts";
export { scoreTemplates, mergeSignals, type Scores, type Signals } from "./scoring.ts";
export { templateTraits, enforcerOwnsReplicas, enforcerOwns, type TemplateTraits } from "./traits.ts";
export { componentLabel, appLabel } from "./meta.ts";
export { odgmPort, defaultShardType, type CollectionEntry } from "./odgm.ts";
export { minScaleAnnotation, maxScaleAnnotation } from "./knative.ts";
export {
  objectKey,
  type RenderedObject,
  type KnativeService,
  type ServiceMonitor,
  type PodMonitor,
} from "./objects.ts";
export { knativeReservedPorts, knativeReservedEnv, knativeMaxConcurrency } from "./knative-rules.ts";
export { defaultHpaCpuRequest } from "./workload.ts";
export { restrictedContainerSecurity, restrictedPod } from "./pod-security.ts";
export { knativeUserPort, monitorPodTargetLabels } from "./monitoring.ts";
