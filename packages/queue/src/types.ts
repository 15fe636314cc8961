// The contract every producer (watcher, ingress) and worker (reconciler, analyzer,
// enforcer) of the CRM's queues agrees on. Level-based: a job names a record, never a
// diff; the handler always re-reads the record (controller-runtime's reconcile contract).

/** The CRM's queues. Names are part of Redis keys: never rename one in place. */
export const queueNames = {
  reconcile: "reconcile",
  analyze: "analyze",
  enforce: "enforce",
} as const;
export type QueueName = (typeof queueNames)[keyof typeof queueNames];

/** The CRM role (`crm <role>`) whose workers consume each queue. */
export const queueConsumers: Readonly<Record<QueueName, string>> = {
  [queueNames.reconcile]: "reconciler",
  [queueNames.analyze]: "analyzer",
  [queueNames.enforce]: "enforcer",
};

/** Why a job was enqueued. Only for logs, metrics and history: handlers never branch on it. */
export type JobReason =
  | "record-added"
  | "record-updated"
  | "record-deleted"
  | "child-changed"
  | "child-deleted"
  | "startup"
  | "resync"
  | "requeue"
  | "manual"
  /** An analysis produced recommendations (the enforce queue). */
  | "analyzed";

/** A job payload: which record, never what changed. */
export interface RecordJob {
  readonly namespace: string;
  readonly name: string;
  /** metadata.uid of the record when the event was seen; a handler skips a record whose uid differs (deleted and recreated). */
  readonly uid: string;
  readonly reason: JobReason;
  /** x-correlation-id of the request that caused it, when known (the record's annotation). */
  readonly correlationId?: string;
  /** W3C traceparent of the span that caused it, so the work is a child of the Deploy. */
  readonly traceparent?: string;
}

/**
 * The job's lane (lanes.ts), highest first:
 * - health: a child's health changed; the run mostly writes the record's status, which
 *   must not wait behind hundreds of first applies;
 * - live: a change that needs an apply (a Deploy, a spec change, a child edited or
 *   deleted);
 * - background: startup lists and periodic resyncs, so a full relist of thousands of
 *   records never delays a user's Deploy.
 */
export type JobPriority = "health" | "live" | "background";

/**
 * What a handler decided (controller-runtime's Result + TerminalError; kube-rs Action).
 * Mapped onto BullMQ in exactly one place (the worker factory):
 * - done: finished; the job completes.
 * - requeueAfter: finished for now, look again after `ms` (capped to the timer range).
 * - retry: a transient failure (conflict, unavailable, timeout, 429); retried with
 *   exponential backoff and jitter, bounded attempts; then counts as failed.
 * - terminal: retrying cannot help (invalid spec, forbidden, name conflict); not retried.
 */
export type ReconcileResult =
  | { readonly kind: "done" }
  | { readonly kind: "requeueAfter"; readonly ms: number; readonly why?: string }
  | { readonly kind: "retry"; readonly error: Error }
  | { readonly kind: "terminal"; readonly error: Error; readonly reason?: string };

export const done: ReconcileResult = { kind: "done" };
export const requeueAfter = (ms: number, why?: string): ReconcileResult =>
  why === undefined ? { kind: "requeueAfter", ms } : { kind: "requeueAfter", ms, why };
export const retry = (error: Error): ReconcileResult => ({ kind: "retry", error });
export const terminal = (error: Error, reason?: string): ReconcileResult =>
  reason === undefined ? { kind: "terminal", error } : { kind: "terminal", error, reason };

/** What a handler gets besides the job. */
export interface JobContext {
  /** BullMQ job id. */
  readonly jobId: string;
  /** 1 on the first run of this job, 2 on its first retry, ... */
  readonly attempt: number;
  /** Identifies the worker process and slot, e.g. "reconciler-<hostname>-<pid>". */
  readonly workerId: string;
  /** Fires on graceful shutdown (or when the job's lock is lost): stop and return "retry". */
  readonly signal: AbortSignal;
}

export type JobHandler = (job: RecordJob, context: JobContext) => Promise<ReconcileResult>;

/** Kinds of history entries of a record (README.md architecture notes). */
export type HistoryType =
  | "accepted"
  | "rendered"
  | "applied"
  | "drift-repaired"
  | "pruned"
  | "deleted"
  | "delete-requested"
  | "failed"
  | "recommended"
  | "enforced";

/** One entry of a record's capped, append-only history. */
export interface HistoryEntry {
  readonly type: HistoryType;
  /** RFC 3339 with milliseconds: when the step finished. */
  readonly time: string;
  /** RFC 3339 with milliseconds: when the reconcile that wrote it started (for overlap checks). */
  readonly startedAt?: string;
  readonly generation?: number;
  readonly correlationId?: string;
  readonly workerId?: string;
  /** Machine-readable reason (a condition reason) for failed/deleted entries. */
  readonly reason?: string;
  /** For a person. */
  readonly message: string;
  /** Objects touched, "Kind/name", e.g. the children an apply changed. */
  readonly objects?: readonly string[];
  /**
   * Structured data behind the message, as JSON, for tools (e.g. an NFR decision: its
   * inputs and the chain of checks, services/crm/src/enforcer/history-entries.ts).
   */
  readonly details?: Readonly<Record<string, unknown>>;
}

/** Appends to and reads a record's history; one implementation (Redis) in this package. */
export interface HistorySink {
  append(namespace: string, name: string, entry: HistoryEntry): Promise<void>;
}
