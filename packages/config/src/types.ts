// The CRM's settings as one typed object. Field comments give the unit, the variable
// and what the field interacts with; the per-profile default values sit in profiles.ts
// and in the settings table of packages/config/README.md.

export type Profile = "dev" | "edge" | "full";
export const profiles: readonly Profile[] = ["dev", "edge", "full"];

export type ScrapeKind = "auto" | "servicemonitor" | "podmonitor" | "none";
export type LogLevel = "error" | "warn" | "info" | "debug";

export interface Features {
  /** OPRC_CRM_FEATURES_NFR_ENFORCEMENT. Global gate of the enforcer; a record still has to opt in with `spec.nfr.enforcement.mode=enforce`. Without recommendations (Prometheus off) it has nothing to apply. */
  nfrEnforcement: boolean;
  /** OPRC_CRM_FEATURES_HPA. Templates render an HPA per Deployment-based function (when max_scale allows); the enforcer patches HPA `minReplicas` when one exists, else `Deployment.spec.replicas`. */
  hpa: boolean;
  /** OPRC_CRM_FEATURES_KNATIVE. Templates may choose Knative only when this is on AND the Knative CRDs exist; the enforcer then sets the `minScale` annotation; with scrape kind `auto` the analyzer creates no monitors for Knative Services. */
  knative: boolean;
  /** OPRC_CRM_FEATURES_PROMETHEUS. Analyzer queries Prometheus; requires OPRC_CRM_PROM_URL. Auto-disabled at run time when the Prometheus Operator CRDs are missing (reported in a condition). */
  prometheus: boolean;
  /** OPRC_CRM_FEATURES_LEADER_ELECTION. The watcher runs under a Lease; off only for a single watcher replica. */
  leaderElection: boolean;
  /** OPRC_CRM_FEATURES_ODGM. Off: Deploy with addon `odgm` answers FAILED_PRECONDITION and templates render no ODGM. */
  odgm: boolean;
  /** OPRC_CRM_SECURITY_MTLS. Ingress requires client certificates signed by `tls.caFile`; needs all three TLS files. */
  mtls: boolean;
}

