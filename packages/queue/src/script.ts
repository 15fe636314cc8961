import { createHash } from "node:crypto";
import type { RedisClient } from "./connection.ts";

/** A Lua script run by EVALSHA, loaded with EVAL the first time a server lacks it. */
export function luaScript(
  source: string,
): (redis: RedisClient, keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown> {
  const sha = createHash("sha1").update(source).digest("hex");
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return redis.eval(source, keys.length, ...keys, ...args);
    }
  };
}
