// Each variable overrides its field, starting from a profile whose default differs.
import { expect } from "chai";
import { isSupported, parseCrmConfig, vars, type VariableName } from "../../src/index.ts";
import {
  configError,
  env,
  fieldOf,
  profile,
  ready,
  set,
  withPromUrl,
  withTls,
  withTokens,
  type EnvOption,
} from "./fixtures.ts";

interface Row {
  variable: VariableName;
  raw: string;
  want: unknown;
  /** Other variables the row needs (a profile, mTLS on, ...). */
  given?: EnvOption[];
}

const mtlsOn = [set(vars.mtls, "true"), withTls()];

const rows: Row[] = [
  { variable: vars.profile, raw: "edge", want: "edge", given: [withTls(), withTokens()] },
  { variable: vars.namespace, raw: "oaas-system", want: "oaas-system" },
  { variable: vars.httpPort, raw: "9090", want: 9090 },
  { variable: vars.httpPortAlias, raw: "7088", want: 7088 },
  { variable: vars.logLevel, raw: "WARN", want: "warn" },
  { variable: vars.nfrEnforcement, raw: "yes", want: true },
  { variable: vars.hpa, raw: "1", want: true },
  { variable: vars.knative, raw: "True", want: true },
  { variable: vars.prometheus, raw: "false", want: false, given: ready("full") },
  { variable: vars.leaderElection, raw: "no", want: false },
  { variable: vars.odgm, raw: "true", want: true },
  { variable: vars.odgm, raw: "0", want: false, given: ready("full") },
  {
    variable: vars.mtls,
    raw: "false",
    want: false,
    // Profile full without TLS files: Prometheus (on in full) still needs its URL.
    given: [ready("full")[0] as EnvOption, withPromUrl(), withTokens()],
  },
  { variable: vars.mtls, raw: "true", want: true, given: [withTls()] },
  { variable: vars.tlsCertFile, raw: "/run/certs/server.pem", want: "/run/certs/server.pem", given: mtlsOn },
  { variable: vars.tlsKeyFile, raw: "certs/server-key.pem", want: "certs/server-key.pem", given: mtlsOn },
  {
    variable: vars.tlsCaFile,
    raw: "/run/certs/clients ca.pem",
    want: "/run/certs/clients ca.pem",
    given: mtlsOn,
  },
  { variable: vars.analyzerInterval, raw: "300", want: 300 },
  { variable: vars.stability, raw: "1", want: 1 },
  { variable: vars.cooldown, raw: "86400", want: 86_400 },
  { variable: vars.maxReplicaDelta, raw: "100", want: 100 },
  { variable: vars.maxReplicas, raw: "1", want: 1 },
  { variable: vars.cpuPerPod, raw: "250", want: 250 },
  { variable: vars.minConfidence, raw: "0.9", want: 0.9 },
  { variable: vars.dashboardPort, raw: "9089", want: 9089 },
  { variable: vars.dashboardBasePath, raw: "/oaas/dashboard", want: "/oaas/dashboard" },
  { variable: vars.dashboardAuthFile, raw: "/etc/oaas/dashboard/auth", want: "/etc/oaas/dashboard/auth" },
  { variable: vars.dashboardReadOnly, raw: "false", want: false },
  { variable: vars.redisUrl, raw: "rediss://:pw@redis.oaas:6380/2", want: "rediss://:pw@redis.oaas:6380/2" },
  { variable: vars.redisPasswordFile, raw: "/etc/oaas/redis/password", want: "/etc/oaas/redis/password" },
  { variable: vars.queuePrefix, raw: "{oaas}", want: "{oaas}" },
  { variable: vars.reconcileConcurrency, raw: "32", want: 32 },
  { variable: vars.kubeMaxInFlight, raw: "0", want: 0 },
  { variable: vars.kubeMaxInFlight, raw: "1024", want: 1024 },
  { variable: vars.reconcileMaxAttempts, raw: "3", want: 3 },
  { variable: vars.recordRate, raw: "10", want: 10 },
  { variable: vars.recordBurst, raw: "20", want: 20 },
  { variable: vars.resync, raw: "60", want: 60 },
  { variable: vars.childSettle, raw: "2000", want: 2000 },
  { variable: vars.leaseName, raw: "crm-a.watcher", want: "crm-a.watcher" },
  { variable: vars.leaseDuration, raw: "30", want: 30 },
  { variable: vars.leaseRenewDeadline, raw: "5", want: 5 },
  { variable: vars.leaseRetryPeriod, raw: "1", want: 1 },
  { variable: vars.promUrl, raw: "https://prom.example:9443/prom/", want: "https://prom.example:9443/prom/" },
  { variable: vars.promMatchLabels, raw: "release=prometheus", want: { release: "prometheus" } },
  {
    variable: vars.promMatchLabels,
    raw: " release = kube-prom , monitoring.coreos.com/team=oaas_core,empty= ",
    want: { release: "kube-prom", "monitoring.coreos.com/team": "oaas_core", empty: "" },
  },
  { variable: vars.promScrapeKind, raw: "podmonitor", want: "podmonitor" },
  { variable: vars.promScrapeKind, raw: "service", want: "servicemonitor" },
  { variable: vars.promScrapeKind, raw: "pod", want: "podmonitor" },
  { variable: vars.promScrapeKind, raw: "none", want: "none" },
  { variable: vars.promQueryTimeout, raw: "30", want: 30 },
  { variable: vars.promRange, raw: "1h30m", want: "1h30m" },
  { variable: vars.promStep, raw: "1m", want: "1m" },
  { variable: vars.promRateWindow, raw: "2m", want: "2m" },
  { variable: vars.promScrapeInterval, raw: "10s", want: "10s" },
  {
    variable: vars.odgmImage,
    raw: "ghcr.io/pawissanutt/oprc-odgm:0.4.1",
    want: "ghcr.io/pawissanutt/oprc-odgm:0.4.1",
  },
  { variable: vars.odgmImage, raw: "localhost:5000/odgm", want: "localhost:5000/odgm" },
  {
    variable: vars.odgmImage,
    raw: `registry.local/oaas/odgm:dev@sha256:${"a".repeat(64)}`,
    want: `registry.local/oaas/odgm:dev@sha256:${"a".repeat(64)}`,
  },
  { variable: vars.availabilityOverride, raw: "0.995", want: 0.995 },
  { variable: vars.availabilityOverride, raw: "0", want: 0 },
  { variable: vars.availabilityOverride, raw: "1", want: 1 },
  { variable: vars.authDisabled, raw: "true", want: true },
  { variable: vars.authTokensFile, raw: "/etc/oaas/auth/tokens.csv", want: "/etc/oaas/auth/tokens.csv" },
  {
    variable: vars.authMtlsClientsFile,
    raw: "/etc/oaas/auth/clients.csv",
    want: "/etc/oaas/auth/clients.csv",
    given: [profile("edge"), withTls()],
  },
  {
    variable: vars.authOidcIssuer,
    raw: "https://idp.example/",
    want: "https://idp.example/",
    given: [set(vars.authOidcAudience, "oaas")],
  },
  {
    variable: vars.authOidcAudience,
    raw: "oaas-crm",
    want: "oaas-crm",
    given: [set(vars.authOidcIssuer, "https://idp.example")],
  },
  {
    variable: vars.authOidcRoleClaim,
    raw: "groups",
    want: "groups",
    given: [set(vars.authOidcIssuer, "https://idp.example"), set(vars.authOidcAudience, "a")],
  },
  {
    variable: vars.authOidcNamespacesClaim,
    raw: "ns",
    want: "ns",
    given: [set(vars.authOidcIssuer, "https://idp.example"), set(vars.authOidcAudience, "a")],
  },
  {
    variable: vars.authOidcJwksUrl,
    raw: "https://idp.example/keys",
    want: "https://idp.example/keys",
    given: [set(vars.authOidcIssuer, "https://idp.example"), set(vars.authOidcAudience, "a")],
  },
  { variable: vars.allowedNamespaces, raw: "default", want: ["default"] },
  { variable: vars.maxInFlightPerPrincipal, raw: "8", want: 8 },
  { variable: vars.listenHost, raw: "127.0.0.1", want: "127.0.0.1" },
  { variable: vars.listenHost, raw: "::1", want: "::1" },
];

