// Per-profile defaults. Profiles are presets over one code path: every value here can
// be overridden by its variable. The settings table in packages/config/README.md lists
// each default per profile; ODGM is on only in full, mTLS off only in dev.
import type { CrmConfig, Profile } from "./types.ts";

/** What a profile decides; TLS paths, Prometheus URL, ODGM image and availability have no default. */
export type ProfileDefaults = Omit<CrmConfig, "profile" | "tls" | "auth" | "setVariables">;

export const defaultNamespace = "default"; // OPRC_CRM_K8S_NAMESPACE
export const defaultPort = 8088; // OPRC_CRM_HTTP_PORT / HTTP_PORT

const dev: ProfileDefaults = {
  namespace: defaultNamespace,
  /** 64 RPCs in flight per principal: far above what the PM keeps open per cluster (one session, a few calls), low enough that one caller leaves room for others. */
  ingress: { port: defaultPort, maxInFlightPerPrincipal: 64 },
  /** OPRC_CRM_LOG: debug in dev, info elsewhere. */
  log: { level: "debug" },
  features: {
    /** Off in dev: recommendations are observed, never applied. */
    nfrEnforcement: false,
    /** No HPA in dev. */
    hpa: false,
    /** Knative only in full. */
    knative: false,
    /** Prometheus is optional in dev: off unless OPRC_CRM_FEATURES_PROMETHEUS is set. */
    prometheus: false,
    /** On by default in every profile (can be turned off). */
    leaderElection: true,
    /** ODGM is on by default only in full. */
    odgm: false,
    /** Off in dev, on in edge and full. */
    mtls: false,
  },
  /** OPRC_CRM_ANALYZER_INTERVAL_SECS, default 60. Seconds. */
  analyzer: { intervalSeconds: 60 },
  enforcement: {
    /** OPRC_CRM_ENFORCEMENT_STABILITY_SECS, default 180. Seconds. */
    stabilitySeconds: 180,
    /** 120 s in dev and edge, 60 s in full. Seconds. */
    cooldownSeconds: 120,
    /** 30, unit percent: the largest replica change one enforcement step makes. */
    maxReplicaDelta: 30,
    /** 20 in dev and edge, 50 in full. */
    maxReplicas: 20,
    /** OPRC_CRM_REQ_CPU_PER_POD_M, default 500. Millicores. */
    cpuPerPodMillicores: 500,
    /** Recommendations from under 80 % of the expected samples are not applied. */
    minConfidence: 0.8,
  },
  prometheus: {
    /** OPRC_CRM_PROM_MATCH_LABELS is optional; default no labels. */
    matchLabels: {},
    /** OPRC_CRM_PROM_SCRAPE_KIND, default auto. */
    scrapeKind: "auto",
    /** OPRC_CRM_PROM_QUERY_TIMEOUT_SECS, default 5. Seconds. */
    queryTimeoutSeconds: 5,
    /** OPRC_CRM_PROM_RANGE, default 10m; OPRC_CRM_PROM_STEP, default 30s. */
    range: "10m",
    step: "30s",
    /** The rps and latency queries use [1m]; 15 s scrapes give it 4 points (rate() needs several: https://prometheus.io/docs/prometheus/latest/querying/functions/#rate). */
    rateWindow: "1m",
    scrapeInterval: "15s",
  },
  odgm: {},
  envHealth: {},
  /** The local Redis the dev setup runs (work queues and record history). */
  redis: { url: "redis://127.0.0.1:6379", prefix: "oaas" },
  /**
   * A reconcile mostly waits on the API server (about 1.6 s for a new
   * record on a loaded 2-core cluster, bench:converge), so 16 in flight keep the API
   * server busy where 4 left a 1000-record burst queued for minutes; the CRM process
   * itself stays under a third of a core. 2/s with a burst of 5 per record stops one hot
   * record from starving others.
   */
  reconcile: { concurrency: 16, maxAttempts: 8, recordRatePerSecond: 2, recordBurst: 5 },
  /**
   * client-go bounds a client with QPS 5 / burst 10 by default; here 32
   * requests at the API server per process: 16 reconciles apply up to 7 children each at
   * once, and 4 such processes against one API server pushed Service applies past the
   * client's 15 s bound (bench:converge, 1000 records); waiting in the process costs less
   * than a timed-out request retried with backoff.
   */
  kube: { maxInFlight: 32 },
  /** client-go's leader-election defaults (15/10/2 s); 5 min resync like controller-runtime's SyncPeriod order of magnitude, scaled down for a small fleet. */
  /** The next port after the ingress's 8088; read-only until an operator opts in. */
  dashboard: { port: 8089, basePath: "/", readOnly: true },
  watcher: {
    resyncSeconds: 300,
    /** Off: measured (bench:converge, 200 records, 4 reconcilers) 2 s cut reconciles per record from 2.9 to 2.4 but raised the status lag p50 from 0.4 s to 5-7 s for the same total time. */
    childSettleMs: 0,
    leaseName: "oaas-crm-watcher",
    leaseDurationSeconds: 15,
    renewDeadlineSeconds: 10,
    retryPeriodSeconds: 2,
  },
};

const edge: ProfileDefaults = {
  ...dev,
  log: { level: "info" },
  features: {
    ...dev.features,
    /** On in edge and full; records must still opt in (mode=enforce). */
    nfrEnforcement: true,
    /** Edge prefers an HPA where one exists (the enforcer only patches an HPA that exists). */
    hpa: true,
    /** On: edge clusters are reached over networks the operator does not own, and only dev is meant to run an unauthenticated Deploy endpoint. */
    mtls: true,
    // ODGM stays off in edge: it is on by default only in full.
  },
  /** Prometheus is optional in edge and queried less often: twice dev's 60 s. */
  analyzer: { intervalSeconds: 120 },
};

const full: ProfileDefaults = {
  ...dev,
  log: { level: "info" },
  /** Full: enforcement active, HPA enabled, Prometheus required, Knative enabled (templates still check the CRDs exist), ODGM enabled, mTLS on. */
  features: {
    nfrEnforcement: true,
    hpa: true,
    knative: true,
    prometheus: true,
    leaderElection: true,
    odgm: true,
    mtls: true,
  },
  /** Full: cooldown 60 s (dev and edge wait longer), max replicas 50. */
  enforcement: { ...dev.enforcement, cooldownSeconds: 60, maxReplicas: 50 },
};

const byProfile: Readonly<Record<Profile, ProfileDefaults>> = { dev, edge, full };

/** A fresh copy of a profile's defaults (callers may mutate it). */
export function profileDefaults(profile: Profile): ProfileDefaults {
  return structuredClone(byProfile[profile]);
}
