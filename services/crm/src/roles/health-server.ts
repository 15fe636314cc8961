// The HTTP listener of a role without RPCs (watcher, reconciler): /healthz, /readyz and
// /metrics, the same handler the ingress serves beside its RPCs, so probes and scrapes
// look alike whatever the role. In `crm all` the ingress listener serves them instead.
// /metrics asks the process gate for the `metrics` role; the probes stay open.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Gate } from "@oaas/auth";
import type { Metrics } from "@oaas/telemetry";
import type { Readiness } from "../health/readiness.ts";
import { probeEndpoints } from "../health/probe-endpoints.ts";

export interface HealthServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Listens on `port` (0 = any free port) of `host` (default all interfaces).
 * Rejects when the port cannot be bound (EADDRINUSE names it in the message).
 */
export async function startHealthServer(options: {
  readonly port: number;
  readonly host?: string;
  readonly readiness: Readiness;
  readonly metrics: Metrics;
  /** The process gate (process/gate.ts): /metrics needs `metrics` or higher unless it runs open. */
  readonly gate: Gate;
}): Promise<HealthServer> {
  const handle = probeEndpoints(options.readiness, options.metrics, options.gate);
  const server = http.createServer((req, res) => {
    handle(req, res);
  });
  // Probes and scrapes are short: do not let an idle keep-alive client hold shutdown.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