describe("config: overrides", function () {
  for (const row of rows) {
    it(`${row.variable}=${row.raw}${isSupported(row.variable) ? "" : " is refused: not supported yet"}`, function () {
      if (!isSupported(row.variable)) {
        const error = configError(env(...(row.given ?? []), set(row.variable, row.raw)));
        expect(error.variables).to.include(row.variable);
        expect(error.message).to.include(`${row.variable}="${row.raw}": not supported yet`);
        return;
      }
      const config = parseCrmConfig(env(...(row.given ?? []), set(row.variable, row.raw)));
      expect(fieldOf[row.variable](config)).to.deep.equal(row.want);
      expect(config.setVariables).to.include(row.variable);
    });
  }

  it("every variable has a row", function () {
    const covered = new Set(rows.map((row) => row.variable));
    expect(Object.values(vars).filter((name) => !covered.has(name))).to.deep.equal([]);
  });

  it("values are trimmed", function () {
    expect(parseCrmConfig({ [vars.httpPort]: " 9000\n" }).ingress.port).to.equal(9000);
  });

  it("OPRC_CRM_HTTP_PORT wins over HTTP_PORT, which is then not even checked", function () {
    expect(parseCrmConfig({ HTTP_PORT: "7000", OPRC_CRM_HTTP_PORT: "9000" }).ingress.port).to.equal(9000);
    const config = parseCrmConfig({ HTTP_PORT: "not-a-port", OPRC_CRM_HTTP_PORT: "9000" });
    expect(config.setVariables).to.deep.equal([vars.httpPort]);
  });

  it("every boolean spelling, any case", function () {
    const spellings: [string, boolean][] = [
      ["true", true],
      ["TRUE", true],
      ["1", true],
      ["yes", true],
      ["Yes", true],
      ["false", false],
      ["False", false],
      ["0", false],
      ["no", false],
      ["NO", false],
    ];
    for (const [raw, want] of spellings) {
      expect(parseCrmConfig({ [vars.hpa]: raw }).features.hpa, raw).to.equal(want);
    }
  });

  it("TLS paths are dropped when mTLS is explicitly off", function () {
    const config = parseCrmConfig(env(set(vars.mtls, "false"), withTls()));
    expect(config.tls).to.deep.equal({});
  });

  it("setVariables lists what was set, sorted", function () {
    const config = parseCrmConfig(env(set(vars.odgm, "true"), set(vars.namespace, "x"), set(vars.hpa, "")));
    expect(config.setVariables).to.deep.equal([vars.odgm, vars.namespace].sort());
  });
});
