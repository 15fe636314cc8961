// Every environment variable the CRM reads, by one name each, and what happens to
// the ones it does not know. Unknown OPRC_CRM_* names are errors, not warnings: a
// typo in a feature flag (OPRC_CRM_SECURITY_MLTS, OPRC_CRM_FEATURE_ODGM) would
// otherwise silently leave the profile default in force — a plaintext listener or
// every ODGM deploy failing — and the chart and the image ship together, so there
// is no version skew that would make a legitimate variable unknown.

export const vars = {
  profile: "OPRC_CRM_PROFILE",
  namespace: "OPRC_CRM_K8S_NAMESPACE",
  httpPort: "OPRC_CRM_HTTP_PORT",
  /** The short name of the same port; OPRC_CRM_HTTP_PORT wins when both are set. */
  httpPortAlias: "HTTP_PORT",
  /** The address every listener of the process binds (ingress or health, dashboard). */
  listenHost: "OPRC_CRM_LISTEN_HOST",
  logLevel: "OPRC_CRM_LOG",
  nfrEnforcement: "OPRC_CRM_FEATURES_NFR_ENFORCEMENT",
  hpa: "OPRC_CRM_FEATURES_HPA",
  knative: "OPRC_CRM_FEATURES_KNATIVE",
  prometheus: "OPRC_CRM_FEATURES_PROMETHEUS",
  leaderElection: "OPRC_CRM_FEATURES_LEADER_ELECTION",
  odgm: "OPRC_CRM_FEATURES_ODGM",
  mtls: "OPRC_CRM_SECURITY_MTLS",
  tlsCertFile: "OPRC_CRM_TLS_CERT_FILE",
  tlsKeyFile: "OPRC_CRM_TLS_KEY_FILE",
  tlsCaFile: "OPRC_CRM_TLS_CA_FILE",
  analyzerInterval: "OPRC_CRM_ANALYZER_INTERVAL_SECS",
  stability: "OPRC_CRM_ENFORCEMENT_STABILITY_SECS",
  cooldown: "OPRC_CRM_ENFORCEMENT_COOLDOWN_SECS",
  maxReplicaDelta: "OPRC_CRM_ENFORCEMENT_MAX_REPLICA_DELTA",
  maxReplicas: "OPRC_CRM_LIMITS_MAX_REPLICAS",
  cpuPerPod: "OPRC_CRM_REQ_CPU_PER_POD_M",
  minConfidence: "OPRC_CRM_ENFORCEMENT_MIN_CONFIDENCE",
  promUrl: "OPRC_CRM_PROM_URL",
  promMatchLabels: "OPRC_CRM_PROM_MATCH_LABELS",
  promScrapeKind: "OPRC_CRM_PROM_SCRAPE_KIND",
  promQueryTimeout: "OPRC_CRM_PROM_QUERY_TIMEOUT_SECS",
  promRange: "OPRC_CRM_PROM_RANGE",
  promStep: "OPRC_CRM_PROM_STEP",
  promRateWindow: "OPRC_CRM_PROM_RATE_WINDOW",
  promScrapeInterval: "OPRC_CRM_PROM_SCRAPE_INTERVAL",
  odgmImage: "OPRC_CRM_ODGM_IMAGE",
  availabilityOverride: "OPRC_CRM_ENV_AVAILABILITY_OVERRIDE",
  redisUrl: "OPRC_CRM_REDIS_URL",
  redisPasswordFile: "OPRC_CRM_REDIS_PASSWORD_FILE",
  queuePrefix: "OPRC_CRM_QUEUE_PREFIX",
  reconcileConcurrency: "OPRC_CRM_RECONCILE_CONCURRENCY",
  kubeMaxInFlight: "OPRC_CRM_KUBE_MAX_IN_FLIGHT",
  reconcileMaxAttempts: "OPRC_CRM_RECONCILE_MAX_ATTEMPTS",
  recordRate: "OPRC_CRM_RECORD_RATE_PER_SEC",
  recordBurst: "OPRC_CRM_RECORD_BURST",
  resync: "OPRC_CRM_RESYNC_SECS",
  childSettle: "OPRC_CRM_CHILD_SETTLE_MS",
  leaseName: "OPRC_CRM_LEASE_NAME",
  leaseDuration: "OPRC_CRM_LEASE_DURATION_SECS",
  leaseRenewDeadline: "OPRC_CRM_LEASE_RENEW_DEADLINE_SECS",
  leaseRetryPeriod: "OPRC_CRM_LEASE_RETRY_PERIOD_SECS",
  dashboardPort: "OPRC_CRM_DASHBOARD_PORT",
  dashboardBasePath: "OPRC_CRM_DASHBOARD_BASE_PATH",
  dashboardAuthFile: "OPRC_CRM_DASHBOARD_AUTH_FILE",
  dashboardReadOnly: "OPRC_CRM_DASHBOARD_READONLY",
  authDisabled: "OPRC_CRM_AUTH_DISABLED",
  authTokensFile: "OPRC_CRM_AUTH_TOKENS_FILE",
  authMtlsClientsFile: "OPRC_CRM_AUTH_MTLS_CLIENTS_FILE",
  authOidcIssuer: "OPRC_CRM_AUTH_OIDC_ISSUER",
  authOidcAudience: "OPRC_CRM_AUTH_OIDC_AUDIENCE",
  authOidcRoleClaim: "OPRC_CRM_AUTH_OIDC_ROLE_CLAIM",
  authOidcNamespacesClaim: "OPRC_CRM_AUTH_OIDC_NAMESPACES_CLAIM",
  authOidcJwksUrl: "OPRC_CRM_AUTH_OIDC_JWKS_URL",
  allowedNamespaces: "OPRC_CRM_ALLOWED_NAMESPACES",
  maxInFlightPerPrincipal: "OPRC_CRM_INGRESS_MAX_IN_FLIGHT_PER_PRINCIPAL",
} as const;

