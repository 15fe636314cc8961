// What each profile gives when only the variables it requires are set.
import { expect } from "chai";
import {
  isSupported,
  parseCrmConfig,
  profiles,
  vars,
  type CrmConfig,
  type Features,
  type Profile,
} from "../../src/index.ts";
import { env, ready } from "./fixtures.ts";

interface Row {
  profile: Profile;
  features: Features;
  log: CrmConfig["log"]["level"];
  analyzerInterval: number;
  cooldown: number;
  maxReplicas: number;
}

const rows: Row[] = [
  {
    profile: "dev",
    features: {
      nfrEnforcement: false,
      hpa: false,
      knative: false,
      prometheus: false,
      leaderElection: true,
      odgm: false,
      mtls: false,
    },
    log: "debug",
    analyzerInterval: 60,
    cooldown: 120,
    maxReplicas: 20,
  },
  {
    profile: "edge",
    features: {
      nfrEnforcement: isSupported(vars.nfrEnforcement),
      hpa: true,
      knative: false,
      prometheus: false,
      leaderElection: true,
      odgm: false,
      mtls: true,
    },
    log: "info",
    analyzerInterval: 120,
    cooldown: 120,
    maxReplicas: 20,
  },
  {
    profile: "full",
    features: {
      nfrEnforcement: isSupported(vars.nfrEnforcement),
      hpa: true,
      knative: true,
      prometheus: isSupported(vars.prometheus),
      leaderElection: true,
      odgm: true,
      mtls: true,
    },
    log: "info",
    analyzerInterval: 60,
    cooldown: 60,
    maxReplicas: 50,
  },
];

describe("config: defaults per profile", function () {
  for (const row of rows) {
    it(row.profile, function () {
      const config = parseCrmConfig(env(...ready(row.profile)));
      expect(config.profile).to.equal(row.profile);
      expect(config.features).to.deep.equal(row.features);
      expect(config.log.level).to.equal(row.log);
      expect(config.analyzer.intervalSeconds).to.equal(row.analyzerInterval);
      expect(config.enforcement.cooldownSeconds).to.equal(row.cooldown);
      expect(config.enforcement.maxReplicas).to.equal(row.maxReplicas);
      // The same in every profile:
      expect(config.namespace).to.equal("default");
      expect(config.ingress.port).to.equal(8088);
      expect(config.enforcement.stabilitySeconds).to.equal(180);
      expect(config.enforcement.maxReplicaDelta).to.equal(30);
      expect(config.enforcement.cpuPerPodMillicores).to.equal(500);
      expect(config.prometheus).to.deep.include({
        matchLabels: {},
        scrapeKind: "auto",
        queryTimeoutSeconds: 5,
        range: "10m",
        step: "30s",
      });
      expect(config.odgm).to.deep.equal({});
      expect(config.envHealth).to.deep.equal({});
    });
  }

  it("an empty environment is the dev profile, complete", function () {
    expect(parseCrmConfig({})).to.deep.equal({
      profile: "dev",
      namespace: "default",
      ingress: { port: 8088, maxInFlightPerPrincipal: 64 },
      log: { level: "debug" },
      features: rows[0]?.features,
      tls: {},
      analyzer: { intervalSeconds: 60 },
      enforcement: {
        stabilitySeconds: 180,
        cooldownSeconds: 120,
        maxReplicaDelta: 30,
        maxReplicas: 20,
        cpuPerPodMillicores: 500,
        minConfidence: 0.8,
      },
      prometheus: {
        matchLabels: {},
        scrapeKind: "auto",
        queryTimeoutSeconds: 5,
        range: "10m",
        step: "30s",
        rateWindow: "1m",
        scrapeInterval: "15s",
      },
      odgm: {},
      envHealth: {},
      redis: { url: "redis://127.0.0.1:6379", prefix: "oaas" },
      reconcile: { concurrency: 16, maxAttempts: 8, recordRatePerSecond: 2, recordBurst: 5 },
      kube: { maxInFlight: 32 },
      dashboard: { port: 8089, basePath: "/", readOnly: true },
      auth: { open: "dev-default", allowedNamespaces: ["default"] },
      watcher: {
        resyncSeconds: 300,
        childSettleMs: 0,
        leaseName: "oaas-crm-watcher",
        leaseDurationSeconds: 15,
        renewDeadlineSeconds: 10,
        retryPeriodSeconds: 2,
      },
      setVariables: [],
    });
  });

  it("empty values count as unset", function () {
    const blank = Object.fromEntries(
      ["OPRC_CRM_PROFILE", "OPRC_CRM_FEATURES_ODGM", "HTTP_PORT", "OPRC_CRM_PROM_URL"].map((n) => [n, "  "]),
    );
    expect(parseCrmConfig(blank)).to.deep.equal(parseCrmConfig({}));
  });

  it("variables without the OPRC_CRM_ prefix are ignored (other than HTTP_PORT)", function () {
    expect(parseCrmConfig({ PATH: "/usr/bin", HOME: "/root", OPRC_PM_X: "1" })).to.deep.equal(
      parseCrmConfig({}),
    );
  });

  it("profile names are case-insensitive and every profile is covered", function () {
    expect(parseCrmConfig({ OPRC_CRM_PROFILE: "DEV" }).profile).to.equal("dev");
    expect(rows.map((row) => row.profile)).to.deep.equal([...profiles]);
  });
});
