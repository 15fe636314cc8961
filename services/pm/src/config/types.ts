// The PM's settings as one typed object. Every field names its variable, default and unit.
import type { OidcSettings } from "@oaas/config";
import type { EtcdSettings } from "../storage/etcd-kv.ts";

export type LogLevel = "error" | "warn" | "info" | "debug";

export interface ClusterConfig {
  /** Lowercase cluster name; `default` for CRM_DEFAULT_URL. */
  readonly name: string;
  /** OPRC_PM_CRM_<NAME>_URL (CRM_DEFAULT_URL for `default`): http:// (h2c) or https:// gRPC endpoint. */
  readonly url: string;
  /** OPRC_PM_CRM_<NAME>_TOKEN: sent as `authorization: Bearer <token>`. */
  readonly token?: string;
  /** OPRC_PM_CRM_<NAME>_TOKEN_FILE: the token read from this file (first line, trimmed), re-read within 2 s of a change. Not with `token`. */
  readonly tokenFile?: string;
  /** OPRC_PM_CRM_<NAME>_TIMEOUT seconds, default CRM_DEFAULT_TIMEOUT (30): upper bound of any call. */
  readonly timeoutMs: number;
  /** OPRC_PM_CRM_<NAME>_{CA_CERT,CLIENT_CERT,CLIENT_KEY}_PATH: PEM files for https URLs (mTLS with both client files). */
  readonly tls?: {
    readonly caCertPath?: string;
    readonly clientCertPath?: string;
    readonly clientKeyPath?: string;
  };
}

export interface PmConfig {
  readonly server: {
    /** SERVER_HOST, default 0.0.0.0 */
    readonly host: string;
    /** SERVER_PORT, default 8080 */
    readonly port: number;
    /** OPRC_PM_BODY_LIMIT_BYTES, default 1 MiB: larger request bodies get 413 {error}. */
    readonly bodyLimitBytes: number;
  };
  /** STORAGE_TYPE memory (default) | etcd, with the ETCD_* settings. */
  readonly storage: { readonly type: "memory" } | { readonly type: "etcd"; readonly etcd: EtcdSettings };
  readonly crm: {
    readonly clusters: readonly ClusterConfig[];
    /** OPRC_PM_CRM_DEFAULT_CLUSTER; else `default` when configured; else the only cluster. */
    readonly defaultCluster?: string;
    /** CRM_DEFAULT_RETRY_ATTEMPTS, default 3: retries of status/list/get/delete calls (retryable codes only). */
    readonly retryAttempts: number;
    /** CRM_HEALTH_CACHE_TTL seconds, default 15; 0 disables the cache. */
    readonly healthCacheTtlMs: number;
    /** CRM_HEALTH_CHECK_INTERVAL seconds, default 60; 0 disables the background refresh. */
    readonly healthCheckIntervalMs: number;
    /** CRM_CIRCUIT_BREAKER_FAILURE_THRESHOLD, default 5 consecutive failures open a cluster's breaker. */
    readonly breakerThreshold: number;
    /**
     * CRM_CIRCUIT_BREAKER_TIMEOUT seconds, default 60: the longest an open breaker waits
     * before letting a trial call through; the first trial comes 2 s after it opens and the
     * wait doubles after each failed one up to this (crm/breaker.ts halfOpenBackoff).
     */
    readonly breakerHalfOpenAfterMs: number;
  };
  readonly deploy: {
    /** DEPLOY_MAX_RETRIES, default 2: retries per cluster after the first Deploy attempt. */
    readonly maxRetries: number;
    /** DEPLOY_ROLLBACK_ON_PARTIAL, default false: delete the successful clusters when one fails. */
    readonly rollbackOnPartial: boolean;
    /** PACKAGE_DELETE_CASCADE, default false: deleting a package deletes its deployments (else 409). */
    readonly packageDeleteCascade: boolean;
    /** Base delay of the exponential retry backoff (OPRC_PM_RETRY_BASE_MS, default 200 ms). */
    readonly retryBaseMs: number;
    /**
     * OPRC_PM_STATUS_REFRESH_SECS, default 15; 0 disables it: how often stored deployment
     * conditions are re-read from the clusters (a GET always reads them), ms.
     */
    readonly statusRefreshMs: number;
  };
  /** Who may call the REST API (@oaas/auth) and how fast a principal may write (config/auth.ts). */
  readonly auth: {
    /** OPRC_PM_AUTH_DISABLED=true with nothing else configured: every request is `anonymous` admin; warned at startup and hourly. */
    readonly disabled: boolean;
    /** OPRC_PM_AUTH_TOKENS_FILE: `token,user,role[,namespaces]` lines (a mounted Secret), re-read within 2 s of a change. */
    readonly tokensFile?: string;
    /** OPRC_PM_AUTH_OIDC_ISSUER, _AUDIENCE, _ROLE_CLAIM (default oaas_role), _NAMESPACES_CLAIM, _JWKS_URL. */
    readonly oidc?: OidcSettings;
    /** OPRC_PM_WRITE_RATE_PER_SEC, default 20: writes per second a principal may average. */
    readonly writeRatePerSec: number;
    /** OPRC_PM_WRITE_BURST, default the rate: writes a principal may make in one window of BURST/RATE seconds. */
    readonly writeBurst: number;
  };
  /** LOG_LEVEL (or RUST_LOG as a plain level), default info. LOG_FORMAT accepts json only. */
  readonly log: { readonly level: LogLevel };
  /** METRICS_ENABLED (default true) serves /metrics; METRICS_PORT, when set, also on its own port. */
  readonly metrics: { readonly enabled: boolean; readonly port?: number };
}