export type VariableName = (typeof vars)[keyof typeof vars];
export const knownVariables: ReadonlySet<string> = new Set(Object.values(vars));
const prefix = "OPRC_CRM_";

/**
 * Variables whose reader is not built yet. Setting one is an error saying so, rather
 * than a setting that silently does nothing; the feature flags among them resolve to
 * false whatever the profile says, so nothing (e.g. profile full's Prometheus default
 * and its required OPRC_CRM_PROM_URL) promises what no role does. When a role starts
 * reading a variable, delete its line here: that is the whole change.
 */
export const notSupportedYet: Readonly<Partial<Record<VariableName, string>>> = {};

/** Whether a role reads `name` today (see notSupportedYet). */
export function isSupported(name: VariableName): boolean {
  return notSupportedYet[name] === undefined;
}

/** Variables of the CRM's earlier settings deliberately left out, with why: a clearer error than "unknown". */
const retired: Readonly<Record<string, string>> = {
  OPRC_CRM_PROM_PROVIDER:
    "not supported: the Prometheus Operator is the only metrics provider, so the variable would do nothing; remove it",
};

/** Whether a variable name is ours to check: the OPRC_CRM_ prefix in any case. */
export function isCrmVariable(name: string): boolean {
  return name.toUpperCase().startsWith(prefix);
}

/** The message for an OPRC_CRM_* name this package does not read. */
export function unknownVariableReason(name: string): string {
  const why = retired[name.toUpperCase()];
  if (why !== undefined) return why;
  const guess = suggest(name);
  const hint = guess === undefined ? "" : ` (did you mean ${guess}?)`;
  return `unknown variable${hint}; the known ones are listed in packages/config/README.md`;
}

/** The closest known name: a near-miss spelling (any case), else the same tail, else a looser spelling. */
function suggest(name: string): string | undefined {
  const upper = name.toUpperCase();
  const ranked = [...knownVariables]
    .map((known) => ({ known, distance: editDistance(upper, known) }))
    .sort((a, b) => a.distance - b.distance);
  const nearest = ranked[0];
  if (nearest !== undefined && nearest.distance <= 1) return nearest.known;
  const tail = upper.slice(prefix.length);
  const sameTail = [...knownVariables].find((known) => tail !== "" && known.endsWith(`_${tail}`));
  if (sameTail !== undefined) return sameTail;
  return nearest !== undefined && nearest.distance <= 3 ? nearest.known : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
