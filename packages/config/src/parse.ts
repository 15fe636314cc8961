// parseCrmConfig: the profile picks the defaults, each variable may override one,
// then the settings that depend on each other are checked together.
import { checkRelations } from "./relations.ts";
import { parseMatchLabels } from "./labels.ts";
import { profileDefaults } from "./profiles.ts";
import { EnvReader, type Env } from "./reader.ts";
import { profiles, type CrmConfig, type LogLevel, type ScrapeKind } from "./types.ts";
import {
  anyText,
  commaList,
  integerIn,
  oneOf,
  parseBoolean,
  parseDurationMs,
  parseFraction,
  parseHttpUrl,
  parseImage,
  parseNamespace,
  parseBasePath,
  parseKeyPrefix,
  parseLeaseName,
  parseListenHost,
  parsePath,
  parseRedisUrl,
} from "./values.ts";
import {
  isCrmVariable,
  isSupported,
  knownVariables,
  notSupportedYet,
  unknownVariableReason,
  vars,
  type VariableName,
} from "./variables.ts";

const day = 86_400;
const port = integerIn(1, 65_535, "port numbers");
const seconds = integerIn(1, day, "seconds");
const logLevels: readonly LogLevel[] = ["error", "warn", "info", "debug"];
const scrapeKinds: readonly ScrapeKind[] = ["auto", "servicemonitor", "podmonitor", "none"];
// The monitor kinds may also be spelled `service` and `pod`; both spellings are accepted.
const scrapeAliases = { service: "servicemonitor", pod: "podmonitor" } as const;

/**
 * The CRM settings from `env` (pass `process.env` at the edge; this never reads it).
 * Throws ConfigError naming every variable at fault, one line each, when any value is
 * invalid, a required setting is missing, or an OPRC_CRM_* variable is unknown.
 */
export function parseCrmConfig(env: Env): CrmConfig {
  const r = new EnvReader(env);
  // A bad profile is reported; dev's defaults stand in so the other variables still get checked.
  const profile = r.read(vars.profile, oneOf(profiles), "dev");
  const d = profileDefaults(profile);
  const portVariable = r.raw(vars.httpPort) !== undefined ? vars.httpPort : vars.httpPortAlias;

  const config: CrmConfig = {
    profile,
    namespace: r.read(vars.namespace, parseNamespace, d.namespace),
    ingress: {
      port: r.read(portVariable, port, d.ingress.port),
      ...optional("host", r.optional(vars.listenHost, parseListenHost)),
      maxInFlightPerPrincipal: r.read(
        vars.maxInFlightPerPrincipal,
        integerIn(1, 10_000, "calls"),
        d.ingress.maxInFlightPerPrincipal,
      ),
    },
    log: { level: r.read(vars.logLevel, oneOf(logLevels), d.log.level) },
    features: {
      nfrEnforcement: r.read(vars.nfrEnforcement, parseBoolean, d.features.nfrEnforcement),
      hpa: r.read(vars.hpa, parseBoolean, d.features.hpa),
      knative: r.read(vars.knative, parseBoolean, d.features.knative),
      prometheus: r.read(vars.prometheus, parseBoolean, d.features.prometheus),
      leaderElection: r.read(vars.leaderElection, parseBoolean, d.features.leaderElection),
      odgm: r.read(vars.odgm, parseBoolean, d.features.odgm),
      mtls: r.read(vars.mtls, parseBoolean, d.features.mtls),
    },
    tls: {},
    analyzer: { intervalSeconds: r.read(vars.analyzerInterval, seconds, d.analyzer.intervalSeconds) },
    enforcement: {
      stabilitySeconds: r.read(vars.stability, seconds, d.enforcement.stabilitySeconds),
      cooldownSeconds: r.read(vars.cooldown, seconds, d.enforcement.cooldownSeconds),
      maxReplicaDelta: r.read(
        vars.maxReplicaDelta,
        integerIn(1, 1000, "percent"),
        d.enforcement.maxReplicaDelta,
      ),
      maxReplicas: r.read(vars.maxReplicas, integerIn(1, 10_000, "replicas"), d.enforcement.maxReplicas),
      cpuPerPodMillicores: r.read(
        vars.cpuPerPod,
        integerIn(1, 1_000_000, "millicores"),
        d.enforcement.cpuPerPodMillicores,
      ),
      minConfidence: r.read(vars.minConfidence, parseFraction, d.enforcement.minConfidence),
    },
    prometheus: {
      ...optional("url", r.optional(vars.promUrl, parseHttpUrl)),
      matchLabels: r.read(vars.promMatchLabels, parseMatchLabels, d.prometheus.matchLabels),
      scrapeKind: r.read(vars.promScrapeKind, oneOf(scrapeKinds, scrapeAliases), d.prometheus.scrapeKind),
      queryTimeoutSeconds: r.read(
        vars.promQueryTimeout,
        integerIn(1, 300, "seconds"),
        d.prometheus.queryTimeoutSeconds,
      ),
      range: r.read(vars.promRange, durationText, d.prometheus.range),
      step: r.read(vars.promStep, durationText, d.prometheus.step),
      rateWindow: r.read(vars.promRateWindow, durationText, d.prometheus.rateWindow),
      scrapeInterval: r.read(vars.promScrapeInterval, durationText, d.prometheus.scrapeInterval),
    },
    odgm: optional("image", r.optional(vars.odgmImage, parseImage)),
    envHealth: optional("availabilityOverride", r.optional(vars.availabilityOverride, parseFraction)),
    redis: {
      url: r.read(vars.redisUrl, parseRedisUrl, d.redis.url),
      ...optional("passwordFile", r.optional(vars.redisPasswordFile, parsePath)),
      prefix: r.read(vars.queuePrefix, parseKeyPrefix, d.redis.prefix),
    },
    kube: {
      maxInFlight: r.read(vars.kubeMaxInFlight, integerIn(0, 1024, "requests"), d.kube.maxInFlight),
    },
    reconcile: {
      concurrency: r.read(vars.reconcileConcurrency, integerIn(1, 256, "jobs"), d.reconcile.concurrency),
      maxAttempts: r.read(vars.reconcileMaxAttempts, integerIn(1, 100, "attempts"), d.reconcile.maxAttempts),
      recordRatePerSecond: r.read(
        vars.recordRate,
        integerIn(1, 1000, "reconciles per second"),
        d.reconcile.recordRatePerSecond,
      ),
      recordBurst: r.read(vars.recordBurst, integerIn(1, 10_000, "reconciles"), d.reconcile.recordBurst),
    },
    watcher: {
      resyncSeconds: r.read(vars.resync, integerIn(10, day, "seconds"), d.watcher.resyncSeconds),
      childSettleMs: r.read(vars.childSettle, integerIn(0, 60_000, "ms"), d.watcher.childSettleMs),
      leaseName: r.read(vars.leaseName, parseLeaseName, d.watcher.leaseName),
      leaseDurationSeconds: r.read(
        vars.leaseDuration,
        integerIn(2, 600, "seconds"),
        d.watcher.leaseDurationSeconds,
      ),
      renewDeadlineSeconds: r.read(
        vars.leaseRenewDeadline,
        integerIn(1, 600, "seconds"),
        d.watcher.renewDeadlineSeconds,
      ),
      retryPeriodSeconds: r.read(
        vars.leaseRetryPeriod,
        integerIn(1, 600, "seconds"),
        d.watcher.retryPeriodSeconds,
      ),
    },
    dashboard: {
      port: r.read(vars.dashboardPort, port, d.dashboard.port),
      basePath: r.read(vars.dashboardBasePath, parseBasePath, d.dashboard.basePath),
      ...optional("authFile", r.optional(vars.dashboardAuthFile, parsePath)),
      readOnly: r.read(vars.dashboardReadOnly, parseBoolean, d.dashboard.readOnly),
    },
    auth: parseAuth(r),
    setVariables: [],
  };
  const tls = {
    certFile: r.optional(vars.tlsCertFile, parsePath),
    keyFile: r.optional(vars.tlsKeyFile, parsePath),
    caFile: r.optional(vars.tlsCaFile, parsePath),
  };
  // The paths are kept only when mTLS is on, so nothing can use a half-configured TLS.
  if (config.features.mtls) config.tls = { ...tls };
  // Served namespaces (served.ts): a name given twice is served once.
  config.auth.allowedNamespaces = [
    ...new Set(r.read(vars.allowedNamespaces, commaList(parseNamespace), [config.namespace])),
  ];
  // A feature whose role is not built is off, whatever the profile default.
  if (!isSupported(vars.nfrEnforcement)) config.features.nfrEnforcement = false;
  if (!isSupported(vars.prometheus)) config.features.prometheus = false;
  reportNotSupported(r);
  checkRelations(r, config, tls);
  r.reportUnknown(isCrmVariable, unknownVariableReason, (name) => knownVariables.has(name));
  r.throwIfProblems();
  config.setVariables = r.setVariables();
  return config;
}

