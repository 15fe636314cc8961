// `crm history <deployment-id>`: a record's history from Redis, oldest first, as a table
// (or JSON lines with -o json); its arguments are parsed in ../command-line.ts. The same
// reader the dashboard uses (packages/queue).
import type { CrmConfig } from "@oaas/config";
import { recordName } from "@oaas/crd";
import { createHistory, type HistoryEntry } from "@oaas/queue";
import { queueRedisClient } from "./queue-redis.ts";

/** `crm history` options as given; the namespace defaults to the CRM's configured one. */
export interface HistoryOptions {
  readonly namespace?: string;
  /** Newest entries to print, at least 1; all when absent. */
  readonly limit?: number;
  /** "json": one JSON object a line; anything else: the table. */
  readonly output?: string;
}

/**
 * Prints the history of `id` (options parsed by command-line.ts); returns the exit code:
 * 0 printed, 1 Redis cannot be read, 3 no history for the id (never deployed in the
 * namespace, or deleted).
 */
export async function printHistory(config: CrmConfig, id: string, options: HistoryOptions): Promise<number> {
  const { limit } = options;
  const namespace = options.namespace ?? config.namespace;
  let redis;
  try {
    redis = queueRedisClient(config, "producer", undefined);
  } catch (error) {
    console.error(`crm history: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  redis.on("error", () => undefined); // reported through the failed command below
  try {
    await redis.connect();
    const history = createHistory({ connection: redis, prefix: config.redis.prefix });
    const entries = await history.read(namespace, recordName(id), limit === undefined ? {} : { limit });
    if (entries.length === 0) {
      console.error(`crm history: no history for ${id} in namespace ${namespace}`);
      return 3;
    }
    if (options.output === "json") {
      for (const entry of entries) console.log(JSON.stringify(entry));
    } else {
      for (const entry of entries) console.log(formatEntry(entry));
    }
    return 0;
  } catch (error) {
    console.error(
      `crm history: cannot read Redis: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  } finally {
    redis.disconnect();
  }
}

/** One line: time, type, generation, the message, changed objects, correlation id. */
export function formatEntry(entry: HistoryEntry): string {
  const parts = [entry.time, entry.type.padEnd(14), `gen=${entry.generation ?? "-"}`, entry.message];
  if (entry.reason) parts.push(`reason=${entry.reason}`);
  if (entry.objects?.length) parts.push(`objects=${entry.objects.join(",")}`);
  if (entry.correlationId) parts.push(`correlation_id=${entry.correlationId}`);
  if (entry.workerId) parts.push(`worker=${entry.workerId}`);
  return parts.join("  ");
}
