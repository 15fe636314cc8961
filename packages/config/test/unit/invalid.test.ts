// Each bad value stops parsing with a message naming the variable, the value and what is allowed.
import { expect } from "chai";
import fc from "fast-check";
import { ConfigError, parseCrmConfig, vars, type VariableName } from "../../src/index.ts";
import { configError, env, set, withTls, type EnvOption } from "./fixtures.ts";

interface Row {
  variable: VariableName;
  raw: string;
  /** A fragment of the reason. */
  says: string;
  given?: EnvOption[];
}

const rows: Row[] = [
  { variable: vars.profile, raw: "prod", says: "allowed: dev, edge, full" },
  { variable: vars.profile, raw: "k8s_deployment", says: "allowed: dev, edge, full" },
  { variable: vars.namespace, raw: "OaaS", says: "not a namespace name" },
  { variable: vars.namespace, raw: "a".repeat(64), says: "<= 63" },
  { variable: vars.namespace, raw: "-system", says: "alphanumeric at both ends" },
  { variable: vars.httpPort, raw: "0", says: "from 1 to 65535" },
  { variable: vars.httpPort, raw: "65536", says: "from 1 to 65535" },
  { variable: vars.httpPort, raw: "80.5", says: "not an integer" },
  { variable: vars.httpPortAlias, raw: "http", says: "not an integer" },
  { variable: vars.logLevel, raw: "trace", says: "allowed: error, warn, info, debug" },
  { variable: vars.nfrEnforcement, raw: "on", says: "allowed: true, false, 1, 0, yes, no" },
  { variable: vars.hpa, raw: "2", says: "not a boolean" },
  { variable: vars.knative, raw: "t", says: "not a boolean" },
  { variable: vars.prometheus, raw: "enabled", says: "not a boolean" },
  { variable: vars.leaderElection, raw: "y", says: "not a boolean" },
  { variable: vars.odgm, raw: "truee", says: "not a boolean" },
  { variable: vars.mtls, raw: "required", says: "not a boolean" },
  {
    variable: vars.tlsCertFile,
    raw: "/a\u0000b",
    says: "control characters",
    given: [set(vars.mtls, "true"), withTls()],
  },
  { variable: vars.tlsKeyFile, raw: "/tls/key", says: "mTLS is off", given: [] },
  { variable: vars.tlsCaFile, raw: "/tls/ca", says: "set OPRC_CRM_SECURITY_MTLS=true", given: [] },
  { variable: vars.analyzerInterval, raw: "0", says: "seconds from 1 to 86400" },
  { variable: vars.analyzerInterval, raw: "1m", says: "not an integer" },
  { variable: vars.stability, raw: "-5", says: "from 1 to" },
  { variable: vars.cooldown, raw: "1e3", says: "not an integer" },
  { variable: vars.cooldown, raw: "86401", says: "out of range" },
  { variable: vars.maxReplicaDelta, raw: "0", says: "percent from 1 to 1000" },
  { variable: vars.maxReplicaDelta, raw: "30%", says: "not an integer" },
  { variable: vars.maxReplicas, raw: "0", says: "replicas from 1 to 10000" },
  { variable: vars.maxReplicas, raw: "99999999999999999999", says: "out of range" },
  { variable: vars.cpuPerPod, raw: "500m", says: "not an integer" },
  { variable: vars.minConfidence, raw: "80%", says: "not a decimal number" },
  { variable: vars.minConfidence, raw: "1.5", says: "out of range" },
  { variable: vars.promUrl, raw: "prometheus:9090/", says: "scheme prometheus: not allowed" },
  { variable: vars.promUrl, raw: "not a url", says: "not a URL" },
  { variable: vars.promUrl, raw: "ftp://prom", says: "allowed: http, https" },
  { variable: vars.promMatchLabels, raw: "release", says: "has no '='" },
  { variable: vars.promMatchLabels, raw: "a=b,,c=d", says: "has no '='" },
  { variable: vars.promMatchLabels, raw: "-bad=x", says: "not a valid label key" },
  { variable: vars.promMatchLabels, raw: "Bad.Prefix/k=x", says: "not a valid label key" },
  { variable: vars.promMatchLabels, raw: "k=has space", says: "not a valid label value" },
  { variable: vars.promMatchLabels, raw: `k=${"v".repeat(64)}`, says: "not a valid label value" },
  { variable: vars.dashboardPort, raw: "0", says: "from 1 to 65535" },
  { variable: vars.dashboardBasePath, raw: "dashboard", says: "not a path prefix" },
  { variable: vars.dashboardReadOnly, raw: "maybe", says: "not a boolean" },
  { variable: vars.dashboardAuthFile, raw: "/etc/auth\nx", says: "control characters" },
  { variable: vars.authDisabled, raw: "maybe", says: "not a boolean" },
  { variable: vars.authTokensFile, raw: "/etc/auth\nx", says: "control characters" },
  { variable: vars.authMtlsClientsFile, raw: "/etc/auth\0x", says: "control characters" },
  { variable: vars.authOidcIssuer, raw: "idp.example", says: "http" },
  {
    variable: vars.authOidcJwksUrl,
    raw: "ftp://idp/keys",
    says: "http",
    given: [set(vars.authOidcIssuer, "https://idp.example"), set(vars.authOidcAudience, "oaas")],
  },
  { variable: vars.authOidcAudience, raw: "oaas", says: "is not, so it would be ignored" },
  { variable: vars.authOidcRoleClaim, raw: "groups", says: "is not, so it would be ignored" },
  { variable: vars.authOidcNamespacesClaim, raw: "ns", says: "is not, so it would be ignored" },
  { variable: vars.allowedNamespaces, raw: "default,Team_A", says: "Team_A" },
  { variable: vars.maxInFlightPerPrincipal, raw: "0", says: "1" },
  { variable: vars.listenHost, raw: "localhost", says: "not an IP address" },
  { variable: vars.listenHost, raw: "127.0.0.1:80", says: "not an IP address" },
  { variable: vars.redisUrl, raw: "127.0.0.1:6379", says: "redis://" },
  { variable: vars.redisUrl, raw: "http://redis:6379", says: "scheme http: not allowed" },
  { variable: vars.redisUrl, raw: "redis name", says: "not a URL" },
  { variable: vars.redisPasswordFile, raw: "/etc/pw\nx", says: "control characters" },
  { variable: vars.queuePrefix, raw: "oaas:queues", says: "not a key prefix" },
  { variable: vars.reconcileConcurrency, raw: "0", says: "jobs from 1 to 256" },
  { variable: vars.kubeMaxInFlight, raw: "1025", says: "requests from 0 to 1024" },
  { variable: vars.kubeMaxInFlight, raw: "-1", says: "requests from 0 to 1024" },
  { variable: vars.reconcileMaxAttempts, raw: "many", says: "not an integer" },
  { variable: vars.recordRate, raw: "0", says: "from 1 to 1000" },
  { variable: vars.recordBurst, raw: "-1", says: "from 1 to" },
  { variable: vars.resync, raw: "5", says: "seconds from 10 to 86400" },
  { variable: vars.childSettle, raw: "60001", says: "ms from 0 to 60000" },
  { variable: vars.childSettle, raw: "-1", says: "ms from 0 to 60000" },
  { variable: vars.leaseName, raw: "Watcher", says: "not an object name" },
  { variable: vars.leaseDuration, raw: "1", says: "seconds from 2 to 600" },
  { variable: vars.leaseRenewDeadline, raw: "15", says: "must be less than OPRC_CRM_LEASE_DURATION_SECS" },
  {
    variable: vars.leaseRetryPeriod,
    raw: "10",
    says: "must be less than OPRC_CRM_LEASE_RENEW_DEADLINE_SECS",
  },
  { variable: vars.promMatchLabels, raw: "a=1,a=2", says: "given twice" },
  {
    variable: vars.promScrapeKind,
    raw: "servicemonitors",
    says: "allowed: auto, servicemonitor, podmonitor, none",
  },
  { variable: vars.promQueryTimeout, raw: "301", says: "seconds from 1 to 300" },
  { variable: vars.promRange, raw: "10", says: "not a Prometheus duration" },
  { variable: vars.promRange, raw: "5m1h", says: "largest unit first" },
  { variable: vars.promRange, raw: "0s", says: "longer than zero" },
  { variable: vars.promStep, raw: "30 s", says: "not a Prometheus duration" },
  { variable: vars.promStep, raw: "1.5m", says: "not a Prometheus duration" },
  { variable: vars.promRateWindow, raw: "1 m", says: "not a Prometheus duration" },
  { variable: vars.promScrapeInterval, raw: "0s", says: "must be longer than zero" },
  { variable: vars.odgmImage, raw: "Ghcr.io/Org/ODGM", says: "not an image reference" },
  { variable: vars.odgmImage, raw: "odgm:", says: "not an image reference" },
  { variable: vars.odgmImage, raw: "odgm latest", says: "not an image reference" },
  { variable: vars.availabilityOverride, raw: "1.01", says: "allowed: 0 to 1" },
  { variable: vars.availabilityOverride, raw: "-0.5", says: "not a decimal number" },
  { variable: vars.availabilityOverride, raw: "99%", says: "not a decimal number" },
  { variable: vars.availabilityOverride, raw: "NaN", says: "not a decimal number" },
];

