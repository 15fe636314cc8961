// parsePmConfig: the PM's environment as one validated object, read with the same reader
// and value rules as the CRM's settings (@oaas/config), so a bad value reads the same in
// both services' messages. Every variable the PM documents either works or is rejected
// naming it; an unknown variable under one of the PM's prefixes is rejected too, so a
// typo fails at startup instead of being ignored.
import {
  anyText,
  ConfigError,
  EnvReader,
  integerIn,
  oneOf,
  parseBoolean,
  type ConfigProblem,
  type Env,
} from "@oaas/config";
import { authSettings } from "./auth.ts";
import { clusterSettings } from "./clusters.ts";
import { storageSettings } from "./storage.ts";
import type { LogLevel, PmConfig } from "./types.ts";

export type { Env } from "@oaas/config";

/** The PM's settings are invalid: one line per variable at fault (see ConfigError). */
export class PmConfigError extends ConfigError {
  constructor(problems: readonly ConfigProblem[]) {
    super(problems);
    this.name = "PmConfigError";
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
/** Credentials: a message says they were set, never their value (a *_FILE is a path, shown). */
const secret = (name: string) => /TOKEN|PASSWORD/.test(name) && !name.endsWith("_FILE");
const logLevels: readonly LogLevel[] = ["error", "warn", "info", "debug"];
const port = (min: number) => integerIn(min, 65_535, "port numbers");

/**
 * The PM settings from `env` (pass process.env at the edge; this never reads it).
 * Throws PmConfigError naming every variable at fault, one line each.
 */
export function parsePmConfig(env: Env): PmConfig {
  const r = new EnvReader(env, { secret });
  rejectUnsupported(r);
  const observability = r.read("OBSERVABILITY_ENABLED", parseBoolean, true);
  const rustLog = r.read("RUST_LOG", oneOf([...logLevels, "trace"] as const), "info");
  const level = r.read("LOG_LEVEL", oneOf(logLevels), rustLog === "trace" ? "debug" : rustLog);
  const metricsPort = r.optional("METRICS_PORT", port(1));

  const config: PmConfig = {
    server: {
      host: r.read("SERVER_HOST", anyText, "0.0.0.0"),
      port: r.read("SERVER_PORT", port(0), 8080),
      bodyLimitBytes: r.read(
        "OPRC_PM_BODY_LIMIT_BYTES",
        integerIn(1024, 64 * 1024 * 1024, "bytes"),
        1024 * 1024,
      ),
    },
    storage: storageSettings(r),
    crm: clusterSettings(r),
    auth: authSettings(r),
    deploy: {
      maxRetries: r.read("DEPLOY_MAX_RETRIES", integerIn(0, 20, "retries"), 2),
      rollbackOnPartial: r.read("DEPLOY_ROLLBACK_ON_PARTIAL", parseBoolean, false),
      packageDeleteCascade: r.read("PACKAGE_DELETE_CASCADE", parseBoolean, false),
      retryBaseMs: r.read("OPRC_PM_RETRY_BASE_MS", integerIn(1, 60_000, "ms"), 200),
      statusRefreshMs: r.read("OPRC_PM_STATUS_REFRESH_SECS", integerIn(0, 86_400, "seconds"), 15) * 1000,
    },
    log: { level },
    metrics: {
      enabled: observability && r.read("METRICS_ENABLED", parseBoolean, true),
      ...(metricsPort !== undefined ? { port: metricsPort } : {}),
    },
  };
  r.reportUnknown(
    (name) => ownedPrefixes.some((prefix) => name.startsWith(prefix)),
    () => "unknown variable (not a PM setting; see services/pm/README.md)",
  );
  r.throwIfProblems((problems) => new PmConfigError(problems));
  return config;
}

/** Variables of the PM's documented set that it deliberately does not support, with why. */
function rejectUnsupported(r: EnvReader): void {
  const refuse = (name: string, why: string, allowed: (text: string) => boolean = () => false) => {
    const text = r.raw(name);
    if (text !== undefined && !allowed(text)) r.report(name, why, text);
  };
  const isFalse = (text: string) => {
    const parsed = parseBoolean(text);
    return parsed.ok && !parsed.value;
  };
  refuse("SERVER_WORKERS", "not supported: the PM is one event loop per process; run more replicas instead");
  // Tracing reads the standard OpenTelemetry variables (main.ts, @oaas/telemetry), so
  // every collector setup already knows them; the earlier names would be a second spelling.
  refuse(
    "TRACING_ENABLED",
    "tracing is configured by OTEL_EXPORTER_OTLP_ENDPOINT (on when set); only false is accepted here",
    isFalse,
  );
  refuse("TRACING_ENDPOINT", "use OTEL_EXPORTER_OTLP_ENDPOINT (OTLP over HTTP, e.g. http://collector:4318)");
  refuse("LOG_FORMAT", "only json is supported", (text) => text.toLowerCase() === "json");
  refuse(
    "ETCD_TLS_INSECURE",
    "skipping certificate verification is not supported; give ETCD_CA_CERT_PATH",
    isFalse,
  );
}
