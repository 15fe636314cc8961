// The grammar of OPRC_CRM_REDIS_URL, one Redis topology per scheme, and the Redis
// Cluster hash-tag rule. Pure: the queue package builds its ioredis client from the
// RedisTarget this returns, so the URL means the same in validation and at connect.
import type { Parsed } from "./parsed.ts";

/** How the CRM reaches Redis. */
export type RedisTopology = "standalone" | "cluster" | "sentinel";

export interface RedisNode {
  readonly host: string;
  readonly port: number;
}

/** A parsed OPRC_CRM_REDIS_URL. */
export interface RedisTarget {
  readonly topology: RedisTopology;
  /** TLS to every node (`rediss` schemes); sentinels too, in sentinel mode. */
  readonly tls: boolean;
  /** standalone: the one server; cluster: startup nodes (any masters or replicas); sentinel: the sentinels. */
  readonly nodes: readonly RedisNode[];
  /** ACL user of the data nodes (from the URL), if any. */
  readonly username?: string;
  /** Password of the data nodes (from the URL), if any. Never log it. */
  readonly password?: string;
  /** Database number; always 0 on a cluster (Redis Cluster has only database 0). */
  readonly db: number;
  /** sentinel: the monitored master's name. */
  readonly masterName?: string;
}

const defaultPorts: Readonly<Record<RedisTopology, number>> = {
  standalone: 6379,
  cluster: 6379,
  sentinel: 26379,
};

const schemes: Readonly<Record<string, { topology: RedisTopology; tls: boolean }>> = {
  redis: { topology: "standalone", tls: false },
  rediss: { topology: "standalone", tls: true },
  "redis+cluster": { topology: "cluster", tls: false },
  "rediss+cluster": { topology: "cluster", tls: true },
  "redis+sentinel": { topology: "sentinel", tls: false },
  "rediss+sentinel": { topology: "sentinel", tls: true },
};

/** The allowed shapes, for error messages and the README. */
export const redisUrlForms =
  "redis://[user:password@]host[:port][/db], rediss://... (TLS), " +
  "redis+cluster://[user:password@]host:port,host:port,... (Redis Cluster startup nodes), " +
  "redis+sentinel://[user:password@]host:port,host:port,.../mastername[/db] (Sentinels), " +
  "rediss+cluster:// and rediss+sentinel:// (TLS)";

const shape = /^([a-z+]+):\/\/(?:([^@/?#]*)@)?([^/?#]*)(\/[^?#]*)?([?#].*)?$/;

/**
 * Parses a Redis URL of any supported topology (see redisUrlForms). Default ports: 6379
 * for data nodes, 26379 for sentinels. Query strings are refused (nothing reads them,
 * so a setting put there would silently do nothing). Credentials are percent-decoded.
 */
export function parseRedisTarget(raw: string): Parsed<RedisTarget> {
  const fail = (reason: string): Parsed<RedisTarget> => ({
    ok: false,
    reason: `${reason}; allowed: ${redisUrlForms}`,
  });
  const match = shape.exec(raw);
  if (match === null) return fail("not a URL");
  const [, scheme = "", userinfo, hostList = "", path = "", rest] = match;
  const kind = schemes[scheme];
  if (kind === undefined) return fail(`scheme ${scheme}: not allowed`);
  if (rest !== undefined) return fail("query strings and fragments are not read");
  const nodes: RedisNode[] = [];
  for (const part of hostList.split(",")) {
    const node = parseNode(part, defaultPorts[kind.topology]);
    if (node === undefined) return fail(`"${part}" is not host[:port]`);
    nodes.push(node);
  }
  if (kind.topology === "standalone" && nodes.length !== 1) return fail("redis:// names exactly one host");
  const segments = path.split("/").filter((s) => s !== "");
  let masterName: string | undefined;
  if (kind.topology === "sentinel") {
    masterName = segments.shift();
    if (masterName === undefined) return fail("the URL names no master (…/mastername)");
  }
  if (segments.length > 1) return fail(`path ${path}: only [/db] may follow`);
  const dbText = segments[0];
  if (dbText !== undefined && kind.topology === "cluster")
    return fail("a Redis Cluster has no database number");
  if (dbText !== undefined && !/^\d{1,2}$/.test(dbText)) return fail(`database "${dbText}" is not a number`);
  const credentials = parseUserinfo(userinfo);
  if (credentials === undefined) return fail("the credentials are not valid percent-encoding");
  return {
    ok: true,
    value: {
      topology: kind.topology,
      tls: kind.tls,
      nodes,
      ...credentials,
      db: dbText === undefined ? 0 : Number(dbText),
      ...(masterName === undefined ? {} : { masterName: decodeURIComponent(masterName) }),
    },
  };
}

function parseNode(text: string, defaultPort: number): RedisNode | undefined {
  // WHATWG URL parsing checks the host (names, [IPv6]) and the port range for us;
  // redis: is not a "special" scheme, so it has no default port to hide.
  let url: URL;
  try {
    url = new URL(`redis://${text}`);
  } catch {
    return undefined;
  }
  if (url.hostname === "" || url.username !== "" || url.password !== "" || url.pathname !== "")
    return undefined;
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return { host, port: url.port === "" ? defaultPort : Number(url.port) };
}

function parseUserinfo(userinfo: string | undefined): { username?: string; password?: string } | undefined {
  if (userinfo === undefined || userinfo === "") return {};
  const colon = userinfo.indexOf(":");
  try {
    const username = decodeURIComponent(colon < 0 ? userinfo : userinfo.slice(0, colon));
    const password = colon < 0 ? "" : decodeURIComponent(userinfo.slice(colon + 1));
    return {
      ...(username === "" ? {} : { username }),
      ...(password === "" ? {} : { password }),
    };
  } catch {
    return undefined;
  }
}

/**
 * Whether every key that starts with `prefix` lands in one Redis Cluster hash slot: Redis
 * hashes only the text between the first "{" and the next "}" when it is not empty
 * ("Hash tags" in the Redis Cluster specification). BullMQ's scripts touch several keys
 * of a queue at once, so on a cluster the queue prefix must carry such a tag.
 */
export function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf("{");
  if (open < 0) return false;
  const close = prefix.indexOf("}", open + 1);
  return close > open + 1;
}

/** The URL with credentials replaced by `***`, for logs and messages. */
export function redactRedisUrl(raw: string): string {
  return raw.replace(/^([a-z+]+:\/\/)[^@/?#]*@/, "$1***@").replace(/[?#].*$/, "?…");
}
