// The CRM clusters the PM deploys to: CRM_DEFAULT_URL (the cluster `default`) and the
// clusters of OPRC_PM_CRM_CLUSTERS, each with its OPRC_PM_CRM_<NAME>_* variables, plus
// the client settings every cluster shares (retries, health cache, breaker). Read with
// the shared reader (@oaas/config). A cluster's token comes from _TOKEN_FILE (a mounted
// Secret, re-read when rotated) or, accepted for compatibility, _TOKEN; never both.
import {
  anyText,
  commaList,
  dns1123Label,
  integerIn,
  mapParser,
  parseHttpUrl,
  parsePath,
  type EnvReader,
} from "@oaas/config";
import type { ClusterConfig, PmConfig } from "./types.ts";

const day = 86_400;
const clusterSuffixes = [
  "URL",
  "TOKEN",
  "TOKEN_FILE",
  "TIMEOUT",
  "CA_CERT_PATH",
  "CLIENT_CERT_PATH",
  "CLIENT_KEY_PATH",
];
const clusterVariable = new RegExp(`^OPRC_PM_CRM_(.+)_(${clusterSuffixes.join("|")})$`);
/** Seconds as ms; `min` 0 lets 0 turn a feature off. */
const secondsMs = (min: number) => mapParser(integerIn(min, day, "seconds"), (s) => s * 1000);
/** An http(s) URL without trailing slashes (paths are appended to it). */
const crmUrl = mapParser(parseHttpUrl, (text) => text.replace(/\/+$/, ""));
const clusterName = dns1123Label("cluster name");
/** Cluster names are DNS-1123 labels, any case on input. */
const clusterNames = commaList((text) => clusterName(text.toLowerCase()));

/** OPRC_PM_CRM_<NAME>_<SUFFIX>: the name upper-cased, "-" as "_". */
export function clusterVar(cluster: string, suffix: string): string {
  return `OPRC_PM_CRM_${cluster.toUpperCase().replace(/-/g, "_")}_${suffix}`;
}

/** The clusters and the settings every CRM client shares. */
export function clusterSettings(r: EnvReader): PmConfig["crm"] {
  const defaultTimeoutMs = r.read("CRM_DEFAULT_TIMEOUT", secondsMs(1), 30_000);
  const names = r.read("OPRC_PM_CRM_CLUSTERS", clusterNames, []);
  const clusters: ClusterConfig[] = [];
  const defaultUrl = r.optional("CRM_DEFAULT_URL", crmUrl);
  if (defaultUrl !== undefined && !names.includes("default")) {
    // Its token and TLS files are OPRC_PM_CRM_DEFAULT_*, as for a listed cluster `default`.
    const cluster = namedCluster(r, "default", defaultTimeoutMs, defaultUrl);
    if (cluster !== undefined) clusters.push(cluster);
  } else if (defaultUrl !== undefined) {
    r.report(
      "CRM_DEFAULT_URL",
      "the cluster `default` is also in OPRC_PM_CRM_CLUSTERS; use OPRC_PM_CRM_DEFAULT_URL only",
      defaultUrl,
    );
  }
  for (const name of new Set(names)) {
    const cluster = namedCluster(r, name, defaultTimeoutMs);
    if (cluster !== undefined) clusters.push(cluster);
  }
  reportUnlisted(r, clusters);
  const requestedDefault = r.optional(
    "OPRC_PM_CRM_DEFAULT_CLUSTER",
    mapParser(anyText, (text) => text.toLowerCase()),
  );
  if (requestedDefault !== undefined && !clusters.some((c) => c.name === requestedDefault)) {
    r.report("OPRC_PM_CRM_DEFAULT_CLUSTER", "not a configured cluster", requestedDefault);
  }
  const defaultCluster =
    requestedDefault ??
    (clusters.some((c) => c.name === "default")
      ? "default"
      : clusters.length === 1
        ? clusters[0]?.name
        : undefined);
  return {
    clusters,
    ...(defaultCluster !== undefined ? { defaultCluster } : {}),
    retryAttempts: r.read("CRM_DEFAULT_RETRY_ATTEMPTS", integerIn(0, 20, "retries"), 3),
    healthCacheTtlMs: r.read("CRM_HEALTH_CACHE_TTL", secondsMs(0), 15_000),
    healthCheckIntervalMs: r.read("CRM_HEALTH_CHECK_INTERVAL", secondsMs(0), 60_000),
    breakerThreshold: r.read("CRM_CIRCUIT_BREAKER_FAILURE_THRESHOLD", integerIn(1, 1000, "failures"), 5),
    breakerHalfOpenAfterMs: r.read("CRM_CIRCUIT_BREAKER_TIMEOUT", secondsMs(1), 60_000),
  };
}

