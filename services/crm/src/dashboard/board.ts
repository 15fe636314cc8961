// Bull Board over the CRM's queues: one BullMQ Queue per name under the installation's key
// prefix, read-only unless writes are enabled, and a link from every job to the page of
// the record it names (jobs carry {namespace, name, ...}: RecordJob of @oaas/queue).
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { FastifyAdapter } from "@bull-board/fastify";
import { Queue } from "bullmq";
import { logQueueErrors, type QueueLogger, type RedisClient } from "@oaas/queue";
import { pathUnder } from "./html.ts";

export interface Board {
  readonly serverAdapter: FastifyAdapter;
  /** Closes the Queue objects (not the shared Redis connection). */
  close(): Promise<void>;
}

export interface BoardOptions {
  readonly redis: RedisClient;
  readonly prefix: string;
  readonly queueNames: readonly string[];
  /** Queues no role consumes, with why: described so, and no "No workers" warning. */
  readonly idleQueues?: ReadonlyMap<string, string>;
  /** What the browser sees, ending with "/". */
  readonly basePath: string;
  readonly readOnly: boolean;
  /** Where the queues' own errors go (connection errors: debug, the connection's monitor reports them). */
  readonly logger: QueueLogger;
}

/** The record page a job links to, or undefined when the job data names no record. */
export function recordLink(
  basePath: string,
  data: unknown,
): { href: string; displayText: string } | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const { namespace, name } = data as { namespace?: unknown; name?: unknown };
  if (typeof namespace !== "string" || typeof name !== "string" || !namespace || !name) return undefined;
  return {
    href: pathUnder(basePath, "records", namespace, name),
    displayText: `Record ${namespace}/${name}: status and history`,
  };
}

/**
 * A queue that no role of this CRM consumes (its role is not built or not enabled): Bull
 * Board warns "No workers" when a queue has none, which reads as an outage here. An
 * adapter that cannot tell its workers answers null, which the board shows as no warning;
 * the queue's description says why nothing consumes it.
 */
class UnconsumedQueueAdapter extends BullMQAdapter {
  override getWorkers(): Promise<null> {
    return Promise.resolve(null);
  }
}

/** "analyze · analyzer not built/enabled": the queue and the first clause of why it is idle. */
export function idleTitle(queue: string, why: string): string {
  return `${queue} · ${why.split(":")[0] ?? why}`;
}

export function createBoard(options: BoardOptions): Board {
  // A Queue on a shared connection never closes that connection (BullMQ's rule).
  const queues = options.queueNames.map((name) => {
    const queue = new Queue(name, { connection: options.redis, prefix: options.prefix });
    // Without a listener BullMQ console.error's every error event: one stack per retry.
    logQueueErrors(queue, options.logger, "dashboard queue error", { queue: name });
    return queue;
  });
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(options.basePath);
  createBullBoard({
    queues: queues.map((queue) => {
      const idle = options.idleQueues?.get(queue.name);
      const Adapter = idle === undefined ? BullMQAdapter : UnconsumedQueueAdapter;
      return new Adapter(queue, {
        // The card's title says it at a glance; the description says it in full.
        ...(idle === undefined ? {} : { description: idle, displayName: idleTitle(queue.name, idle) }),
        readOnlyMode: options.readOnly,
        allowRetries: !options.readOnly,
        prefix: "",
        externalJobUrl: (job) =>
          recordLink(options.basePath, job.data) ?? {
            href: pathUnder(options.basePath, "records"),
            displayText: "Records",
          },
      });
    }),
    serverAdapter,
    options: {
      uiConfig: {
        boardTitle: "OaaS CRM queues",
        hideDocsLink: true,
        miscLinks: [{ text: "Records not Available", url: pathUnder(options.basePath, "records") }],
      },
    },
  });
  return {
    serverAdapter,
    close: async () => {
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}
