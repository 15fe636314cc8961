// One configured cluster as the PM's CRM manager holds it: its Connect clients (token,
// TLS), its breaker (breaker.ts), the retry policies per kind of call, its connection
// monitor, and the cached health. manager.ts makes one per configured cluster.
import type { Meter } from "@opentelemetry/api";
import type { Source } from "@oaas/auth";
import type { ConnectionMonitor } from "@oaas/telemetry";
import {
  ExponentialBackoff,
  handleWhen,
  retry,
  type CircuitBreakerPolicy,
  type RetryPolicy,
} from "cockatiel";
import type { ClusterConfig, PmConfig } from "../config/index.ts";
import { createCrmClients, type CrmClients } from "./client.ts";
import { isRetryable, type CrmError } from "./errors.ts";
import type { ProbedHealth } from "./health-probe.ts";

export interface Cluster {
  readonly config: ClusterConfig;
  readonly clients: CrmClients;
  /** Replaced by a closed one when a health probe reaches the CRM while it is open (see probe). */
  breaker: CircuitBreakerPolicy;
  readonly deployRetry: RetryPolicy;
  readonly callRetry: RetryPolicy;
  /** No retry: reads a person repeats, or that must end within another call's deadline. */
  readonly onceRetry: RetryPolicy;
  retries: number;
  readonly monitor?: ConnectionMonitor;
  health?: { readonly at: number; readonly value: ProbedHealth };
  probing?: Promise<ProbedHealth>;
}

export interface CrmManagerOptions {
  /** Each cluster's token from its OPRC_PM_CRM_<NAME>_TOKEN_FILE, followed for rotation (crm/token-file.ts), by cluster name. */
  readonly tokenFiles?: ReadonlyMap<string, Source<string>>;
  readonly crm: PmConfig["crm"];
  readonly deploy: PmConfig["deploy"];
  readonly meter?: Meter;
  /** Called on breaker transitions and retries, for logs. */
  readonly onEvent?: (event: { cluster: string; event: string; detail?: string }) => void;
  /**
   * The connection monitor of a cluster (@oaas/telemetry), made once per cluster: every
   * call attempt and health probe reports whether the CRM was reached (an "unreachable"
   * failure of toCrmError counts as a failed attempt; any answer, errors included, as
   * reached), so an outage logs one line when it starts and one when it ends.
   */
  readonly monitor?: (cluster: ClusterConfig) => ConnectionMonitor;
}

/** One configured cluster's clients, breaker, retry policies and monitor. */
export function createCluster(
  config: ClusterConfig,
  options: CrmManagerOptions,
  breaker: CircuitBreakerPolicy,
): Cluster {
  const { crm, deploy } = options;
  const backoff = new ExponentialBackoff({
    initialDelay: deploy.retryBaseMs,
    maxDelay: deploy.retryBaseMs * 20,
  });
  const cluster: Cluster = {
    config,
    clients: createCrmClients(config, options.tokenFiles?.get(config.name)),
    breaker,
    deployRetry: retry(handleWhen(isRetryable), { maxAttempts: deploy.maxRetries, backoff }),
    callRetry: retry(handleWhen(isRetryable), { maxAttempts: crm.retryAttempts, backoff }),
    onceRetry: retry(handleWhen(isRetryable), { maxAttempts: 0 }),
    retries: 0,
    ...(options.monitor ? { monitor: options.monitor(config) } : {}),
  };
  return cluster;
}

/** Tells the cluster's monitor whether a failed attempt reached the CRM (toCrmError's classification). */
export function reportReach(cluster: Cluster, error: CrmError): void {
  if (error.kind === "unreachable") cluster.monitor?.failed(cluster, error.cause ?? error);
  else cluster.monitor?.connected(cluster);
}