/**
 * One cluster from its OPRC_PM_CRM_<NAME>_* variables (the URL from CRM_DEFAULT_URL when
 * `givenUrl` is passed), or undefined (reported) without a URL.
 */
function namedCluster(
  r: EnvReader,
  name: string,
  defaultTimeoutMs: number,
  givenUrl?: string,
): ClusterConfig | undefined {
  const v = (suffix: string) => clusterVar(name, suffix);
  const listedUrl = givenUrl !== undefined ? r.raw(v("URL")) : undefined;
  if (listedUrl !== undefined) r.report(v("URL"), "set together with CRM_DEFAULT_URL: give one", listedUrl);
  const url = givenUrl ?? r.optional(v("URL"), crmUrl);
  if (url === undefined) {
    if (r.isValid(v("URL")))
      r.report(v("URL"), `required for cluster "${name}" listed in OPRC_PM_CRM_CLUSTERS`);
    return undefined;
  }
  const token = r.optional(v("TOKEN"), anyText);
  const tokenFile = r.optional(v("TOKEN_FILE"), parsePath);
  if (token !== undefined && tokenFile !== undefined)
    r.report(
      v("TOKEN"),
      `set together with ${v("TOKEN_FILE")}: give one (the file, a mounted Secret, is preferred)`,
    );
  const caCertPath = r.optional(v("CA_CERT_PATH"), parsePath);
  const clientCertPath = r.optional(v("CLIENT_CERT_PATH"), parsePath);
  const clientKeyPath = r.optional(v("CLIENT_KEY_PATH"), parsePath);
  if (clientCertPath !== undefined && clientKeyPath === undefined)
    r.report(v("CLIENT_KEY_PATH"), `required with ${v("CLIENT_CERT_PATH")}: give both or neither`);
  if (clientKeyPath !== undefined && clientCertPath === undefined)
    r.report(v("CLIENT_CERT_PATH"), `required with ${v("CLIENT_KEY_PATH")}: give both or neither`);
  const tls = caCertPath ?? clientCertPath ?? clientKeyPath;
  if (tls !== undefined && !url.startsWith("https:"))
    r.report(v("URL"), "certificate files are set, so the URL must be https://", url);
  return {
    name,
    url,
    timeoutMs: r.read(v("TIMEOUT"), secondsMs(1), defaultTimeoutMs),
    ...(token !== undefined ? { token } : {}),
    ...(tokenFile !== undefined ? { tokenFile } : {}),
    ...(tls !== undefined
      ? {
          tls: {
            ...(caCertPath ? { caCertPath } : {}),
            ...(clientCertPath ? { clientCertPath } : {}),
            ...(clientKeyPath ? { clientKeyPath } : {}),
          },
        }
      : {}),
  };
}

/** Variables of clusters that are not listed are typos or leftovers: each is named. */
function reportUnlisted(r: EnvReader, clusters: readonly ClusterConfig[]): void {
  const known = new Set(clusters.flatMap((c) => clusterSuffixes.map((s) => clusterVar(c.name, s))));
  for (const name of r.names()) {
    const match = clusterVariable.exec(name);
    if (match === null || known.has(name)) continue;
    r.report(
      name,
      `cluster "${(match[1] ?? "").toLowerCase()}" is not listed in OPRC_PM_CRM_CLUSTERS`,
      r.raw(name) ?? "",
    );
  }
}
