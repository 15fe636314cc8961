// Where every Redis client's events go: into one ConnectionMonitor per process
// (@oaas/telemetry), never to the console. ioredis prints a multi-line stack for each
// "error" nobody listens to, and BullMQ's Queue and Worker re-emit each connection error
// of their connections (console.error when nobody listens to them either): during a
// 15 s outage one dashboard process printed 552 such dumps.
import type { ConnectionMonitor } from "@oaas/telemetry";
import type { RedisClient } from "./connection.ts";
import type { QueueLogger } from "./logger.ts";

const watched = new WeakSet<object>();

/**
 * Reports `client`'s connection to `monitor`: each "error" (a failed connect or a broken
 * connection; also "node error" of a Cluster) as a failed attempt, "reconnecting" after
 * a close as down, "ready" as up, "end" (closed by its owner) as no longer awaited.
 * Listening to "error" also keeps ioredis from printing it. Every `duplicate()` of the
 * client is watched the same way: BullMQ makes a Worker's blocking connection (and a
 * QueueEvents' one) by duplicating the connection it is given, out of the caller's reach.
 * Idempotent per client. Returns `client`.
 */
export function watchRedis<C extends RedisClient>(client: C, monitor: ConnectionMonitor): C {
  if (watched.has(client)) return client;
  watched.add(client);
  client.on("error", (error: unknown) => monitor.failed(client, error));
  if (client.isCluster) client.on("node error", (error: unknown) => monitor.failed(client, error));
  client.on("reconnecting", () => monitor.interrupted(client, "connection closed; reconnecting"));
  client.on("ready", () => monitor.connected(client));
  client.on("end", () => monitor.ended(client));
  const duplicate = client.duplicate.bind(client) as (...args: unknown[]) => RedisClient;
  Object.defineProperty(client, "duplicate", {
    configurable: true,
    writable: true,
    value: (...args: unknown[]) => watchRedis(duplicate(...args), monitor),
  });
  return client;
}

/** Something with BullMQ's "error" event: a Queue, Worker, QueueEvents or FlowProducer. */
export interface ErrorEmitter {
  on(event: "error", listener: (error: Error) => void): unknown;
}

/**
 * Listens to a BullMQ object's "error" event (without a listener BullMQ prints each one,
 * and an EventEmitter "error" nobody hears would end the process). Connection errors are
 * echoes of what its connections emit, which watchRedis reports once per outage: logged at
 * debug only. Anything else is a fault of its own: logged at error with `fields`.
 */
export function logQueueErrors(
  emitter: ErrorEmitter,
  logger: QueueLogger | undefined,
  message: string,
  fields: Record<string, unknown> = {},
): void {
  emitter.on("error", (error: Error) => {
    const line = { ...fields, error: error.message };
    if (isConnectionError(error)) logger?.debug?.(message, line);
    else logger?.error(message, line);
  });
}

// Node's socket errors that mean "the peer is not reachable", as ioredis reports them.
const connectionCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ECONNABORTED",
]);

// Messages of ioredis and BullMQ for commands cut off by a lost connection.
const connectionMessages = [
  "Connection is closed",
  "Stream isn't writeable",
  "Reached the max retries per request limit",
  "None of startup nodes is available",
  "Failed to refresh slots cache",
  "connect ETIMEDOUT",
  "ECONNREFUSED",
  "Command timed out",
];

/**
 * True for an error that says Redis is unreachable or the connection broke (socket codes,
 * ioredis' closed-connection and max-retries errors, Cluster's no-node errors), rather
 * than a fault of the command itself.
 */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && connectionCodes.has(code)) return true;
  if (error.name === "MaxRetriesPerRequestError" || error.name === "ClusterAllFailedError") return true;
  if (error instanceof AggregateError) return error.errors.some(isConnectionError);
  if (error.cause !== undefined && error.cause !== error && isConnectionError(error.cause)) return true;
  return connectionMessages.some((m) => error.message.includes(m));
}
