import type { RedisClient } from "./connection.ts";
import { queueDefaults } from "./defaults.ts";
import { historyKey } from "./keys.ts";
import type { HistoryEntry, HistorySink } from "./types.ts";

export interface HistoryOptions {
  readonly connection: RedisClient;
  /** Key prefix; default "oaas" (the same prefix as the queues keeps one Cluster slot). */
  readonly prefix?: string;
  /** Entries kept per record (exact). Default 100. */
  readonly maxEntries?: number;
}

export interface History extends HistorySink {
  /** The record's entries, oldest first; with `limit`, the newest `limit` of them (still oldest first). */
  read(namespace: string, name: string, options?: { readonly limit?: number }): Promise<HistoryEntry[]>;
  /** Deletes the record's history (after the record itself is gone, if wanted). */
  remove(namespace: string, name: string): Promise<void>;
}

/**
 * Each record's capped, append-only history: one Redis stream per record,
 * `<prefix>:history:<namespace>/<name>`, one JSON entry per stream item, trimmed to exactly
 * maxEntries on every append (exact MAXLEN, not "~": with Redis' 100-entry stream nodes
 * "~" would keep up to 100 more than asked; trimming one entry per append is cheap).
 * Stream ids give the order, so entries from many workers read back in the order Redis
 * received them.
 */
export function createHistory(options: HistoryOptions): History {
  const prefix = options.prefix ?? queueDefaults.prefix;
  const maxEntries = options.maxEntries ?? queueDefaults.historyMaxEntries;
  const redis = options.connection;
  return {
    append: async (namespace, name, entry) => {
      await redis.xadd(
        historyKey(prefix, namespace, name),
        "MAXLEN",
        maxEntries,
        "*",
        "entry",
        JSON.stringify(entry),
      );
    },
    read: async (namespace, name, readOptions = {}) => {
      const key = historyKey(prefix, namespace, name);
      const limit = readOptions.limit;
      if (limit !== undefined && limit <= 0) return [];
      const items =
        limit === undefined
          ? await redis.xrange(key, "-", "+")
          : (await redis.xrevrange(key, "+", "-", "COUNT", limit)).reverse();
      return items.flatMap(([, fields]) => {
        const index = fields.indexOf("entry");
        const raw = index >= 0 ? fields[index + 1] : undefined;
        return raw === undefined ? [] : [JSON.parse(raw) as HistoryEntry];
      });
    },
    remove: async (namespace, name) => {
      await redis.del(historyKey(prefix, namespace, name));
    },
  };
}
