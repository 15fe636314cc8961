export {
  startWatcher,
  defaultLeaseName,
  defaultResyncIntervalMs,
  defaultWatchTimeoutSeconds,
  type Watcher,
  type WatcherOptions,
  type LeaderElectionOptions,
} from "./watcher.ts";
export type { Enqueue, EnqueueRetry, WatcherMetrics } from "./enqueuer.ts";
export type { LastRuns } from "./term.ts";
export { ownedChildKinds, type ChildKind } from "./kinds.ts";
export { recordChangeMatters, childAddMatters, childChange } from "./changes.ts";
export type { RecordHooks } from "../deployments/record-hooks.ts";
