import type { RedisClient } from "./connection.ts";
import { queueDefaults } from "./defaults.ts";
import { bucketEmptyKey, bucketKey } from "./keys.ts";
import { luaScript } from "./script.ts";

/** Per-record token bucket. */
export interface RateLimitOptions {
  /** Tokens added per second (sustained runs per second of one record). Default 1. */
  readonly ratePerSec?: number;
  /** Bucket size (runs one record may do back to back). Default 5. */
  readonly burst?: number;
}

// Token bucket in one script so concurrent workers never both take the last token.
// Time comes from the Redis server (TIME), so worker clocks need not agree.
// KEYS[1] bucket hash {tokens, ts}; KEYS[2] "empty" marker read by producers.
// ARGV[1] rate (tokens/s), ARGV[2] burst. Returns 0 when a token was taken, else the
// ms until one is available. Keys expire once the bucket would be full again.
const takeToken = luaScript(`
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', now)
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * 1000 / rate) + 1000)
if tokens < 1 then
  redis.call('SET', KEYS[2], '1', 'PX', math.max(1, math.ceil((1 - tokens) * 1000 / rate)))
end
return wait
`);

/**
 * Takes one token from the record's bucket.
 * @returns 0 when the run may go ahead, else the ms to wait (delay the job, never drop it).
 */
export async function takeRecordToken(
  redis: RedisClient,
  prefix: string,
  queue: string,
  record: string,
  options: RateLimitOptions = {},
): Promise<number> {
  const rate = options.ratePerSec ?? queueDefaults.ratePerSec;
  const burst = options.burst ?? queueDefaults.burst;
  if (!(rate > 0) || !(burst >= 1))
    throw new RangeError(`rate limit needs ratePerSec > 0 and burst >= 1 (got ${rate}, ${burst})`);
  const wait = await takeToken(
    redis,
    [bucketKey(prefix, queue, record), bucketEmptyKey(prefix, queue, record)],
    [rate, burst],
  );
  return Number(wait);
}
