// Problems are collected, not thrown one at a time; settings that depend on each other.
import { expect } from "chai";
import { isSupported, parseCrmConfig, vars } from "../../src/index.ts";
import { configError, env, profile, set, withPromUrl, withTls, withTokens } from "./fixtures.ts";

describe("config: several problems and relations", function () {
  it("reports every bad variable at once, one line each, in reading order", function () {
    const error = configError(
      env(
        profile("staging"),
        set(vars.httpPort, "0"),
        set(vars.odgm, "maybe"),
        set(vars.promRange, "ten minutes"),
        set(vars.availabilityOverride, "2"),
        set("OPRC_CRM_FEATURE_HPA", "true"),
      ),
    );
    expect(error.variables).to.deep.equal([
      vars.profile,
      vars.httpPort,
      vars.odgm,
      vars.promRange,
      vars.availabilityOverride,
      "OPRC_CRM_FEATURE_HPA",
    ]);
    const lines = error.message.split("\n");
    expect(lines).to.have.length(6);
    lines.forEach((line, i) => expect(line.startsWith(error.variables[i] ?? "?"), line).to.be.true);
    expect(error.variable).to.equal(vars.profile);
    expect(error.name).to.equal("ConfigError");
  });

  it("a bad profile still checks the rest (against dev's defaults)", function () {
    expect(configError(env(profile("prod"), set(vars.hpa, "x"))).variables).to.deep.equal([
      vars.profile,
      vars.hpa,
    ]);
  });

  it("mTLS on (full default) without files names each missing file", function () {
    const error = configError(env(profile("full"), withPromUrl(), withTokens()));
    expect(error.variables).to.deep.equal([vars.tlsCertFile, vars.tlsKeyFile, vars.tlsCaFile]);
    expect(error.message).to.include(
      `${vars.tlsCertFile} (not set): required because mTLS is on (default of profile full)`,
    );
    expect(error.message).to.include(`or set ${vars.mtls}=false`);
  });

  it("mTLS switched on in dev with one file given names the two missing", function () {
    const error = configError(env(set(vars.mtls, "yes"), set(vars.tlsCaFile, "/ca.pem")));
    expect(error.variables).to.deep.equal([vars.tlsCertFile, vars.tlsKeyFile]);
    expect(error.message).to.include(`mTLS is on (${vars.mtls}=true)`);
  });

  it("mTLS on with all three files gives the paths", function () {
    const config = parseCrmConfig(env(profile("edge"), withTls(), withTokens()));
    expect(config.tls).to.deep.equal({
      certFile: "/etc/oaas/tls/tls.crt",
      keyFile: "/etc/oaas/tls/tls.key",
      caFile: "/etc/oaas/tls/ca.crt",
    });
  });

  it("TLS files while mTLS is off by default are refused, each by name", function () {
    const error = configError(env(profile("dev"), withTls()));
    expect(error.variables).to.deep.equal([vars.tlsCertFile, vars.tlsKeyFile, vars.tlsCaFile]);
    expect(error.message).to.include("mTLS is off (default of profile dev)");
  });

  it("Prometheus on without a URL names the URL (full default and explicit)", function () {
    if (!isSupported(vars.promUrl)) this.skip(); // the analyzer reads these; re-enabled with it
    const byDefault = configError(env(profile("full"), withTls(), withTokens()));
    expect(byDefault.variables).to.deep.equal([vars.promUrl]);
    expect(byDefault.message).to.include("Prometheus feature is on (default of profile full)");
    const explicit = configError(env(set(vars.prometheus, "true")));
    expect(explicit.message).to.include(`(${vars.prometheus}=true)`);
    expect(
      parseCrmConfig(env(profile("full"), withTls(), withTokens(), set(vars.prometheus, "false"))).prometheus
        .url,
    ).to.be.undefined;
  });

  it("a bad URL is one problem, not also 'missing'", function () {
    if (!isSupported(vars.promUrl)) this.skip(); // the analyzer reads these; re-enabled with it
    expect(configError(env(set(vars.prometheus, "1"), set(vars.promUrl, "::"))).variables).to.deep.equal([
      vars.promUrl,
    ]);
  });

  it("step may not exceed range, whichever of them was set", function () {
    if (!isSupported(vars.promUrl)) this.skip(); // the analyzer reads these; re-enabled with it
    expect(configError(env(set(vars.promStep, "11m"))).message).to.equal(
      `${vars.promStep}="11m": must not exceed ${vars.promRange} (10m)`,
    );
    expect(configError(env(set(vars.promRange, "10s"))).message).to.equal(
      `${vars.promStep} (not set): its default 30s must not exceed ${vars.promRange} (10s)`,
    );
    expect(parseCrmConfig(env(set(vars.promRange, "30s"))).prometheus.step).to.equal("30s");
  });

  it("the rate window must span 4 scrape intervals, whichever of them was set", function () {
    expect(configError(env(set(vars.promRateWindow, "30s"))).message).to.equal(
      `${vars.promRateWindow}="30s": must be at least 4 x ${vars.promScrapeInterval} (15s), or rate() sees too few points per window`,
    );
    expect(configError(env(set(vars.promScrapeInterval, "30s"))).message).to.equal(
      `${vars.promRateWindow} (not set): its default 1m must be at least 4 x ${vars.promScrapeInterval} (30s), or rate() sees too few points per window`,
    );
    expect(
      parseCrmConfig(env(set(vars.promRateWindow, "2m"), set(vars.promScrapeInterval, "30s"))).prometheus
        .rateWindow,
    ).to.equal("2m");
  });

  it("query timeout must be below the analyzer interval", function () {
    if (!isSupported(vars.promUrl)) this.skip(); // the analyzer reads these; re-enabled with it
    const error = configError(env(set(vars.analyzerInterval, "5")));
    expect(error.variables).to.deep.equal([vars.promQueryTimeout]);
    expect(error.message).to.include(`its default 5 must be less than ${vars.analyzerInterval} (5)`);
    expect(parseCrmConfig(env(set(vars.analyzerInterval, "6"))).analyzer.intervalSeconds).to.equal(6);
  });

  it("profile full turns Prometheus analysis and enforcement on, so it needs OPRC_CRM_PROM_URL", function () {
    expect(configError(env(profile("full"), withTls(), withTokens())).variables).to.deep.equal([
      vars.promUrl,
    ]);
    const config = parseCrmConfig(env(profile("full"), withTls(), withPromUrl(), withTokens()));
    expect(config.features.prometheus).to.equal(true);
    expect(config.features.nfrEnforcement).to.equal(true);
  });

  it("profiles edge and full refuse to run open unless told to; dev runs open and says so", function () {
    for (const p of ["edge", "full"] as const) {
      const error = configError(env(profile(p), withTls(), withPromUrl()));
      expect(error.variables).to.deep.equal([vars.authTokensFile]);
      expect(error.message).to.include(`required by profile ${p}`).and.include(`${vars.authDisabled}=true`);
      const open = parseCrmConfig(env(profile(p), withTls(), withPromUrl(), set(vars.authDisabled, "true")));
      expect(open.auth.open).to.equal("explicit");
    }
    expect(parseCrmConfig(env(profile("dev"))).auth.open).to.equal("dev-default");
    expect(parseCrmConfig(env(profile("dev"), withTokens())).auth.open).to.equal(false);
    expect(
      parseCrmConfig(env(profile("edge"), withTls(), withTokens())).auth.allowedNamespaces,
    ).to.deep.equal(["default"]);
  });

  it("auth settings that contradict each other or would be ignored are refused", function () {
    expect(configError(env(withTokens(), set(vars.authDisabled, "true"))).variables).to.deep.equal([
      vars.authDisabled,
    ]);
    expect(configError(env(set(vars.authOidcIssuer, "https://idp.example"))).variables).to.deep.equal([
      vars.authOidcAudience,
    ]);
    expect(configError(env(set(vars.authMtlsClientsFile, "/c.csv"))).variables).to.deep.equal([
      vars.authMtlsClientsFile,
    ]);
  });

  it("a bad value does not cascade into relation errors", function () {
    expect(configError(env(set(vars.mtls, "sure"), withTls())).variables).to.deep.equal([vars.mtls]);
    expect(configError(env(set(vars.analyzerInterval, "0"))).variables).to.include(vars.analyzerInterval);
    expect(configError(env(set(vars.promRange, "1x"))).variables).to.include(vars.promRange);
  });
});
