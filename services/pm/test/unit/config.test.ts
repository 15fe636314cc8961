import { expect } from "chai";
import { parsePmConfig, PmConfigError } from "../../src/config/index.ts";

/** The settings with authentication explicitly off (config-auth.test.ts covers it). */
const parse = (env: Record<string, string>) => parsePmConfig({ OPRC_PM_AUTH_DISABLED: "true", ...env });

function problems(env: Record<string, string>): string {
  try {
    parse(env);
  } catch (error) {
    if (error instanceof PmConfigError) return error.message;
    throw error;
  }
  return "";
}

describe("pm config", function () {
  it("defaults (the Configuration table of services/pm/README.md)", function () {
    const c = parse({});
    expect(c.server).to.deep.equal({ host: "0.0.0.0", port: 8080, bodyLimitBytes: 1024 * 1024 });
    expect(c.storage).to.deep.equal({ type: "memory" });
    expect(c.crm.clusters).to.deep.equal([]);
    expect(c.crm).to.include({
      retryAttempts: 3,
      healthCacheTtlMs: 15_000,
      healthCheckIntervalMs: 60_000,
      breakerThreshold: 5,
      breakerHalfOpenAfterMs: 60_000,
    });
    expect(c.deploy).to.deep.equal({
      maxRetries: 2,
      rollbackOnPartial: false,
      packageDeleteCascade: false,
      retryBaseMs: 200,
      statusRefreshMs: 15_000,
    });
    expect(c.log.level).to.equal("info");
    expect(c.metrics).to.deep.equal({ enabled: true });
  });

  it("CRM_DEFAULT_URL makes a default cluster; OPRC_PM_CRM_CLUSTERS adds named ones", function () {
    const c = parse({
      CRM_DEFAULT_URL: "http://127.0.0.1:8088",
      CRM_DEFAULT_TIMEOUT: "10",
      OPRC_PM_CRM_CLUSTERS: "edge-a,b",
      OPRC_PM_CRM_EDGE_A_URL: "https://edge-a:443",
      OPRC_PM_CRM_EDGE_A_TOKEN: "t0k",
      OPRC_PM_CRM_EDGE_A_TIMEOUT: "3",
      OPRC_PM_CRM_EDGE_A_CA_CERT_PATH: "/ca.crt",
      OPRC_PM_CRM_B_URL: "http://b:8088",
    });
    expect(c.crm.clusters).to.deep.equal([
      { name: "default", url: "http://127.0.0.1:8088", timeoutMs: 10_000 },
      {
        name: "edge-a",
        url: "https://edge-a:443",
        timeoutMs: 3000,
        token: "t0k",
        tls: { caCertPath: "/ca.crt" },
      },
      { name: "b", url: "http://b:8088", timeoutMs: 10_000 },
    ]);
    expect(c.crm.defaultCluster).to.equal("default");
    expect(parse({ OPRC_PM_CRM_CLUSTERS: "a", OPRC_PM_CRM_A_URL: "http://a" }).crm.defaultCluster).to.equal(
      "a",
    );
  });

  it("etcd settings", function () {
    const c = parse({
      STORAGE_TYPE: "etcd",
      ETCD_ENDPOINTS: "10.0.0.1:2379, 10.0.0.2:2379",
      ETCD_KEY_PREFIX: "oaas",
      ETCD_USERNAME: "u",
      ETCD_PASSWORD: "p",
      ETCD_TIMEOUT: "5",
      ETCD_TLS_ENABLED: "true",
      ETCD_CA_CERT_PATH: "/ca",
      ETCD_CLIENT_CERT_PATH: "/c",
      ETCD_CLIENT_KEY_PATH: "/k",
      ETCD_TLS_INSECURE: "false",
    });
    expect(c.storage).to.deep.equal({
      type: "etcd",
      etcd: {
        endpoints: ["10.0.0.1:2379", "10.0.0.2:2379"],
        keyPrefix: "/oaas",
        timeoutMs: 5000,
        username: "u",
        password: "p",
        tls: { caCertPath: "/ca", clientCertPath: "/c", clientKeyPath: "/k" },
      },
    });
  });

  const rejected: [string, Record<string, string>, string][] = [
    [
      "unknown variable under a PM prefix",
      { CRM_DEFAUL_URL: "http://x" },
      'CRM_DEFAUL_URL="http://x": unknown variable',
    ],
    ["bad port", { SERVER_PORT: "99999" }, "SERVER_PORT"],
    ["bad boolean", { DEPLOY_ROLLBACK_ON_PARTIAL: "maybe" }, "DEPLOY_ROLLBACK_ON_PARTIAL"],
    ["bad storage type", { STORAGE_TYPE: "redis" }, "STORAGE_TYPE"],
    ["cluster without URL", { OPRC_PM_CRM_CLUSTERS: "a" }, "OPRC_PM_CRM_A_URL (not set): required"],
    ["URL of an unlisted cluster", { OPRC_PM_CRM_GHOST_URL: "http://g" }, "OPRC_PM_CRM_GHOST_URL"],
    ["non-http URL", { CRM_DEFAULT_URL: "grpc://x" }, "CRM_DEFAULT_URL"],
    [
      "unknown default cluster",
      { CRM_DEFAULT_URL: "http://x", OPRC_PM_CRM_DEFAULT_CLUSTER: "z" },
      "OPRC_PM_CRM_DEFAULT_CLUSTER",
    ],
    ["SERVER_WORKERS", { SERVER_WORKERS: "4" }, "SERVER_WORKERS"],
    ["tracing on", { TRACING_ENABLED: "true" }, "TRACING_ENABLED"],
    ["tracing endpoint", { TRACING_ENDPOINT: "http://otel" }, "TRACING_ENDPOINT"],
    ["text logs", { LOG_FORMAT: "text" }, "LOG_FORMAT"],
    ["insecure etcd TLS", { ETCD_TLS_INSECURE: "true" }, "ETCD_TLS_INSECURE"],
    [
      "etcd cert without key",
      { ETCD_TLS_ENABLED: "true", ETCD_CLIENT_CERT_PATH: "/c" },
      "ETCD_CLIENT_KEY_PATH",
    ],
    ["etcd CA without TLS", { ETCD_CA_CERT_PATH: "/ca" }, "ETCD_TLS_ENABLED"],
    [
      "cert files on an http CRM",
      { OPRC_PM_CRM_CLUSTERS: "a", OPRC_PM_CRM_A_URL: "http://a", OPRC_PM_CRM_A_CA_CERT_PATH: "/ca" },
      "OPRC_PM_CRM_A_URL",
    ],
    ["bad log level", { LOG_LEVEL: "loud" }, "LOG_LEVEL"],
    ["negative TTL", { CRM_HEALTH_CACHE_TTL: "-1" }, "CRM_HEALTH_CACHE_TTL"],
    [
      "zero breaker threshold",
      { CRM_CIRCUIT_BREAKER_FAILURE_THRESHOLD: "0" },
      "CRM_CIRCUIT_BREAKER_FAILURE_THRESHOLD",
    ],
    ["bad metrics port", { METRICS_PORT: "http" }, "METRICS_PORT"],
  ];
  for (const [name, env, want] of rejected) {
    it(`rejects ${name}, naming the variable`, function () {
      expect(problems(env)).to.contain(want);
    });
  }

  it("reports every problem at once", function () {
    const text = problems({ SERVER_PORT: "x", STORAGE_TYPE: "y", CRM_NOPE: "1" });
    for (const v of ["SERVER_PORT", "STORAGE_TYPE", "CRM_NOPE"]) expect(text).to.contain(v);
  });

  it("reads values with the CRM's rules and message format (@oaas/config)", function () {
    expect(problems({ SERVER_PORT: "99999" })).to.contain(
      'SERVER_PORT="99999": out of range; allowed: port numbers from 0 to 65535',
    );
    expect(problems({ OPRC_PM_CRM_CLUSTERS: "edge_a" })).to.contain(
      'OPRC_PM_CRM_CLUSTERS="edge_a": item "edge_a": not a cluster name',
    );
    expect(problems({ METRICS_ENABLED: "on" })).to.contain("allowed: true, false, 1, 0, yes, no");
  });

  it("never shows a token or password in a message", function () {
    const text = problems({ OPRC_PM_CRM_GHOST_TOKEN: "s3cret", ETCD_PASSWORD: "pa55" });
    expect(text).to.contain("OPRC_PM_CRM_GHOST_TOKEN=(secret, not shown)");
    expect(text).to.contain("ETCD_USERNAME (not set): required because ETCD_PASSWORD is set");
    expect(text).not.to.contain("s3cret");
    expect(text).not.to.contain("pa55");
  });

  it("RUST_LOG works as a plain level; LOG_LEVEL wins", function () {
    expect(parse({ RUST_LOG: "debug" }).log.level).to.equal("debug");
    expect(parse({ RUST_LOG: "trace" }).log.level).to.equal("debug");
    expect(parse({ RUST_LOG: "debug", LOG_LEVEL: "warn" }).log.level).to.equal("warn");
    expect(parse({ OBSERVABILITY_ENABLED: "false" }).metrics.enabled).to.equal(false);
  });
});
