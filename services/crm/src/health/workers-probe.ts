// The I/O edge of workers-health.ts: counts each needed queue's workers with BullMQ's own
// Queue.getWorkers (CLIENT LIST, matched on the names BullMQ workers give their
// connections) and reads the watcher's Lease, then decides with workersVerdict. The
// answer is cached for a few seconds so GetEnvHealth stays cheap under frequent probes.
import { Queue } from "bullmq";
import { getObject, leases, type KubeClient, type Lease } from "@oaas/kube";
import { logQueueErrors, type QueueLogger, type QueueName, type RedisClient } from "@oaas/queue";
import { workersVerdict, type WorkerCount, type WorkersVerdict } from "./workers-health.ts";

export interface WorkersProbeOptions {
  readonly redis: RedisClient;
  /** BullMQ key prefix (config.redis.prefix): the workers' queues live under it. */
  readonly prefix: string;
  /** The queues that must have a worker (neededQueues). */
  readonly queues: readonly QueueName[];
  readonly kube: KubeClient;
  /** The watcher's Lease (the CRM's namespace and config.watcher.leaseName); absent: leader election off, not judged. */
  readonly lease?: { readonly namespace: string; readonly name: string };
  readonly logger: QueueLogger;
  /** How long one answer is reused, ms. Default 5 000. */
  readonly cacheMs?: number;
  /** Bound on each Redis or Kubernetes read, ms; past it the part is "unknown". Default 2 000. */
  readonly timeoutMs?: number;
}

export interface WorkersProbe {
  /** The verdict, at most cacheMs old. Never throws: what cannot be read is reported as unknown. */
  verdict(): Promise<WorkersVerdict>;
  /** Closes the Queue objects (not the shared connection). */
  close(): Promise<void>;
}

/** Starts nothing in the background: each verdict() past the cache age reads once (concurrent callers share it). */
export function workersProbe(options: WorkersProbeOptions): WorkersProbe {
  const cacheMs = options.cacheMs ?? 5000;
  const timeoutMs = options.timeoutMs ?? 2000;
  // Made at the first health call, so an ingress still starts (and connects to nothing)
  // while Redis is down. A Queue on a shared connection never closes that connection.
  let made: Queue[] | undefined;
  const open = (): Queue[] =>
    (made ??= options.queues.map((name) => {
      const queue = new Queue(name, { connection: options.redis, prefix: options.prefix });
      logQueueErrors(queue, options.logger, "env health queue error", { queue: name });
      return queue;
    }));
  let cached: { at: number; verdict: Promise<WorkersVerdict> } | undefined;
  const read = async (): Promise<WorkersVerdict> => {
    const queues = open();
    const workers = new Map<QueueName, WorkerCount>();
    const [counts, lease] = await Promise.all([
      Promise.all(queues.map((q) => countWorkers(q, timeoutMs))),
      options.lease ? readLease(options.kube, options.lease, timeoutMs) : Promise.resolve(undefined),
    ]);
    queues.forEach((q, i) => workers.set(q.name as QueueName, counts[i] as WorkerCount));
    return workersVerdict({
      workers,
      ...(lease !== undefined ? { lease } : {}),
      leaseName: options.lease ? `${options.lease.namespace}/${options.lease.name}` : "",
      nowMs: Date.now(),
    });
  };
  return {
    verdict() {
      const now = Date.now();
      if (!cached || now - cached.at >= cacheMs) cached = { at: now, verdict: read() };
      return cached.verdict;
    },
    close: async () => {
      await Promise.all((made ?? []).map((q) => q.close()));
    },
  };
}

/**
 * The queue's worker count. BullMQ answers a Redis without the CLIENT command (e.g. some
 * managed services) with one placeholder entry that has no client fields; that, an ACL
 * refusal or any other failure is "unknown", never a count.
 */
async function countWorkers(queue: Queue, timeoutMs: number): Promise<WorkerCount> {
  try {
    const workers = await withTimeout(queue.getWorkers(), timeoutMs, "Redis did not answer CLIENT LIST");
    if (workers.some((w) => w["addr"] === undefined && w["id"] === undefined))
      return { unknown: "Redis does not support CLIENT LIST" };
    return workers.length;
  } catch (error) {
    return { unknown: error instanceof Error ? error.message : String(error) };
  }
}

async function readLease(
  kube: KubeClient,
  at: { readonly namespace: string; readonly name: string },
  timeoutMs: number,
): Promise<Lease | null | { unknown: string }> {
  try {
    return (await getObject<Lease>(kube, leases, at.namespace, at.name, { timeoutMs })) ?? null;
  } catch (error) {
    return { unknown: error instanceof Error ? error.message : String(error) };
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  // The late answer (or failure) of `work` is observed by the race; nothing is left unhandled.
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
