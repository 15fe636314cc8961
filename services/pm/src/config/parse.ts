// parsePmConfig: the PM's environment (seed 003, "Configuration") as one validated
// object. Every variable the seeds list either works or is rejected naming it; an
// unknown variable under one of the PM's prefixes is rejected too, so a typo fails at
// startup instead of being ignored.
import { isDns1123Label } from "@oaas/crd";
import type { EtcdSettings } from "../storage/etcd-kv.ts";
import type { ClusterConfig, LogLevel, PmConfig } from "./types.ts";

export type Env = Readonly<Record<string, string | undefined>>;

export class PmConfigError extends Error {
  override readonly name = "PmConfigError";
  constructor(readonly problems: readonly string[]) {
    super(`invalid PM configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`);
  }
}

/** Prefixes whose every variable the PM owns. */
const ownedPrefixes = [
  "OPRC_PM_",
  "CRM_",
  "ETCD_",
  "DEPLOY_",
  "SERVER_",
  "STORAGE_",
  "METRICS_",
  "TRACING_",
  "PACKAGE_",
  "OBSERVABILITY_",
];
const clusterSuffixes = ["URL", "TOKEN", "TIMEOUT", "CA_CERT_PATH", "CLIENT_CERT_PATH", "CLIENT_KEY_PATH"];

class Reader {
  readonly problems: string[] = [];
  readonly used = new Set<string>();
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    this.used.add(name);
    const value = this.env[name];
    return value === undefined || value.trim() === "" ? undefined : value.trim();
  }

  read<T>(name: string, parse: (text: string) => T, fallback: T): T {
    const text = this.raw(name);
    if (text === undefined) return fallback;
    try {
      return parse(text);
    } catch (error) {
      this.problems.push(`${name}=${JSON.stringify(text)}: ${(error as Error).message}`);
      return fallback;
    }
  }

  envNames(): string[] {
    return Object.keys(this.env);
  }

  reject(name: string, why: string, allowed?: (text: string) => boolean): void {
    const text = this.raw(name);
    if (text !== undefined && !(allowed?.(text) ?? false))
      this.problems.push(`${name}=${JSON.stringify(text)}: ${why}`);
  }
}

function integer(min: number, max: number) {
  return (text: string): number => {
    if (!/^-?\d+$/.test(text)) throw new Error("is not an integer");
    const n = Number(text);
    if (n < min || n > max) throw new Error(`must be within ${min}..${max}`);
    return n;
  };
}
const seconds = (max: number) => (text: string) => integer(0, max)(text) * 1000;
const positiveSeconds = (max: number) => (text: string) => integer(1, max)(text) * 1000;

function boolean(text: string): boolean {
  const t = text.toLowerCase();
  if (["true", "1", "yes", "on"].includes(t)) return true;
  if (["false", "0", "no", "off"].includes(t)) return false;
  throw new Error("is not a boolean (true/false)");
}

function oneOf<T extends string>(values: readonly T[]) {
  return (text: string): T => {
    const t = text.toLowerCase() as T;
    if (!values.includes(t)) throw new Error(`must be one of ${values.join(", ")}`);
    return t;
  };
}

function url(text: string): string {
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new Error("is not a URL");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new Error("must be http:// or https://");
  return text.replace(/\/+$/, "");
}

const logLevels: readonly LogLevel[] = ["error", "warn", "info", "debug"];
const day = 86_400;

