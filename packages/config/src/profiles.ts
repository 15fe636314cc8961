// Per-profile defaults. Profiles are presets over one code path (seed 002 "Runtime
// profiles"): every value here can be overridden by its variable. Seeds: 000/001 =
// CRM README (two revisions), 002 = architecture plan; the brief for this package
// fixes ODGM (true only in full) and mTLS (false in dev, true in full).
import type { CrmConfig, Profile } from "./types.ts";

/** What a profile decides; TLS paths, Prometheus URL, ODGM image and availability have no default. */
export type ProfileDefaults = Omit<CrmConfig, "profile" | "tls" | "setVariables">;

export const defaultNamespace = "default"; // seed 002 "OPRC_CRM_K8S_NAMESPACE = default"
export const defaultPort = 8088; // seed 000 "HTTP_PORT=8088", issue 3 item 4 "default port 8088"

const dev: ProfileDefaults = {
  namespace: defaultNamespace,
  ingress: { port: defaultPort },
  /** Seed 002 "OPRC_CRM_LOG = info|debug (default debug in dev)". */
  log: { level: "debug" },
  features: {
    /** Seed 002 dev: "NFR enforcement: off by default (observe-only)"; 001 default false. */
    nfrEnforcement: false,
    /** Seed 002 dev: "HPA/KEDA: disabled by default". */
    hpa: false,
    /** Seeds 001/002 struct: default false; 002 lists Knative only under full. */
    knative: false,
    /** Seed 002 dev: "Prometheus: optional"; 000 "default false". */
    prometheus: false,
    /** Seed 002 dev: "Leader election: enabled by default (can be disabled)"; 001 (true). */
    leaderElection: true,
    /** Seed 000: "profile default true only in full/prod". */
    odgm: false,
    /** Seeds 000/001/002: "default false in dev, true in full". */
    mtls: false,
  },
  /** Seed 000: OPRC_CRM_ANALYZER_INTERVAL_SECS (60). Seconds. */
  analyzer: { intervalSeconds: 60 },
  enforcement: {
    /** Seed 000: OPRC_CRM_ENFORCEMENT_STABILITY_SECS (default 180). Seconds. */
    stabilitySeconds: 180,
    /** Seeds 000/001 and 002's struct: 120 s; 002's key list gives 60 for full and "dev/edge higher". */
    cooldownSeconds: 120,
    /** Seeds 001/002: 30, unit percent (002 "max_replica_delta_pct"). */
    maxReplicaDelta: 30,
    /** Seeds 001 and 002's struct: 20; 002's (production-flavoured) key list says 50, used for full. */
    maxReplicas: 20,
    /** Seed 000: OPRC_CRM_REQ_CPU_PER_POD_M (default 500). Millicores. */
    cpuPerPodMillicores: 500,
    /** Not in the seeds: recommendations from under 80 % of the expected samples are not applied. */
    minConfidence: 0.8,
  },
  prometheus: {
    /** Seed 000: OPRC_CRM_PROM_MATCH_LABELS optional; no labels. */
    matchLabels: {},
    /** Seed 000: OPRC_CRM_PROM_SCRAPE_KIND "default auto". */
    scrapeKind: "auto",
    /** Seed 000: OPRC_CRM_PROM_QUERY_TIMEOUT_SECS "default 5". Seconds. */
    queryTimeoutSeconds: 5,
    /** Seed 000: OPRC_CRM_PROM_RANGE "default 10m", OPRC_CRM_PROM_STEP "default 30s". */
    range: "10m",
    step: "30s",
    /** Seed 000's queries use [1m] for rps and latency; 15 s scrapes give it 4 points (Prometheus' rule of thumb for rate()). */
    rateWindow: "1m",
    scrapeInterval: "15s",
  },
  odgm: {},
  envHealth: {},
  /** Not in the seeds (the Rust CRM had no queue): the local Redis the dev setup runs. */
  redis: { url: "redis://127.0.0.1:6379", prefix: "oaas" },
  /**
   * Not in the seeds. A reconcile mostly waits on the API server (about 1.6 s for a new
   * record on a loaded 2-core cluster, bench:converge), so 16 in flight keep the API
   * server busy where 4 left a 1000-record burst queued for minutes; the CRM process
   * itself stays under a third of a core. 2/s with a burst of 5 per record stops one hot
   * record from starving others.
   */
  reconcile: { concurrency: 16, maxAttempts: 8, recordRatePerSecond: 2, recordBurst: 5 },
  /**
   * Not in the seeds (client-go bounds a client with QPS 5 / burst 10 by default). 32
   * requests at the API server per process: 16 reconciles apply up to 7 children each at
   * once, and 4 such processes against one API server pushed Service applies past the
   * client's 15 s bound (bench:converge, 1000 records); waiting in the process costs less
   * than a timed-out request retried with backoff.
   */
  kube: { maxInFlight: 32 },
  /** client-go's leader-election defaults (15/10/2 s); 5 min resync like controller-runtime's SyncPeriod order of magnitude, scaled down for a small fleet. */
  /** Not in the seeds: the next port after the ingress's 8088; read-only until an operator opts in. */
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
    /** Seed 000 "Modes: off (default in dev), basic (edge), full (prod)"; records must still opt in (mode=enforce). */
    nfrEnforcement: true,
    /** Seed 002 edge: "prefer HPA if available" (the enforcer only patches an HPA that exists). */
    hpa: true,
    /** Seeds name no mTLS default for edge. On: edge clusters are reached over networks the operator does not own, and only dev is meant to run an unauthenticated Deploy endpoint. */
    mtls: true,
    // ODGM stays off: seed 002 says "enabled with simplified settings" for edge, but the later README (000) and the brief say true only in full.
  },
  /** Seed 002 edge: "Prometheus: optional; reduced query frequency": twice dev's 60 s. */
  analyzer: { intervalSeconds: 120 },
};

const full: ProfileDefaults = {
  ...dev,
  log: { level: "info" },
  /** Seed 002 full: enforcement active, HPA enabled, Prometheus required, Knative enabled (templates still check the CRDs exist), ODGM enabled; mTLS per 000/001/002. */
  features: {
    nfrEnforcement: true,
    hpa: true,
    knative: true,
    prometheus: true,
    leaderElection: true,
    odgm: true,
    mtls: true,
  },
  /** Seed 002 key list: cooldown 60 s "(dev/edge higher)", max replicas 50. */
  enforcement: { ...dev.enforcement, cooldownSeconds: 60, maxReplicas: 50 },
};

const byProfile: Readonly<Record<Profile, ProfileDefaults>> = { dev, edge, full };

/** A fresh copy of a profile's defaults (callers may mutate it). */
export function profileDefaults(profile: Profile): ProfileDefaults {
  return structuredClone(byProfile[profile]);
}
