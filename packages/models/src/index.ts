export * from "./types.ts";
export * from "./schema.ts";
export {
  decodePackage,
  decodeDeployment,
  fieldPath,
  schemaErrors,
  ajvOptions,
  createAjv,
  type Decoded,
} from "./decode.ts";
export { keyProblem, maxKeyLength, keySchema, keyKeyword, keyDescription } from "./keys.ts";
export { bounds, boundedNumber, maxPartitionCount, maxPageSize, type NumberBound } from "./bounds.ts";
export { validatePackage, validateDeployment, type KnownPackages } from "./validate.ts";
export {
  sizeReplicas,
  strongReplicas,
  quorumAvailability,
  clusterAvailability,
  maxReplicas,
  defaultTargetAvailability,
  SizingError,
  type ClusterSignal,
  type Sizing,
} from "./sizing.ts";
export {
  resolveDeployment,
  planUnits,
  buildUnits,
  unitId,
  defaultDeploymentKey,
  type UnitSpec,
  type PlannedUnit,
  type Plan,
  type Resolved,
} from "./planning.ts";
export { conditionFromClusters, type ClusterObservation, type ConditionVerdict } from "./condition.ts";