export interface CrmConfig {
  /** OPRC_CRM_PROFILE. Chooses every default below; templates also use it for scoring and default replicas. */
  profile: Profile;
  /** OPRC_CRM_K8S_NAMESPACE, a DNS-1123 label. The CRM's own namespace: where the watcher's Lease lives, the namespace of an RPC without x-namespace, and the default served namespace (served.ts). In-cluster, the chart sets it from the downward API (this package reads no files). */
  namespace: string;
  /** OPRC_CRM_HTTP_PORT, else HTTP_PORT (the short name); 1..65535. The one ingress listener (gRPC, gRPC-Web, Connect, /healthz, /readyz, /metrics). */
  ingress: {
    port: number;
    /** OPRC_CRM_LISTEN_HOST: the IP address every listener of the process binds (the ingress or a role's health listener, and the dashboard's); unset = all interfaces, as a pod needs. `npm start` sets 127.0.0.1. */
    host?: string;
    /** OPRC_CRM_INGRESS_MAX_IN_FLIGHT_PER_PRINCIPAL: RPCs one principal may have in flight at once (1..10000, default 64); one more is RESOURCE_EXHAUSTED at once, so one caller cannot take every slot. */
    maxInFlightPerPrincipal: number;
  };
  /** OPRC_CRM_LOG. Winston level of every role's logger. */
  log: { level: LogLevel };
  features: Features;
  /** OPRC_CRM_TLS_{CERT,KEY,CA}_FILE: paths, read by ingress at startup. Set iff `features.mtls` (all three). */
  tls: { certFile?: string; keyFile?: string; caFile?: string };
  /** OPRC_CRM_ANALYZER_INTERVAL_SECS, seconds between two analyses of one record. Must exceed the Prometheus query timeout. */
  analyzer: { intervalSeconds: number };
  enforcement: {
    /** OPRC_CRM_ENFORCEMENT_STABILITY_SECS: a recommendation must stay unchanged this long before it is applied. */
    stabilitySeconds: number;
    /** OPRC_CRM_ENFORCEMENT_COOLDOWN_SECS: minimum seconds between two enforcements on one record. */
    cooldownSeconds: number;
    /** OPRC_CRM_ENFORCEMENT_MAX_REPLICA_DELTA, PERCENT of current replicas one enforcement may change (the enforcer decides rounding, e.g. allowing at least 1). */
    maxReplicaDelta: number;
    /** OPRC_CRM_LIMITS_MAX_REPLICAS: hard cap on replicas the enforcer sets; explicit `max_scale` of a function still wins when lower. */
    maxReplicas: number;
    /** OPRC_CRM_REQ_CPU_PER_POD_M, millicores assumed per function pod when turning observed CPU into a replica recommendation (analyzer). */
    cpuPerPodMillicores: number;
    /** OPRC_CRM_ENFORCEMENT_MIN_CONFIDENCE, 0..1: a recommendation below this confidence (its data coverage over OPRC_CRM_PROM_RANGE) is never applied. Default 0.8. */
    minConfidence: number;
  };
  prometheus: {
    /** OPRC_CRM_PROM_URL: base URL of the Prometheus HTTP API (http/https). Required when `features.prometheus`. */
    url?: string;
    /** OPRC_CRM_PROM_MATCH_LABELS `k=v,k2=v2`: labels put on ServiceMonitor/PodMonitor so the Prometheus Operator selects them. */
    matchLabels: Record<string, string>;
    /** OPRC_CRM_PROM_SCRAPE_KIND: monitor kind the analyzer manages; `auto` = ServiceMonitor for Deployments, none for Knative. */
    scrapeKind: ScrapeKind;
    /** OPRC_CRM_PROM_QUERY_TIMEOUT_SECS: per PromQL request. */
    queryTimeoutSeconds: number;
    /** OPRC_CRM_PROM_RANGE, Prometheus duration (e.g. 10m): window of range queries. */
    range: string;
    /** OPRC_CRM_PROM_STEP, Prometheus duration (e.g. 30s): resolution of range queries; <= range. */
    step: string;
    /** OPRC_CRM_PROM_RATE_WINDOW, Prometheus duration (default 1m): the rate() window of rps, p99 latency and CPU; at least 4 scrape intervals, so every window holds enough points. */
    rateWindow: string;
    /** OPRC_CRM_PROM_SCRAPE_INTERVAL, Prometheus duration (default 15s): the scrape interval the monitors ask for; the rate window must be at least 4 times it. */
    scrapeInterval: string;
  };
  /** OPRC_CRM_ODGM_IMAGE: overrides the templates' per-profile ODGM image default. */
  odgm: { image?: string };
  /** OPRC_CRM_ENV_AVAILABILITY_OVERRIDE, 0..1: reported by CrmInfoService.GetEnvHealth instead of ready/total nodes. */
  envHealth: { availabilityOverride?: number };
  /** OPRC_CRM_REDIS_URL, OPRC_CRM_QUEUE_PREFIX: where the work queues and record history live. Redis must run with `maxmemory-policy noeviction` (workers refuse to start otherwise). */
  redis: {
    /** Where Redis is: `redis://` / `rediss://` (one server), `redis+cluster://host:port,...` (Redis Cluster nodes to start from) or `redis+sentinel://host:port,.../mastername` (Sentinels); see redis-url.ts. Credentials allowed (redacted in logs). Default redis://127.0.0.1:6379. */
    url: string;
    /** OPRC_CRM_REDIS_PASSWORD_FILE: a Secret-mounted file whose content (trailing newline dropped) is the data nodes' password; instead of a password in the URL. */
    passwordFile?: string;
    /** Key prefix of every queue and history key. Must carry a hash tag (e.g. `{oaas}`) on a Redis Cluster so one queue's keys share a hash slot (checked). Default `oaas`. */
    prefix: string;
  };
  /** The process's Kubernetes API client (every role). */
  kube: {
    /** OPRC_CRM_KUBE_MAX_IN_FLIGHT, 0..1024: API requests one process has at the API server at once (watches excluded); more wait in the process. 0 = no bound. Default 32. */
    maxInFlight: number;
  };
  /** Reconcile workers (`crm reconciler`, and `crm all`). */
  reconcile: {
    /** OPRC_CRM_RECONCILE_CONCURRENCY: records reconciled in parallel by one process (one record is never reconciled twice at once, whatever the number of processes). Default 16. */
    concurrency: number;
    /** OPRC_CRM_RECONCILE_MAX_ATTEMPTS: runs of one job on transient failures (exponential backoff with jitter between them) before it counts as failed; the next event or resync tries again. Default 8. */
    maxAttempts: number;
    /** OPRC_CRM_RECORD_RATE_PER_SEC: reconciles per second one record may start (token bucket refill); excess is delayed, never dropped. Default 2. */
    recordRatePerSecond: number;
    /** OPRC_CRM_RECORD_BURST: token bucket size of one record. Default 5. */
    recordBurst: number;
  };
  /** The watcher (`crm watcher`, and `crm all`): informers, resync, Lease (client-go's defaults). */
  watcher: {
    /** OPRC_CRM_RESYNC_SECS: a record nothing has looked at for this long (no reconcile run, no job asked for) is re-enqueued (background priority), so losing Redis or an event loses no work; sweeps every tenth of it, per-record jitter up to 10%. Default 300. */
    resyncSeconds: number;
    /** OPRC_CRM_CHILD_SETTLE_MS, 0..60000: a child's health change is enqueued this long after it was seen, with the record's other such events meanwhile folded into the same job; edits and deletions are enqueued at once. Default 0 (off). */
    childSettleMs: number;
    /** OPRC_CRM_LEASE_NAME: coordination.k8s.io/v1 Lease in `namespace` that elects the active watcher. Default `oaas-crm-watcher`. */
    leaseName: string;
    /** OPRC_CRM_LEASE_DURATION_SECS: how long a standby waits after the last renew before taking over. Default 15. */
    leaseDurationSeconds: number;
    /** OPRC_CRM_LEASE_RENEW_DEADLINE_SECS: the leader gives up leading when it could not renew for this long; < lease duration. Default 10. */
    renewDeadlineSeconds: number;
    /** OPRC_CRM_LEASE_RETRY_PERIOD_SECS: between two acquire/renew attempts; < renew deadline. Default 2. */
    retryPeriodSeconds: number;
  };
  /** The dashboard role (`crm dashboard`; in `crm all` only when an auth file is set). */
  dashboard: {
    /** OPRC_CRM_DASHBOARD_PORT, 1..65535: the dashboard's own listener (Bull Board, record pages, /healthz, /readyz, /metrics). Default 8089. */
    port: number;
    /** OPRC_CRM_DASHBOARD_BASE_PATH: the path prefix the browser sees (an Ingress forwards it unchanged). Default `/`. */
    basePath: string;
    /** OPRC_CRM_DASHBOARD_AUTH_FILE: a Secret-mounted file of `user:password` or `token:<value>` lines, each optionally preceded by `[role]` (parseUsersFile of @oaas/auth). Required by `crm dashboard`; credentials are never read from plain env. */
    authFile?: string;
    /** OPRC_CRM_DASHBOARD_READONLY: false enables retry/clean/promote for the `admin` role (same-origin checked against CSRF) and makes `admin` the role of auth-file lines without one (else `viewer`). Default true. */
    readOnly: boolean;
  };
  /** Who may call the ingress and every role's HTTP routes (@oaas/auth). */
  auth: AuthSettings;
  /** Names of the variables that were set (non-empty), sorted: what overrides the profile. For the startup log. */
  setVariables: readonly string[];
}

