export { KubeClient, type KubeClientOptions, type CallOptions, type KubeRequest } from "./client.ts";
export { loadKubeConfig } from "./config.ts";
export {
  KubeError,
  isKubeError,
  kindOfStatusCode,
  errorFromResponse,
  errorFromTransport,
  type KubeErrorKind,
  type KubeStatus,
} from "./errors.ts";
export {
  applyObject,
  applyObjectReportingCreate,
  getObject,
  listObjects,
  deleteObject,
  resourcePath,
  isMissingType,
  nodes,
  customResourceDefinitions,
  type ResourceType,
  type KubeObject,
  type KubeList,
  type ApplyOptions,
  type ListOptions,
  type DeleteOptions,
} from "./resources.ts";
