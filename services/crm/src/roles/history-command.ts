// `crm history <deployment-id>`: a record's history from Redis, oldest first, as a table
// (or JSON lines with -o json). The same reader the dashboard uses (packages/queue).
import { parseArgs } from "node:util";
import type { CrmConfig } from "@oaas/config";
import { recordName } from "@oaas/crd";
import { createHistory, type HistoryEntry } from "@oaas/queue";
import { queueRedisClient } from "./queue-redis.ts";

/**
 * Prints the history; returns the exit code: 0 printed, 1 Redis cannot be read, 2 bad
 * usage, 3 no history for the id (never deployed in the namespace, or deleted).
 */
export async function printHistory(config: CrmConfig, args: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        namespace: { type: "string", short: "n" },
        limit: { type: "string" },
        output: { type: "string", short: "o" },
      },
    });
  } catch (error) {
    console.error(`crm history: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const id = parsed.positionals[0];
  if (id === undefined || id === "") {
    console.error("usage: crm history <deployment-id> [--namespace ns] [--limit n] [-o json]");
    return 2;
  }
  const limit = parsed.values.limit === undefined ? undefined : Number(parsed.values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    console.error("crm history: --limit must be a whole number above 0");
    return 2;
  }
  const namespace = parsed.values.namespace ?? config.namespace;
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
    if (parsed.values.output === "json") {
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
