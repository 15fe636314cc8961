export {
  KubeClient,
  type KubeClientOptions,
  type CallOptions,
  type KubeRequest,
  type StreamRequest,
  type KubeConfigSource,
} from "./client.ts";
export { loadKubeConfig } from "./config.ts";
export {
  LoadedKubeConfig,
  inClusterConfig,
  loadKubeConfigFrom,
  readKubeConfigFile,
  serviceAccountDir,
  type LoadOptions,
} from "./kubeconfig/loader.ts";
export {
  KubeConfigError,
  mergeKubeConfigs,
  parseKubeConfig,
  selectCurrent,
  type ClusterEntry,
  type ContextEntry,
  type ExecConfig,
  type KubeConfigDoc,
  type Selected,
  type UserEntry,
} from "./kubeconfig/model.ts";
export {
  ExecCredentialCache,
  parseExecCredential,
  runExecPlugin,
  type ExecCredentialStatus,
} from "./kubeconfig/exec-credential.ts";
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
  jsonPatchObject,
  jsonPointerToken,
  listObjects,
  deleteObject,
  resourcePath,
  isMissingType,
  nodes,
  pods,
  customResourceDefinitions,
  type ResourceType,
  type KubeObject,
  type KubeList,
  type ApplyOptions,
  type JsonPatchOperation,
  type JsonPatchOptions,
  type ListOptions,
  type DeleteOptions,
} from "./resources.ts";
export { backoffDelayMs, sleep, type BackoffOptions } from "./backoff.ts";
export * from "./informer/index.ts";
export * from "./lease/index.ts";
export {
  createEventRecorder,
  eventName,
  events,
  type EventInput,
  type EventRecorder,
  type EventRecorderOptions,
  type EventRegarding,
} from "./events.ts";
