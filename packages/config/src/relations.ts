// Checks between settings: each is valid alone, but some combinations cannot work.
// A check runs only when its inputs were themselves valid, so one mistake yields one line.
import type { EnvReader } from "./reader.ts";
import type { CrmConfig } from "./types.ts";
import { hasHashTag, parseRedisTarget } from "./redis-url.ts";
import { parseDurationMs } from "./values.ts";
import { vars } from "./variables.ts";

type TlsPaths = Readonly<Record<"certFile" | "keyFile" | "caFile", string | undefined>>;

const tlsVariables = [
  ["certFile", vars.tlsCertFile, "the listener's certificate (PEM)"],
  ["keyFile", vars.tlsKeyFile, "the listener's private key (PEM)"],
  ["caFile", vars.tlsCaFile, "the CA that signs client certificates (PEM)"],
] as const;

export function checkRelations(r: EnvReader, config: CrmConfig, tls: TlsPaths): void {
  checkTls(r, config, tls);
  checkPrometheus(r, config);
  checkLease(r, config);
  checkRedis(r, config);
  checkAuth(r, config);
}

/**
 * Authentication: something configured, or running open said out loud. Profiles edge and
 * full are what production runs, so there a missing setting is an error naming the variables
 * to set; dev keeps its one-command start and is marked open (roles warn about it).
 */
function checkAuth(r: EnvReader, config: CrmConfig): void {
  const auth = config.auth;
  const configured =
    auth.tokensFile !== undefined || auth.mtlsClientsFile !== undefined || auth.oidc !== undefined;
  if (auth.open === "explicit" && configured && r.isValid(vars.authDisabled)) {
    r.report(
      vars.authDisabled,
      `true, but credentials are configured (${[vars.authTokensFile, vars.authMtlsClientsFile, vars.authOidcIssuer].filter((name) => r.isSet(name)).join(", ")}), which would be ignored; remove one or the other`,
      r.raw(vars.authDisabled),
    );
  }
  if (!configured && auth.open === false && r.isValid(vars.authDisabled) && r.isValid(vars.profile)) {
    if (config.profile === "dev") auth.open = "dev-default";
    else
      r.report(
        vars.authTokensFile,
        `required by profile ${config.profile}: no authentication is configured, so anyone who reaches the ingress could deploy; set ${vars.authTokensFile} (a mounted Secret of \`token,user,role\` lines), ${vars.authMtlsClientsFile} or ${vars.authOidcIssuer}, or ${vars.authDisabled}=true to run open on purpose`,
      );
  }
  if (auth.oidc !== undefined && auth.oidc.audience === "" && r.isValid(vars.authOidcIssuer))
    r.report(
      vars.authOidcAudience,
      `required with ${vars.authOidcIssuer}: the audience (aud) tokens must be issued for`,
    );
  for (const name of [
    vars.authOidcAudience,
    vars.authOidcRoleClaim,
    vars.authOidcNamespacesClaim,
    vars.authOidcJwksUrl,
  ])
    if (auth.oidc === undefined && r.isSet(name))
      r.report(name, `set, but ${vars.authOidcIssuer} is not, so it would be ignored`, r.raw(name));
  if (auth.mtlsClientsFile !== undefined && !config.features.mtls && r.isValid(vars.mtls))
    r.report(
      vars.authMtlsClientsFile,
      `set, but mTLS is off, so no client presents a certificate; set ${vars.mtls}=true (and the TLS files) or remove it`,
      auth.mtlsClientsFile,
    );
}

/**
 * The one place of the Redis Cluster hash-tag rule: BullMQ's Lua scripts and this
 * package's lease and token-bucket scripts touch several keys of a queue at once, which
 * a cluster refuses (CROSSSLOT) unless they hash to one slot.
 */
function checkRedis(r: EnvReader, config: CrmConfig): void {
  if (!r.isValid(vars.redisUrl) || !r.isValid(vars.queuePrefix)) return;
  const target = parseRedisTarget(config.redis.url);
  if (!target.ok) return;
  if (target.value.topology === "cluster" && !hasHashTag(config.redis.prefix)) {
    reportAgainst(
      r,
      vars.queuePrefix,
      config.redis.prefix,
      `must carry a hash tag on a Redis Cluster (${vars.redisUrl} is redis+cluster://), e.g. {${config.redis.prefix}}, so each queue's keys share one hash slot`,
    );
  }
  if (target.value.password !== undefined && config.redis.passwordFile !== undefined) {
    r.report(
      vars.redisPasswordFile,
      `set, but ${vars.redisUrl} carries a password too; keep one of them`,
      config.redis.passwordFile,
    );
  }
}

