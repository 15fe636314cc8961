// Whether the CRM's background roles are running, as GetEnvHealth reports it: a queue the
// CRM needs with no worker, or a watcher Lease nobody renews, makes the environment
// DEGRADED with a message naming what is missing. Pure: the gatherer (workers-probe.ts)
// reads worker counts and the Lease; this file decides.
import type { Lease } from "@oaas/kube";
import { queueConsumers, queueNames, type QueueName } from "@oaas/queue";

/** What a count of a queue's workers can be: a number, or unknown (Redis refused CLIENT LIST, or failed). */
export type WorkerCount = number | { readonly unknown: string };

/** What the gatherer found. */
export interface WorkersInput {
  /** Workers connected to each queue the CRM needs (see neededQueues). */
  readonly workers: ReadonlyMap<QueueName, WorkerCount>;
  /**
   * The watcher's Lease in the CRM's namespace: the object, null when it does not exist,
   * or unknown (read failed); undefined when leader election is off (no Lease to judge).
   */
  readonly lease?: Lease | null | { readonly unknown: string };
  /** The Lease's namespace/name, for the message. */
  readonly leaseName: string;
  /** Now, ms since the epoch (renewTime is judged against it). */
  readonly nowMs: number;
}

export interface WorkersVerdict {
  readonly status: "HEALTHY" | "DEGRADED";
  /** Why DEGRADED, or what could not be checked; undefined when all is known and well. */
  readonly message?: string;
}

/**
 * The queues this CRM needs consumed: reconcile always; analyze when the analyzer is on
 * (features.prometheus, the role's own condition in program.ts); enforce when
 * features.nfrEnforcement.
 */
export function neededQueues(features: {
  readonly prometheus: boolean;
  readonly nfrEnforcement: boolean;
}): QueueName[] {
  return [
    queueNames.reconcile,
    ...(features.prometheus ? [queueNames.analyze] : []),
    ...(features.nfrEnforcement ? [queueNames.enforce] : []),
  ];
}

/**
 * Whether a watcher holds the Lease now: a holder, and renewTime + leaseDurationSeconds
 * not yet past. Judged on this process's clock against the holder's renewTime, so clock
 * skew beyond the lease duration can misjudge it; good enough for a health message.
 */
export function leaseCurrent(lease: Lease, nowMs: number): boolean {
  const holder = lease.spec?.holderIdentity ?? "";
  const renew = Date.parse(lease.spec?.renewTime ?? "");
  const durationMs = (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
  return holder !== "" && Number.isFinite(renew) && renew + durationMs > nowMs;
}

/**
 * DEGRADED when a needed queue has no worker or no watcher holds a current Lease, the
 * message naming each missing part and the role to start. An unknown count or Lease is
 * not DEGRADED (nothing is known to be missing) but is mentioned in the message.
 */
export function workersVerdict(input: WorkersInput): WorkersVerdict {
  const missing: string[] = [];
  const unknown: string[] = [];
  for (const [queue, count] of input.workers) {
    const role = queueConsumers[queue];
    if (typeof count !== "number") unknown.push(`workers of queue ${queue}: ${count.unknown}`);
    else if (count === 0) missing.push(`no worker consumes queue ${queue} (is \`crm ${role}\` running?)`);
  }
  const lease = input.lease;
  if (lease === null)
    missing.push(`no watcher: Lease ${input.leaseName} does not exist (is \`crm watcher\` running?)`);
  else if (lease !== undefined && "unknown" in lease)
    unknown.push(`watcher Lease ${input.leaseName}: ${lease.unknown}`);
  else if (lease !== undefined && !leaseCurrent(lease, input.nowMs))
    missing.push(
      `no watcher: Lease ${input.leaseName} ${lease.spec?.holderIdentity ? `expired (last renewed ${lease.spec.renewTime ?? "never"})` : "is released"} (is \`crm watcher\` running?)`,
    );
  const notes = [...missing, ...(unknown.length ? [`could not check ${unknown.join("; ")}`] : [])];
  return {
    status: missing.length ? "DEGRADED" : "HEALTHY",
    ...(notes.length ? { message: notes.join("; ") } : {}),
  };
}

const rank = { HEALTHY: 0, DEGRADED: 1, UNHEALTHY: 2 } as const;

/**
 * The environment's status and message: the worse of the nodes' status and the workers'
 * verdict (absent: not checked), the message naming every cause (nodes first).
 */
export function combinedHealth(
  nodes: { readonly status: keyof typeof rank; readonly readyNodes: number; readonly nodeCount: number },
  workers: WorkersVerdict | undefined,
): { status: keyof typeof rank; message?: string } {
  const status = workers && rank[workers.status] > rank[nodes.status] ? workers.status : nodes.status;
  const notes = [
    ...(nodes.status === "HEALTHY" ? [] : [`${nodes.readyNodes} of ${nodes.nodeCount} nodes ready`]),
    ...(workers?.message ? [workers.message] : []),
  ];
  return { status, ...(notes.length ? { message: notes.join("; ") } : {}) };
}
