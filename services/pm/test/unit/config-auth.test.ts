// The PM's authentication and secret-file settings: something configured or running open
// said out loud, write limits, CRM tokens and the etcd password as files (never both forms).
import { expect } from "chai";
import { parsePmConfig, PmConfigError } from "../../src/config/index.ts";

function problems(env: Record<string, string>): string {
  try {
    parsePmConfig(env);
  } catch (error) {
    if (error instanceof PmConfigError) return error.message;
    throw error;
  }
  return "";
}

describe("pm config: authentication", function () {
  it("refuses to start with nothing configured, naming the settings that fix it", function () {
    const text = problems({});
    expect(text).to.contain("OPRC_PM_AUTH_TOKENS_FILE");
    expect(text).to.contain("OPRC_PM_AUTH_OIDC_ISSUER");
    expect(text).to.contain("OPRC_PM_AUTH_DISABLED=true");
  });

  it("a tokens file, with the default write limits", function () {
    const c = parsePmConfig({ OPRC_PM_AUTH_TOKENS_FILE: "/etc/oaas/tokens.csv" });
    expect(c.auth).to.deep.equal({
      disabled: false,
      tokensFile: "/etc/oaas/tokens.csv",
      writeRatePerSec: 20,
      writeBurst: 20,
    });
  });

  it("OIDC: issuer with audience and claims; an issuer without audience or a detail without issuer is refused", function () {
    const c = parsePmConfig({
      OPRC_PM_AUTH_OIDC_ISSUER: "https://idp.example",
      OPRC_PM_AUTH_OIDC_AUDIENCE: "oaas",
      OPRC_PM_AUTH_OIDC_NAMESPACES_CLAIM: "ns",
      OPRC_PM_WRITE_RATE_PER_SEC: "5",
      OPRC_PM_WRITE_BURST: "50",
    });
    expect(c.auth).to.deep.equal({
      disabled: false,
      oidc: {
        issuer: "https://idp.example",
        audience: "oaas",
        roleClaim: "oaas_role",
        namespacesClaim: "ns",
      },
      writeRatePerSec: 5,
      writeBurst: 50,
    });
    expect(problems({ OPRC_PM_AUTH_OIDC_ISSUER: "https://idp.example" })).to.contain(
      "OPRC_PM_AUTH_OIDC_AUDIENCE",
    );
    expect(problems({ OPRC_PM_AUTH_TOKENS_FILE: "/t", OPRC_PM_AUTH_OIDC_AUDIENCE: "oaas" })).to.contain(
      "OPRC_PM_AUTH_OIDC_ISSUER is not",
    );
  });

  it("disabled: explicit only, and never together with credentials", function () {
    expect(parsePmConfig({ OPRC_PM_AUTH_DISABLED: "true" }).auth.disabled).to.equal(true);
    expect(problems({ OPRC_PM_AUTH_DISABLED: "true", OPRC_PM_AUTH_TOKENS_FILE: "/t" })).to.contain(
      "would be ignored",
    );
    expect(problems({ OPRC_PM_AUTH_DISABLED: "false" })).to.contain("OPRC_PM_AUTH_TOKENS_FILE");
    expect(problems({ OPRC_PM_AUTH_TOKENS_FILE: "/t", OPRC_PM_WRITE_RATE_PER_SEC: "0" })).to.contain(
      "OPRC_PM_WRITE_RATE_PER_SEC",
    );
  });

  it("a cluster token from a file or inline, not both; the value of a token never appears", function () {
    const base = {
      OPRC_PM_AUTH_DISABLED: "true",
      OPRC_PM_CRM_CLUSTERS: "edge-a",
      OPRC_PM_CRM_EDGE_A_URL: "http://a",
    };
    const c = parsePmConfig({ ...base, OPRC_PM_CRM_EDGE_A_TOKEN_FILE: "/run/crm/edge-a" });
    expect(c.crm.clusters[0]).to.include({ tokenFile: "/run/crm/edge-a" });
    expect(c.crm.clusters[0]?.token).to.equal(undefined);
    const text = problems({
      ...base,
      OPRC_PM_CRM_EDGE_A_TOKEN_FILE: "/run/crm/edge-a",
      OPRC_PM_CRM_EDGE_A_TOKEN: "s3cret-value",
    });
    expect(text).to.contain("OPRC_PM_CRM_EDGE_A_TOKEN");
    expect(text).not.to.contain("s3cret-value");
    // The chart's TLS variable names are the ones the PM reads.
    const tls = parsePmConfig({
      ...base,
      OPRC_PM_CRM_EDGE_A_URL: "https://a",
      OPRC_PM_CRM_EDGE_A_CA_CERT_PATH: "/tls/ca.crt",
      OPRC_PM_CRM_EDGE_A_CLIENT_CERT_PATH: "/tls/tls.crt",
      OPRC_PM_CRM_EDGE_A_CLIENT_KEY_PATH: "/tls/tls.key",
    });
    expect(tls.crm.clusters[0]?.tls).to.deep.equal({
      caCertPath: "/tls/ca.crt",
      clientCertPath: "/tls/tls.crt",
      clientKeyPath: "/tls/tls.key",
    });
  });

  it("the cluster of CRM_DEFAULT_URL takes its token file and TLS files from OPRC_PM_CRM_DEFAULT_*", function () {
    const c = parsePmConfig({
      OPRC_PM_AUTH_DISABLED: "true",
      CRM_DEFAULT_URL: "http://127.0.0.1:8088",
      OPRC_PM_CRM_DEFAULT_TOKEN_FILE: "/run/crm/default",
    });
    expect(c.crm.clusters).to.deep.equal([
      { name: "default", url: "http://127.0.0.1:8088", timeoutMs: 30_000, tokenFile: "/run/crm/default" },
    ]);
    expect(
      problems({
        OPRC_PM_AUTH_DISABLED: "true",
        CRM_DEFAULT_URL: "http://a",
        OPRC_PM_CRM_DEFAULT_URL: "http://b",
      }),
    ).to.contain("OPRC_PM_CRM_DEFAULT_URL");
  });

  it("the etcd password from a file or inline, not both", function () {
    const base = { OPRC_PM_AUTH_DISABLED: "true", STORAGE_TYPE: "etcd", ETCD_USERNAME: "pm" };
    const c = parsePmConfig({ ...base, OPRC_PM_ETCD_PASSWORD_FILE: "/run/etcd/password" });
    expect(c.storage).to.deep.include({ type: "etcd" });
    expect(c.storage.type === "etcd" ? c.storage.etcd : undefined).to.include({
      username: "pm",
      passwordFile: "/run/etcd/password",
    });
    expect(problems({ ...base, OPRC_PM_ETCD_PASSWORD_FILE: "/p", ETCD_PASSWORD: "pa55" })).to.contain(
      "OPRC_PM_ETCD_PASSWORD_FILE",
    );
    expect(problems({ OPRC_PM_AUTH_DISABLED: "true", OPRC_PM_ETCD_PASSWORD_FILE: "/p" })).to.contain(
      "ETCD_USERNAME",
    );
  });
});
