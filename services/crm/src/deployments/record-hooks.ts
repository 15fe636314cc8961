// What else the leading watcher tells about records coming and going, beside reconcile
// jobs: the analyzer's per-record schedules hang on it (services/crm/src/analyzer/
// schedule-sync.ts). Called from the record informer's handlers, one at a time and in
// order; a hook must not throw or block (it queues its own I/O).
import type { DeploymentRecord } from "@oaas/crd";

export interface RecordHooks {
  /** A record was listed or added, or changed (not deleting). */
  present(record: DeploymentRecord): void;
  /** A record was deleted, or is being deleted (deletionTimestamp set). */
  gone(record: DeploymentRecord): void;
  /**
   * Every resync sweep (resync.ts), with the records the cache holds: whatever the hook
   * keeps for a record no longer there goes (events lost while no watcher led).
   */
  sweep(records: readonly DeploymentRecord[]): void;
  /** The term ends (leadership lost, shutdown): resolves when queued work is done. */
  drain(): Promise<void>;
}
