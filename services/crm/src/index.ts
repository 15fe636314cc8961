export { startIngress, type Ingress, type IngressDeps } from "./ingress/ingress.ts";
export {
  DeploymentsService,
  type RequestScope,
  type DeployInput,
  type DeployResult,
} from "./deployments/service.ts";
export { unitToSpec, specToUnit } from "./ingress/convert.ts";
export { desiredRecord } from "./deployments/record.ts";
export { ingressFieldManager } from "./deployments/labels.ts";
export { deploymentRecords } from "./deployments/record-resource.ts";
export { applyCrds } from "./crds.ts";
export { detectCapabilities, renderContextFor } from "./reconciler/capabilities.ts";
export { deploymentHealth, knativeHealth, type WorkloadHealth } from "./children/workload-health.ts";
export type { LiveObject } from "./children/live-object.ts";
// The one-port listener (gRPC over HTTP/2 and plain HTTP/1.1 routes): the PM's tests serve stand-in CRMs on it.
export { listen, type Listener } from "./ingress/listener.ts";
