// describeConfig: everything an operator needs in the startup log, nothing secret.
import { expect } from "chai";
import { describeConfig, isSupported, parseCrmConfig, redactUrl, vars } from "../../src/index.ts";
import { env, profile, set, withPromUrl, withTls, withTokens } from "./fixtures.ts";

describe("config: describeConfig", function () {
  it("shows the settings and which variables overrode the profile", function () {
    const prom = isSupported(vars.promUrl) ? [withPromUrl()] : [];
    const config = parseCrmConfig(
      env(profile("full"), withTls(), withTokens(), ...prom, set(vars.odgm, "false")),
    );
    const described = describeConfig(config);
    expect(described).to.deep.include({
      profile: "full",
      namespace: "default",
      port: 8088,
      logLevel: "info",
      tls: {
        certFile: "/etc/oaas/tls/tls.crt",
        keyFile: "/etc/oaas/tls/tls.key",
        caFile: "/etc/oaas/tls/ca.crt",
      },
      odgmImage: "(template default for the profile)",
      availabilityOverride: "(none: ready/total nodes)",
    });
    expect(described.features).to.deep.include({ odgm: false, mtls: true });
    expect(described.overrides).to.include.members([vars.profile, vars.odgm, vars.tlsCaFile]);
    // One log line: it must survive JSON.
    expect(JSON.parse(JSON.stringify(described))).to.deep.equal(described);
  });

  it("says tls off when mTLS is off", function () {
    expect(describeConfig(parseCrmConfig({})).tls).to.equal("off");
  });

  it("hides Prometheus credentials and query strings", function () {
    if (!isSupported(vars.promUrl)) this.skip(); // refused until the analyzer reads it; redactUrl is tested below
    const config = parseCrmConfig(
      env(set(vars.promUrl, "https://svc:t0ken@prom.example/api?token=abc#frag")),
    );
    const text = JSON.stringify(describeConfig(config));
    expect(text).not.to.include("t0ken");
    expect(text).not.to.include("abc");
    expect(text).to.include("https://***@prom.example/api?…");
  });

  it("redactUrl hides credentials and query strings", function () {
    expect(redactUrl("https://svc:t0ken@prom.example/api?token=abc#frag")).to.equal(
      "https://***@prom.example/api?…",
    );
  });

  it("redactUrl leaves plain URLs alone", function () {
    expect(redactUrl("http://prometheus.monitoring:9090")).to.equal("http://prometheus.monitoring:9090/");
    expect(redactUrl("::")).to.equal("(unparseable URL)");
  });

  it("returns copies: editing the description does not change the config", function () {
    const config = parseCrmConfig(env(set(vars.promMatchLabels, "a=b")));
    const described = describeConfig(config) as { prometheus: { matchLabels: Record<string, string> } };
    described.prometheus.matchLabels.a = "changed";
    expect(config.prometheus.matchLabels).to.deep.equal({ a: "b" });
  });
});
