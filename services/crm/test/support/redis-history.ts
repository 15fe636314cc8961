// A record history on real Redis for the dashboard tests, written and read through the
// dashboard's HistoryReader shape until @oaas/queue's own store lands (then use that one).
// One capped list per record, newest first.
import type { HistoryEntry } from "@oaas/queue";
import type { Redis } from "ioredis";
import type { HistoryReader } from "../../src/dashboard/history.ts";

export interface TestHistory extends HistoryReader {
  append(namespace: string, name: string, entry: HistoryEntry): Promise<void>;
}

export function redisTestHistory(redis: Redis, prefix: string, cap = 1000): TestHistory {
  const key = (namespace: string, name: string) => `${prefix}:history:${namespace}/${name}`;
  return {
    async append(namespace, name, entry) {
      await redis
        .multi()
        .lpush(key(namespace, name), JSON.stringify(entry))
        .ltrim(key(namespace, name), 0, cap - 1)
        .exec();
    },
    async read(namespace, name, options = {}) {
      const items = await redis.lrange(key(namespace, name), 0, (options.limit ?? cap) - 1);
      return items.map((item) => JSON.parse(item) as HistoryEntry);
    },
  };
}
