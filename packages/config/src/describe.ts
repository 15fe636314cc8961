// The configuration as a startup log field: every setting, where it differs from the
// profile, and nothing secret. TLS paths are shown (never file contents, which this
// package never reads); a Prometheus URL loses its credentials and query string.
import { redactRedisUrl } from "./redis-url.ts";
import type { CrmConfig } from "./types.ts";

export function describeConfig(config: CrmConfig): Record<string, unknown> {
  return {
    profile: config.profile,
    namespace: config.namespace,
    port: config.ingress.port,
    logLevel: config.log.level,
    features: { ...config.features },
    tls: config.features.mtls ? { ...config.tls } : "off",
    analyzer: { ...config.analyzer },
    enforcement: { ...config.enforcement },
    prometheus: {
      ...config.prometheus,
      url: config.prometheus.url === undefined ? "(not set)" : redactUrl(config.prometheus.url),
      matchLabels: { ...config.prometheus.matchLabels },
    },
    odgmImage: config.odgm.image ?? "(template default for the profile)",
    availabilityOverride: config.envHealth.availabilityOverride ?? "(none: ready/total nodes)",
    redis: {
      url: redactRedisUrl(config.redis.url),
      passwordFile: config.redis.passwordFile ?? "(not set)",
      prefix: config.redis.prefix,
    },
    reconcile: { ...config.reconcile },
    watcher: { ...config.watcher },
    dashboard: { ...config.dashboard, authFile: config.dashboard.authFile ?? "(not set)" },
    auth: {
      open: config.auth.open,
      tokensFile: config.auth.tokensFile ?? "(not set)",
      mtlsClientsFile: config.auth.mtlsClientsFile ?? "(not set)",
      oidc:
        config.auth.oidc === undefined
          ? "(not set)"
          : { ...config.auth.oidc, issuer: redactUrl(config.auth.oidc.issuer) },
      allowedNamespaces: [...config.auth.allowedNamespaces],
    },
    overrides: [...config.setVariables],
  };
}

/** scheme://host/path, with `***@` where credentials were and `?…` where a query was. */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "(unparseable URL)";
  }
  const credentials = url.username !== "" || url.password !== "" ? "***@" : "";
  const query = url.search === "" ? "" : "?…";
  return `${url.protocol}//${credentials}${url.host}${url.pathname}${query}`;
}
