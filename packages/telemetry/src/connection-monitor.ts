// One process's view of its connections to one peer (Redis, etcd, ...), as log lines a
// pipeline can alert on and as metrics. Clients retry on their own and report every
// failed attempt (ioredis emits an "error" per reconnect try, BullMQ forwards each to
// every Queue and Worker on the connection): logging each made a 15 s Redis outage 575
// lines of one process's log. Here an outage is two lines whatever the number of
// connections and retries: a warning when the first connection fails, and an info line
// when the last failed one is back, with the failed attempts and the duration.
import type { Meter } from "@opentelemetry/api";
import type { Logger } from "./logger.ts";
import type { Metrics } from "./metrics.ts";

/** "unknown": nothing connected yet; "up": every connection that failed is back; "down": at least one is failing. */
export type ConnectionState = "unknown" | "up" | "down";

export interface ConnectionMonitorOptions {
  /** What is connected to, for messages and the `peer` label: "redis", "etcd". */
  readonly peer: string;
  readonly logger: Logger;
  /** `oaas_connection_failures_total{peer}` and `oaas_connection_up{peer}` go here when given. */
  readonly metrics?: Metrics;
  /** Extra fields on each line, e.g. `{ redis: "redis://host:6379" }` (credentials redacted by the caller). */
  readonly fields?: Record<string, unknown>;
  /**
   * Extra metric labels beside `peer`, when a process has several peers of one kind
   * (the PM's clusters: `{ cluster: "a" }`); also on each line. Keep them few.
   */
  readonly labels?: Readonly<Record<string, string>>;
  /** Clock in ms; tests pass their own. Default Date.now. */
  readonly now?: () => number;
}

export interface ConnectionMonitor {
  readonly peer: string;
  /** `peer` and the extra labels: the metric attributes. */
  readonly labels: Readonly<Record<string, string>>;
  readonly state: ConnectionState;
  /** Failed attempts since the monitor was made (all outages). */
  readonly failures: number;
  /**
   * A connection attempt of `connection` failed (or the connection broke with an error):
   * counted; the first failure of an outage logs `<peer> connection lost` (warn), or
   * `<peer> unreachable` when nothing ever connected. `connection` is any object that
   * identifies one client connection (the ioredis instance).
   */
  failed(connection: object, error: unknown): void;
  /** The connection dropped without an error (a server that closed it) and is retrying: down, not counted. */
  interrupted(connection: object, reason: string): void;
  /**
   * `connection` is usable. When it was the last failing one, logs `<peer> connection
   * restored` (info) with `failed_attempts` and `down_seconds` of the outage. The first
   * connect of all logs at debug only.
   */
  connected(connection: object): void;
  /** `connection` was closed for good (by its owner): no longer awaited. Logs nothing. */
  ended(connection: object): void;
}

/**
 * A monitor for one peer of this process. Make one per peer and give it to every client
 * of that peer (e.g. @oaas/queue's watchRedis), so the process logs one outage once.
 * Metrics (when `metrics` is given): counter `oaas_connection_failures_total{peer}`
 * (failed attempts) and gauge `oaas_connection_up{peer}` (1 when up, 0 otherwise), plus
 * `labels`.
 */
export function createConnectionMonitor(options: ConnectionMonitorOptions): ConnectionMonitor {
  const { peer, logger } = options;
  const now = options.now ?? Date.now;
  const labels = { peer, ...options.labels };
  const fields = { ...labels, ...options.fields };
  const instruments = options.metrics ? instrumentsOf(options.metrics.meter) : undefined;
  const failing = new Set<object>();
  let state: ConnectionState = "unknown";
  let failures = 0;
  let outage = { since: 0, attempts: 0, lastError: "" };

  const goDown = (connection: object, why: string): void => {
    failing.add(connection);
    if (state === "down") return;
    const was = state;
    state = "down";
    outage = { since: now(), attempts: 0, lastError: why };
    logger.warn(was === "up" ? `${peer} connection lost` : `${peer} unreachable`, {
      ...fields,
      error: why,
    });
  };

  const monitor: ConnectionMonitor = {
    peer,
    labels,
    get state() {
      return state;
    },
    get failures() {
      return failures;
    },
    failed(connection, error) {
      failures++;
      instruments?.failures.add(1, labels);
      const why = describe(error);
      goDown(connection, why);
      outage.attempts++;
      outage.lastError = why;
    },
    interrupted(connection, reason) {
      goDown(connection, reason);
    },
    connected(connection) {
      failing.delete(connection);
      if (state === "unknown") {
        state = "up";
        logger.debug(`${peer} connected`, fields);
      } else if (state === "down" && failing.size === 0) {
        state = "up";
        logger.info(`${peer} connection restored`, {
          ...fields,
          failed_attempts: outage.attempts,
          down_seconds: Math.round((now() - outage.since) / 100) / 10,
          last_error: outage.lastError,
        });
      }
    },
    ended(connection) {
      failing.delete(connection);
      // The failing connection was closed by its owner: nothing is awaited any more, and
      // nothing proved the peer back either. The next connect or failure says which.
      if (state === "down" && failing.size === 0) state = "unknown";
    },
  };
  instruments?.monitors.add(monitor);
  return monitor;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  // AggregateError (Node's happy-eyeballs connect to several addresses) has no message.
  const message = error.message || (error instanceof AggregateError ? describe(error.errors[0]) : error.name);
  return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
}

interface Instruments {
  readonly failures: ReturnType<Meter["createCounter"]>;
  readonly monitors: Set<ConnectionMonitor>;
}

// One set of instruments per meter, however many monitors report through it.
const byMeter = new WeakMap<Meter, Instruments>();

function instrumentsOf(meter: Meter): Instruments {
  const known = byMeter.get(meter);
  if (known) return known;
  const monitors = new Set<ConnectionMonitor>();
  const failures = meter.createCounter("oaas_connection_failures", {
    description: "Failed connection attempts to a peer (each retry of each connection counts), by peer.",
  });
  meter
    .createObservableGauge("oaas_connection_up", {
      description:
        "1 while every connection of this process to the peer works, 0 while one is failing or none connected yet.",
    })
    .addCallback((result) => {
      for (const m of monitors) result.observe(m.state === "up" ? 1 : 0, m.labels);
    });
  const created = { failures, monitors };
  byMeter.set(meter, created);
  return created;
}
