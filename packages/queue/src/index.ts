// @oaas/queue: the CRM's work queues in Redis (BullMQ) and record history.
export * from "./types.ts";
export { queueDefaults } from "./defaults.ts";
export {
  bullmqPriority,
  bullmqPriorities,
  higherPriority,
  jobPriorities,
  priorityOfBullmq,
} from "./lanes.ts";
export {
  createRedisConnection,
  assertPrefixFits,
  RedisUrlError,
  type RedisConnectionOptions,
  type RedisClient,
} from "./connection.ts";
export { watchRedis, logQueueErrors, isConnectionError, type ErrorEmitter } from "./connection-events.ts";
export { checkRedis, RedisConfigError, type RedisCheck } from "./check.ts";
export {
  createRecordQueue,
  type RecordQueue,
  type RecordQueueOptions,
  type EnqueueOptions,
  type EnqueueOutcome,
} from "./producer.ts";
export {
  startRecordWorker,
  type RecordWorker,
  type RecordWorkerOptions,
  type ResultHook,
  type PostponeReason,
  type Settled,
} from "./worker.ts";
export type { QueueLogger } from "./logger.ts";
export { createHistory, type History, type HistoryOptions } from "./history.ts";
export { backoffDelay, capDelay, type BackoffOptions } from "./delays.ts";
export type { RateLimitOptions } from "./rate-limit.ts";
export { leaseKey, lastRunKey, recordId } from "./keys.ts";
export { markRun, readLastRuns, type RecordName } from "./last-run.ts";
