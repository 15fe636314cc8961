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
export { textIntegerProblems } from "./query-text.ts";
export { keyProblem, maxKeyLength, keySchema, keyKeyword, keyDescription } from "./keys.ts";
export {
  bounds,
  boundedNumber,
  maxPartitionCount,
  maxPageSize,
  defaultPageSize,
  type NumberBound,
} from "./bounds.ts";
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
export {
  mappingStates,
  unknownOutcomeMessage,
  type MappingState,
  type ClusterMapping,
  type DeployAnswer,
  type ClusterDeployAnswer,
} from "./mapping.ts";
export { allow, refuse, type Refusal, type Decided } from "./refusal.ts";
export {
  replaceable,
  generationRefusal,
  admitDispatch,
  pendingRefusal,
  pendingDeployment,
  unitCreatedAtMs,
  unknownClusterErrors,
  sizingSignals,
  type DispatchOptions,
  type DispatchGiven,
  type Admitted,
  type HealthFigures,
} from "./dispatch.ts";
export {
  rollbackTargets,
  dispatchVerdict,
  dispatchedDeployment,
  type RollbackPolicy,
  type DispatchedUnit,
  type DispatchAnswers,
  type DispatchVerdict,
} from "./dispatch-outcome.ts";
export {
  deleteTargets,
  deleteVerdict,
  type DeleteTarget,
  type DeleteGiven,
  type DeleteAnswer,
  type ClusterDeleteAnswer,
  type DeleteVerdict,
} from "./delete-plan.ts";
export {
  summaryName,
  mayResend,
  failedAfterRead,
  resentMapping,
  resentObservation,
  settleChanges,
  settledWrite,
  type Resend,
  type SettleJudgement,
} from "./settle.ts";
export { interruptedMessage, isInterrupted, interruptedWrite } from "./interrupted.ts";
export {
  unknownClusterRefusal,
  historyTargets,
  historyClusters,
  nfrClusters,
  statusTarget,
  type ReadTarget,
} from "./read-targets.ts";
export {
  classifyCrmFailure,
  codeName,
  crmAnswerClasses,
  grpcCode,
  type CrmFailure,
  type FailureBlame,
  type FailureClass,
  type FailureVerdict,
  type GrpcCodeName,
} from "./crm-failure.ts";
export { afterPage, afterTooLarge, firstPage, firstPageLimit, type PageAsk } from "./list-paging.ts";
