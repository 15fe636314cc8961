// What render needs besides the record: everything the caller knows about the cluster
// and its own configuration, passed in so render stays pure. Field shapes match
// @oaas/config (Profile, Features, ScrapeKind) so the CRM can pass its config through.

export type Profile = "dev" | "edge" | "full";
export type ScrapeKind = "auto" | "servicemonitor" | "podmonitor" | "none";

/** The OPRC_CRM_FEATURES_* flags render reads (a subset of @oaas/config's Features). */
export interface RenderFeatures {
  /** Off: no ODGM objects even when `addons` contains "odgm" (ingress answers FAILED_PRECONDITION). */
  odgm: boolean;
  /** On: a HorizontalPodAutoscaler per Deployment-based function whose max_scale > min replicas. */
  hpa: boolean;
  /** On AND `capabilities.knativeInstalled`: the knative template can be chosen. */
  knative: boolean;
  /** Not read by render today (monitors follow `monitoring`); kept so config.features fits as-is. */
  prometheus?: boolean;
}

/** What the caller detected on the cluster (API discovery), not what it was told. */
export interface Capabilities {
  /** serving.knative.dev/v1 services is served. */
  knativeInstalled: boolean;
  /** monitoring.coreos.com/v1 servicemonitors and podmonitors are served. */
  prometheusOperatorInstalled: boolean;
}

/** ServiceMonitor / PodMonitor options (OPRC_CRM_PROM_SCRAPE_KIND, OPRC_CRM_PROM_MATCH_LABELS). */
export interface MonitoringOptions {
  /** auto = ServiceMonitor for Deployment templates, none for Knative. */
  scrapeKind: ScrapeKind;
  /** Extra labels on the monitor so the Prometheus Operator selects it; assumed valid (config checks them). */
  matchLabels: Record<string, string>;
}

export interface RenderContext {
  /** OPRC_CRM_PROFILE: scoring bonus, default replicas, default ODGM image. */
  profile: Profile;
  features: RenderFeatures;
  capabilities: Capabilities;
  /** OPRC_CRM_ODGM_IMAGE; default per profile, see defaultOdgmImages. */
  odgmImage?: string;
  /**
   * Absent = monitors are not asked for (the default). Present: one ServiceMonitor or
   * PodMonitor per record, when the scrape kind resolves to one and the Prometheus
   * Operator CRDs are installed.
   */
  monitoring?: MonitoringOptions;
}

/** ODGM image per profile when the context names none (the OPRC_CRM_ODGM_IMAGE row of packages/config/README.md). */
export const defaultOdgmImages: Readonly<Record<Profile, string>> = {
  dev: "ghcr.io/pawissanutt/oprc-odgm:dev",
  edge: "ghcr.io/pawissanutt/oprc-odgm:edge",
  full: "ghcr.io/pawissanutt/oprc-odgm:latest",
};

/** A context with every optional feature off: the dev profile on a bare cluster. */
export function defaultRenderContext(profile: Profile = "dev"): RenderContext {
  return {
    profile,
    features: { odgm: false, hpa: false, knative: false },
    capabilities: { knativeInstalled: false, prometheusOperatorInstalled: false },
  };
}