/** The PM settings from `env` (pass process.env at the edge). Throws PmConfigError listing every problem. */
export function parsePmConfig(env: Env): PmConfig {
  const r = new Reader(env);
  r.reject(
    "SERVER_WORKERS",
    "not supported: the PM is one event loop per process; run more replicas instead",
  );
  // Tracing reads the standard OpenTelemetry variables (main.ts, @oaas/telemetry), so
  // every collector setup already knows them; the seed's names would be a second spelling.
  r.reject(
    "TRACING_ENABLED",
    "tracing is configured by OTEL_EXPORTER_OTLP_ENDPOINT (on when set); only false is accepted here",
    (t) => !boolean(t),
  );
  r.reject(
    "TRACING_ENDPOINT",
    "use OTEL_EXPORTER_OTLP_ENDPOINT (OTLP over HTTP, e.g. http://collector:4318)",
  );
  r.reject("LOG_FORMAT", "only json is supported", (t) => t.toLowerCase() === "json");
  r.reject(
    "ETCD_TLS_INSECURE",
    "skipping certificate verification is not supported; give ETCD_CA_CERT_PATH",
    (t) => {
      try {
        return !boolean(t);
      } catch {
        return false;
      }
    },
  );
  const observability = r.read("OBSERVABILITY_ENABLED", boolean, true);
  const rustLog = r.read("RUST_LOG", oneOf([...logLevels, "trace"] as const), "info");
  const level = r.read("LOG_LEVEL", oneOf(logLevels), rustLog === "trace" ? "debug" : rustLog);
  const metricsPort = r.read("METRICS_PORT", integer(1, 65_535), undefined as number | undefined);

  const config: PmConfig = {
    server: {
      host: r.read("SERVER_HOST", (t) => t, "0.0.0.0"),
      port: r.read("SERVER_PORT", integer(0, 65_535), 8080),
      bodyLimitBytes: r.read("OPRC_PM_BODY_LIMIT_BYTES", integer(1024, 64 * 1024 * 1024), 1024 * 1024),
    },
    storage: storage(r),
    crm: crm(r),
    deploy: {
      maxRetries: r.read("DEPLOY_MAX_RETRIES", integer(0, 20), 2),
      rollbackOnPartial: r.read("DEPLOY_ROLLBACK_ON_PARTIAL", boolean, false),
      packageDeleteCascade: r.read("PACKAGE_DELETE_CASCADE", boolean, false),
      retryBaseMs: r.read("OPRC_PM_RETRY_BASE_MS", integer(1, 60_000), 200),
      statusRefreshMs: r.read("OPRC_PM_STATUS_REFRESH_SECS", integer(0, 86_400), 15) * 1000,
    },
    log: { level },
    metrics: {
      enabled: observability && r.read("METRICS_ENABLED", boolean, true),
      ...(metricsPort !== undefined ? { port: metricsPort } : {}),
    },
  };
  for (const name of Object.keys(env)) {
    if (r.used.has(name) || !ownedPrefixes.some((p) => name.startsWith(p))) continue;
    r.problems.push(`${name}: unknown variable (not a PM setting; see services/pm/README.md)`);
  }
  if (r.problems.length) throw new PmConfigError(r.problems.sort());
  return config;
}

function storage(r: Reader): PmConfig["storage"] {
  const type = r.read("STORAGE_TYPE", oneOf(["memory", "etcd"] as const), "memory");
  const tlsEnabled = r.read("ETCD_TLS_ENABLED", boolean, false);
  const caCertPath = r.raw("ETCD_CA_CERT_PATH");
  const clientCertPath = r.raw("ETCD_CLIENT_CERT_PATH");
  const clientKeyPath = r.raw("ETCD_CLIENT_KEY_PATH");
  const username = r.raw("ETCD_USERNAME");
  const password = r.raw("ETCD_PASSWORD");
  if ((clientCertPath === undefined) !== (clientKeyPath === undefined)) {
    r.problems.push("ETCD_CLIENT_CERT_PATH and ETCD_CLIENT_KEY_PATH: give both or neither");
  }
  if (!tlsEnabled && (caCertPath ?? clientCertPath ?? clientKeyPath) !== undefined) {
    r.problems.push(
      "ETCD_TLS_ENABLED: must be true when ETCD_CA_CERT_PATH or client certificate files are set",
    );
  }
  if (password !== undefined && username === undefined)
    r.problems.push("ETCD_PASSWORD: set without ETCD_USERNAME");
  const etcd: EtcdSettings = {
    endpoints: r.read(
      "ETCD_ENDPOINTS",
      (t) =>
        t
          .split(",")
          .map((e) => e.trim())
          .filter(Boolean),
      ["localhost:2379"],
    ),
    keyPrefix: r.read("ETCD_KEY_PREFIX", (t) => (t.startsWith("/") ? t : `/${t}`), "/oaas/pm"),
    // A few seconds: a request (and /ready) must not hang on an etcd that does not answer.
    timeoutMs: r.read("ETCD_TIMEOUT", positiveSeconds(day), 3_000),
    ...(username !== undefined ? { username, password: password ?? "" } : {}),
    ...(tlsEnabled
      ? {
          tls: {
            ...(caCertPath ? { caCertPath } : {}),
            ...(clientCertPath ? { clientCertPath } : {}),
            ...(clientKeyPath ? { clientKeyPath } : {}),
          },
        }
      : {}),
  };
  return type === "etcd" ? { type, etcd } : { type };
}

function envName(cluster: string): string {
  return cluster.toUpperCase().replace(/-/g, "_");
}