describe("config: invalid values", function () {
  for (const row of rows) {
    it(`${row.variable}=${JSON.stringify(row.raw)}`, function () {
      const error = configError(env(...(row.given ?? []), set(row.variable, row.raw)));
      expect(error.variable).to.equal(row.variable);
      expect(error.variables).to.deep.equal([row.variable]);
      expect(error.message.split("\n")).to.have.length(1);
      expect(error.message).to.include(`${row.variable}=${JSON.stringify(row.raw)}`);
      expect(error.message).to.include(row.says);
      expect(error.problems[0]?.value).to.equal(row.raw);
    });
  }

  it("every variable has a row", function () {
    const covered = new Set(rows.map((row) => row.variable));
    expect(Object.values(vars).filter((name) => !covered.has(name))).to.deep.equal([]);
  });

  it("long values are cut and credentials hidden in the message", function () {
    expect(configError({ [vars.namespace]: "x".repeat(500) }).message.length).to.be.below(300);
    const message = configError({ [vars.promUrl]: "ftp://admin:s3cret@prom" }).message;
    expect(message).not.to.include("s3cret");
    expect(message).to.include("ftp://***@prom");
  });

  it("never throws anything but ConfigError, whatever the values (fuzz)", function () {
    const names = Object.values(vars);
    const anyEnv = fc.dictionary(
      fc.constantFrom(...names),
      fc.oneof(fc.string(), fc.constantFrom("true", "0", "5m", "8088")),
    );
    fc.assert(
      fc.property(anyEnv, (e) => {
        try {
          parseCrmConfig(e);
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          expect(error.problems.length).to.be.greaterThan(0);
          expect(error.message.split("\n")).to.have.length(new Set(error.variables).size);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("any integer in range is accepted as written, any outside refused", function () {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 100_000 }), (n) => {
        const e = { [vars.httpPort]: String(n) };
        if (n >= 1 && n <= 65_535) expect(parseCrmConfig(e).ingress.port).to.equal(n);
        else expect(configError(e).variable).to.equal(vars.httpPort);
      }),
    );
  });
});