/** OIDC JWT verification (OPRC_CRM_AUTH_OIDC_*). */
export interface OidcSettings {
  /** OPRC_CRM_AUTH_OIDC_ISSUER: expected `iss`; discovery reads `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  /** OPRC_CRM_AUTH_OIDC_AUDIENCE: expected `aud`. Required with an issuer. */
  audience: string;
  /** OPRC_CRM_AUTH_OIDC_ROLE_CLAIM: the claim holding a role name or list. Default `oaas_role`. */
  roleClaim: string;
  /** OPRC_CRM_AUTH_OIDC_NAMESPACES_CLAIM: optional claim limiting the namespaces. */
  namespacesClaim?: string;
  /** OPRC_CRM_AUTH_OIDC_JWKS_URL: the key set, when discovery is not wanted. */
  jwksUrl?: string;
}

/** Authentication and the namespace boundary. */
export interface AuthSettings {
  /**
   * Whether requests are served without credentials: `explicit` (OPRC_CRM_AUTH_DISABLED=true),
   * `dev-default` (profile dev with nothing configured), or false (credentials required).
   * Profiles edge and full refuse to start open unless it is explicit; roles log a warning at
   * startup and every hour while open.
   */
  open: false | "explicit" | "dev-default";
  /** OPRC_CRM_AUTH_TOKENS_FILE: `token,user,role[,namespaces]` lines (a mounted Secret; re-read when it changes). */
  tokensFile?: string;
  /** OPRC_CRM_AUTH_MTLS_CLIENTS_FILE: `identity,role[,namespaces]` lines allowing client certificates; needs mTLS on. */
  mtlsClientsFile?: string;
  oidc?: OidcSettings;
  /** OPRC_CRM_ALLOWED_NAMESPACES: comma list of the namespaces requests may act in (servedNamespaces, served.ts). Default: OPRC_CRM_K8S_NAMESPACE; the watcher watches each (one informer set per namespace). Duplicates are dropped. */
  allowedNamespaces: readonly string[];
}