/** The authentication settings; whether running open is allowed is checked with the profile in relations.ts. */
function parseAuth(r: EnvReader): CrmConfig["auth"] {
  const disabled = r.read(vars.authDisabled, parseBoolean, false);
  // Every OIDC variable is read even without an issuer, so one set alone is reported (relations.ts).
  const issuer = r.optional(vars.authOidcIssuer, parseHttpUrl);
  const audience = r.optional(vars.authOidcAudience, anyText);
  const roleClaim = r.read(vars.authOidcRoleClaim, anyText, "oaas_role");
  const namespacesClaim = r.optional(vars.authOidcNamespacesClaim, anyText);
  const jwksUrl = r.optional(vars.authOidcJwksUrl, parseHttpUrl);
  return {
    open: disabled ? "explicit" : false,
    ...optional("tokensFile", r.optional(vars.authTokensFile, parsePath)),
    ...optional("mtlsClientsFile", r.optional(vars.authMtlsClientsFile, parsePath)),
    ...optional(
      "oidc",
      issuer === undefined
        ? undefined
        : {
            issuer,
            audience: audience ?? "",
            roleClaim,
            ...optional("namespacesClaim", namespacesClaim),
            ...optional("jwksUrl", jwksUrl),
          },
    ),
    allowedNamespaces: [],
  };
}

function reportNotSupported(r: EnvReader): void {
  for (const [name, why] of Object.entries(notSupportedYet) as [VariableName, string][]) {
    if (r.isSet(name))
      r.report(name, `not supported yet: ${why}, so it would do nothing; remove it`, r.raw(name));
  }
}

/** Validated as a Prometheus duration, kept as written (PromQL takes the same text). */
function durationText(raw: string) {
  const parsed = parseDurationMs(raw);
  return parsed.ok ? { ok: true as const, value: raw } : parsed;
}

/** `{ key: value }`, or `{}` when the value is absent (keeps optional fields truly absent). */
function optional<K extends string, T>(key: K, value: T | undefined): { [P in K]?: T } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: T };
}