function crm(r: Reader): PmConfig["crm"] {
  const defaultTimeoutMs = r.read("CRM_DEFAULT_TIMEOUT", positiveSeconds(day), 30_000);
  const names = r.read(
    "OPRC_PM_CRM_CLUSTERS",
    (t) =>
      t.split(",").map((n) => {
        const name = n.trim().toLowerCase();
        if (!isDns1123Label(name))
          throw new Error(`"${n.trim()}" is not a cluster name (a DNS-1123 label: [a-z0-9-], <= 63)`);
        return name;
      }),
    [] as string[],
  );
  const clusters: ClusterConfig[] = [];
  const defaultUrl = r.read("CRM_DEFAULT_URL", url, undefined as string | undefined);
  if (defaultUrl !== undefined && !names.includes("default")) {
    clusters.push({ name: "default", url: defaultUrl, timeoutMs: defaultTimeoutMs });
  } else if (defaultUrl !== undefined) {
    r.problems.push(
      "CRM_DEFAULT_URL: the cluster `default` is also in OPRC_PM_CRM_CLUSTERS; use OPRC_PM_CRM_DEFAULT_URL only",
    );
  }
  for (const name of new Set(names)) {
    const v = (suffix: string) => `OPRC_PM_CRM_${envName(name)}_${suffix}`;
    const clusterUrl = r.read(v("URL"), url, undefined as string | undefined);
    if (clusterUrl === undefined) {
      r.problems.push(`${v("URL")}: required for cluster "${name}" listed in OPRC_PM_CRM_CLUSTERS`);
      continue;
    }
    const token = r.raw(v("TOKEN"));
    const caCertPath = r.raw(v("CA_CERT_PATH"));
    const clientCertPath = r.raw(v("CLIENT_CERT_PATH"));
    const clientKeyPath = r.raw(v("CLIENT_KEY_PATH"));
    if ((clientCertPath === undefined) !== (clientKeyPath === undefined)) {
      r.problems.push(`${v("CLIENT_CERT_PATH")} and ${v("CLIENT_KEY_PATH")}: give both or neither`);
    }
    const tls = caCertPath ?? clientCertPath ?? clientKeyPath;
    if (tls !== undefined && !clusterUrl.startsWith("https:")) {
      r.problems.push(`${v("URL")}: certificate files are set, so the URL must be https://`);
    }
    clusters.push({
      name,
      url: clusterUrl,
      timeoutMs: r.read(v("TIMEOUT"), positiveSeconds(day), defaultTimeoutMs),
      ...(token !== undefined ? { token } : {}),
      ...(tls !== undefined
        ? {
            tls: {
              ...(caCertPath ? { caCertPath } : {}),
              ...(clientCertPath ? { clientCertPath } : {}),
              ...(clientKeyPath ? { clientKeyPath } : {}),
            },
          }
        : {}),
    });
  }
  // Variables for clusters that are not listed are typos or leftovers: name them.
  const clusterVar = /^OPRC_PM_CRM_(.+)_(URL|TOKEN|TIMEOUT|CA_CERT_PATH|CLIENT_CERT_PATH|CLIENT_KEY_PATH)$/;
  const known = new Set(
    clusters.flatMap((c) => clusterSuffixes.map((s) => `OPRC_PM_CRM_${envName(c.name)}_${s}`)),
  );
  for (const name of r.envNames()) {
    const m = clusterVar.exec(name);
    if (m && !known.has(name)) {
      r.used.add(name);
      r.problems.push(
        `${name}: cluster "${(m[1] ?? "").toLowerCase()}" is not listed in OPRC_PM_CRM_CLUSTERS`,
      );
    }
  }
  const requestedDefault = r.read(
    "OPRC_PM_CRM_DEFAULT_CLUSTER",
    (t) => t.toLowerCase(),
    undefined as string | undefined,
  );
  if (requestedDefault !== undefined && !clusters.some((c) => c.name === requestedDefault)) {
    r.problems.push(`OPRC_PM_CRM_DEFAULT_CLUSTER: "${requestedDefault}" is not a configured cluster`);
  }
  const defaultCluster =
    requestedDefault ??
    (clusters.some((c) => c.name === "default")
      ? "default"
      : clusters.length === 1
        ? clusters[0]?.name
        : undefined);
  return {
    clusters,
    ...(defaultCluster !== undefined ? { defaultCluster } : {}),
    retryAttempts: r.read("CRM_DEFAULT_RETRY_ATTEMPTS", integer(0, 20), 3),
    healthCacheTtlMs: r.read("CRM_HEALTH_CACHE_TTL", seconds(day), 15_000),
    healthCheckIntervalMs: r.read("CRM_HEALTH_CHECK_INTERVAL", seconds(day), 60_000),
    breakerThreshold: r.read("CRM_CIRCUIT_BREAKER_FAILURE_THRESHOLD", integer(1, 1000), 5),
    breakerHalfOpenAfterMs: r.read("CRM_CIRCUIT_BREAKER_TIMEOUT", positiveSeconds(day), 60_000),
  };
}
