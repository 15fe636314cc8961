// Option builders for environments: env(profile("full"), withTls(), set(vars.hpa, "no")).
import { expect } from "chai";
import {
  ConfigError,
  isSupported,
  parseCrmConfig,
  vars,
  type CrmConfig,
  type Profile,
  type VariableName,
} from "../../src/index.ts";

type MutableEnv = Record<string, string>;
export type EnvOption = (env: MutableEnv) => void;

export function env(...options: EnvOption[]): MutableEnv {
  const built: MutableEnv = {};
  for (const option of options) option(built);
  return built;
}

export const set =
  (name: string, value: string): EnvOption =>
  (e) => {
    e[name] = value;
  };

export const profile = (p: string): EnvOption => set(vars.profile, p);

export const withTls = (): EnvOption => (e) => {
  e[vars.tlsCertFile] = "/etc/oaas/tls/tls.crt";
  e[vars.tlsKeyFile] = "/etc/oaas/tls/tls.key";
  e[vars.tlsCaFile] = "/etc/oaas/tls/ca.crt";
};

export const withTokens = (path = "/etc/oaas/auth/tokens.csv"): EnvOption => set(vars.authTokensFile, path);

export const withPromUrl = (url = "http://prometheus.monitoring:9090"): EnvOption => set(vars.promUrl, url);

/** The settings each profile needs to start: TLS where mTLS is on, a URL where Prometheus is, credentials outside dev. */
export function ready(p: Profile): EnvOption[] {
  if (p === "dev") return [profile(p)];
  if (p === "edge") return [profile(p), withTls(), withTokens()];
  return [profile(p), withTls(), withTokens(), ...(isSupported(vars.promUrl) ? [withPromUrl()] : [])];
}

/** The ConfigError thrown for `e` (fails the test when none is). */
export function configError(e: Record<string, string | undefined>): ConfigError {
  try {
    parseCrmConfig(e);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  expect.fail(`expected a ConfigError for ${JSON.stringify(e)}`);
}

/** Where each variable lands in CrmConfig (undefined when the variable has no field). */
export const fieldOf: Readonly<Record<VariableName, (c: CrmConfig) => unknown>> = {
  [vars.profile]: (c) => c.profile,
  [vars.namespace]: (c) => c.namespace,
  [vars.httpPort]: (c) => c.ingress.port,
  [vars.httpPortAlias]: (c) => c.ingress.port,
  [vars.logLevel]: (c) => c.log.level,
  [vars.nfrEnforcement]: (c) => c.features.nfrEnforcement,
  [vars.hpa]: (c) => c.features.hpa,
  [vars.knative]: (c) => c.features.knative,
  [vars.prometheus]: (c) => c.features.prometheus,
  [vars.leaderElection]: (c) => c.features.leaderElection,
  [vars.odgm]: (c) => c.features.odgm,
  [vars.mtls]: (c) => c.features.mtls,
  [vars.tlsCertFile]: (c) => c.tls.certFile,
  [vars.tlsKeyFile]: (c) => c.tls.keyFile,
  [vars.tlsCaFile]: (c) => c.tls.caFile,
  [vars.analyzerInterval]: (c) => c.analyzer.intervalSeconds,
  [vars.stability]: (c) => c.enforcement.stabilitySeconds,
  [vars.cooldown]: (c) => c.enforcement.cooldownSeconds,
  [vars.maxReplicaDelta]: (c) => c.enforcement.maxReplicaDelta,
  [vars.maxReplicas]: (c) => c.enforcement.maxReplicas,
  [vars.cpuPerPod]: (c) => c.enforcement.cpuPerPodMillicores,
  [vars.minConfidence]: (c) => c.enforcement.minConfidence,
  [vars.promUrl]: (c) => c.prometheus.url,
  [vars.promMatchLabels]: (c) => c.prometheus.matchLabels,
  [vars.promScrapeKind]: (c) => c.prometheus.scrapeKind,
  [vars.promQueryTimeout]: (c) => c.prometheus.queryTimeoutSeconds,
  [vars.promRange]: (c) => c.prometheus.range,
  [vars.promStep]: (c) => c.prometheus.step,
  [vars.promRateWindow]: (c) => c.prometheus.rateWindow,
  [vars.promScrapeInterval]: (c) => c.prometheus.scrapeInterval,
  [vars.odgmImage]: (c) => c.odgm.image,
  [vars.availabilityOverride]: (c) => c.envHealth.availabilityOverride,
  [vars.redisUrl]: (c) => c.redis.url,
  [vars.redisPasswordFile]: (c) => c.redis.passwordFile,
  [vars.queuePrefix]: (c) => c.redis.prefix,
  [vars.reconcileConcurrency]: (c) => c.reconcile.concurrency,
  [vars.kubeMaxInFlight]: (c) => c.kube.maxInFlight,
  [vars.reconcileMaxAttempts]: (c) => c.reconcile.maxAttempts,
  [vars.recordRate]: (c) => c.reconcile.recordRatePerSecond,
  [vars.recordBurst]: (c) => c.reconcile.recordBurst,
  [vars.resync]: (c) => c.watcher.resyncSeconds,
  [vars.childSettle]: (c) => c.watcher.childSettleMs,
  [vars.leaseName]: (c) => c.watcher.leaseName,
  [vars.leaseDuration]: (c) => c.watcher.leaseDurationSeconds,
  [vars.leaseRenewDeadline]: (c) => c.watcher.renewDeadlineSeconds,
  [vars.leaseRetryPeriod]: (c) => c.watcher.retryPeriodSeconds,
  [vars.dashboardPort]: (c) => c.dashboard.port,
  [vars.dashboardBasePath]: (c) => c.dashboard.basePath,
  [vars.dashboardAuthFile]: (c) => c.dashboard.authFile,
  [vars.dashboardReadOnly]: (c) => c.dashboard.readOnly,
  [vars.authDisabled]: (c) => c.auth.open === "explicit",
  [vars.authTokensFile]: (c) => c.auth.tokensFile,
  [vars.authMtlsClientsFile]: (c) => c.auth.mtlsClientsFile,
  [vars.authOidcIssuer]: (c) => c.auth.oidc?.issuer,
  [vars.authOidcAudience]: (c) => c.auth.oidc?.audience,
  [vars.authOidcRoleClaim]: (c) => c.auth.oidc?.roleClaim,
  [vars.authOidcNamespacesClaim]: (c) => c.auth.oidc?.namespacesClaim,
  [vars.authOidcJwksUrl]: (c) => c.auth.oidc?.jwksUrl,
  [vars.allowedNamespaces]: (c) => c.auth.allowedNamespaces,
  [vars.maxInFlightPerPrincipal]: (c) => c.ingress.maxInFlightPerPrincipal,
  [vars.listenHost]: (c) => c.ingress.host,
};