/** client-go's rule: retry period < renew deadline < lease duration, or leadership flaps. */
function checkLease(r: EnvReader, config: CrmConfig): void {
  const w = config.watcher;
  const valid = [vars.leaseDuration, vars.leaseRenewDeadline, vars.leaseRetryPeriod].every((v) =>
    r.isValid(v),
  );
  if (!valid) return;
  if (w.renewDeadlineSeconds >= w.leaseDurationSeconds) {
    reportAgainst(
      r,
      vars.leaseRenewDeadline,
      String(w.renewDeadlineSeconds),
      `must be less than ${vars.leaseDuration} (${w.leaseDurationSeconds}), or two watchers could both believe they lead`,
    );
  } else if (w.retryPeriodSeconds >= w.renewDeadlineSeconds) {
    reportAgainst(
      r,
      vars.leaseRetryPeriod,
      String(w.retryPeriodSeconds),
      `must be less than ${vars.leaseRenewDeadline} (${w.renewDeadlineSeconds}), or one failed renew loses the lease`,
    );
  }
}

function checkTls(r: EnvReader, config: CrmConfig, tls: TlsPaths): void {
  if (!r.isValid(vars.mtls)) return;
  const why = origin(r, vars.mtls, config.features.mtls, config);
  for (const [field, variable, what] of tlsVariables) {
    if (config.features.mtls && tls[field] === undefined && r.isValid(variable)) {
      r.report(
        variable,
        `required because mTLS is on (${why}): the path of ${what}; or set ${vars.mtls}=false`,
      );
    }
    // Files given while mTLS is off by default look like TLS was meant; an explicit
    // OPRC_CRM_SECURITY_MTLS=false says the operator knows they are unused.
    if (!config.features.mtls && tls[field] !== undefined && !r.isSet(vars.mtls)) {
      r.report(
        variable,
        `set, but mTLS is off (${why}), so it would be ignored; set ${vars.mtls}=true to use it or =false to keep it unused`,
        tls[field],
      );
    }
  }
}

function checkPrometheus(r: EnvReader, config: CrmConfig): void {
  const p = config.prometheus;
  if (
    config.features.prometheus &&
    p.url === undefined &&
    r.isValid(vars.promUrl) &&
    r.isValid(vars.prometheus)
  ) {
    r.report(
      vars.promUrl,
      `required because the Prometheus feature is on (${origin(r, vars.prometheus, true, config)}): the base URL of the Prometheus HTTP API, e.g. http://prometheus.monitoring:9090; or set ${vars.prometheus}=false`,
    );
  }
  const range = parseDurationMs(p.range);
  const step = parseDurationMs(p.step);
  if (range.ok && step.ok && step.value > range.value && r.isValid(vars.promRange)) {
    reportAgainst(r, vars.promStep, p.step, `must not exceed ${vars.promRange} (${p.range})`);
  }
  checkRateWindow(r, config);
  const interval = config.analyzer.intervalSeconds;
  if (
    p.queryTimeoutSeconds >= interval &&
    r.isValid(vars.analyzerInterval) &&
    r.isValid(vars.promQueryTimeout)
  ) {
    reportAgainst(
      r,
      vars.promQueryTimeout,
      String(p.queryTimeoutSeconds),
      `must be less than ${vars.analyzerInterval} (${interval}), or one analysis could still be waiting when the next starts`,
    );
  }
}

/**
 * rate() needs at least two points in its window and is only steady with about four, so
 * the window must span 4 scrape intervals (https://www.robustperception.io/what-range-should-i-use-with-rate/).
 */
function checkRateWindow(r: EnvReader, config: CrmConfig): void {
  const p = config.prometheus;
  if (!r.isValid(vars.promRateWindow) || !r.isValid(vars.promScrapeInterval)) return;
  const window = parseDurationMs(p.rateWindow);
  const scrape = parseDurationMs(p.scrapeInterval);
  if (window.ok && scrape.ok && window.value < 4 * scrape.value) {
    reportAgainst(
      r,
      vars.promRateWindow,
      p.rateWindow,
      `must be at least 4 x ${vars.promScrapeInterval} (${p.scrapeInterval}), or rate() sees too few points per window`,
    );
  }
}

/** How a feature flag got its value, for messages: the variable, or the profile default. */
function origin(r: EnvReader, variable: string, value: boolean, config: CrmConfig): string {
  return r.isSet(variable) ? `${variable}=${String(value)}` : `default of profile ${config.profile}`;
}

/** Reports `variable` whose value (set, or its default) conflicts with another setting. */
function reportAgainst(r: EnvReader, variable: string, value: string, reason: string): void {
  if (r.isSet(variable)) r.report(variable, reason, value);
  else r.report(variable, `its default ${value} ${reason}`);
}
