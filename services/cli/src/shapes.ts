// Reads the fields the CLI shows out of the PM's JSON answers. The PM is being built in
// parallel, so where issue 9 does not fix a field name the readers accept the likely
// spellings (snake_case as the PM writes JSON; camelCase where the CRM's record status
// uses it). Adjust names here, in one place, at integration.
import type { Json } from "./pm-client.ts";

type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The first of `keys` holding a non-empty string. */
export function str(o: unknown, ...keys: string[]): string | undefined {
  if (!isObj(o)) return undefined;
  for (const key of keys) {
    const v = o[key];
    if (typeof v === "string" && v !== "") return v;
  }
  return undefined;
}

/** The first of `keys` holding a finite number. */
export function num(o: unknown, ...keys: string[]): number | undefined {
  if (!isObj(o)) return undefined;
  for (const key of keys) {
    const v = o[key];
    if (typeof v === "number" && Number.isFinite(v)) return v;
  }
  return undefined;
}

/** A list answer: a bare array, or `{items|<name>|data: [...]}`. */
export function listItems(body: Json, ...names: string[]): unknown[] {
  if (Array.isArray(body)) return body;
  if (!isObj(body)) return [];
  for (const key of ["items", ...names, "data", "results"]) {
    const v = body[key];
    if (Array.isArray(v)) return v;
  }
  return [];
}

/**
 * Clusters an answer says did not answer or failed (`failed_clusters` of a class-runtimes
 * list or a deploy result), as "b" or "b (error)".
 */
export function failedClusters(body: Json): string[] {
  const v = isObj(body) ? (body.failed_clusters ?? body.unreachable_clusters) : undefined;
  if (!Array.isArray(v)) return [];
  return v.map((c) => {
    if (typeof c === "string") return c;
    const error = str(c, "error", "message");
    return `${str(c, "cluster", "name") ?? "?"}${error === undefined ? "" : ` (${error})`}`;
  });
}

/** Clusters where a deploy's outcome is not known yet (`unknown_clusters`: the PM settles them). */
export function unknownClusters(body: Json): string[] {
  const v = isObj(body) ? body.unknown_clusters : undefined;
  return Array.isArray(v) ? v.filter((c): c is string => typeof c === "string") : [];
}

/** A map `{a: x}` or a list `[{cluster: "a", ...x}]` as `[name, value]` pairs. */
function perCluster(value: unknown): [string, unknown][] {
  if (Array.isArray(value)) {
    return value.map((v) => [str(v, "cluster", "cluster_name", "name", "env") ?? "?", v]);
  }
  if (isObj(value)) return Object.entries(value);
  return [];
}

// --- deployments ------------------------------------------------------------------

export interface ClusterUnit {
  cluster: string;
  /** The per-cluster DeploymentUnit id (the CRM's deployment_id). */
  unitId?: string;
  /** Per-cluster status as the PM reports it (summarized status or condition). */
  status?: string;
  message?: string;
}

const unitKeys = ["cluster_status", "clusters", "units", "cluster_units", "cluster_mappings", "mappings"];

/**
 * The per-cluster part of a deployment answer or of a cluster-mappings answer: under one
 * of `unitKeys`, or the answer itself when it is a list or a bare `{cluster: unitId}` map.
 */
export function clusterUnits(body: Json): ClusterUnit[] {
  let source: unknown = body;
  if (isObj(body)) {
    source =
      unitKeys.map((k) => body[k]).find((v) => Array.isArray(v) || isObj(v)) ??
      (Object.values(body).every((v) => typeof v === "string") && !("key" in body) ? body : undefined);
  }
  return perCluster(source).map(([cluster, v]) => {
    if (typeof v === "string") return { cluster, unitId: v };
    return {
      cluster,
      unitId: str(v, "unit_id", "deployment_id", "id", "deployment_unit_id"),
      status: str(v, "status", "summarized_status", "condition", "phase", "state"),
      message: str(v, "error", "message", "last_error"),
    };
  });
}

export interface DeployResult {
  key: string;
  units: ClusterUnit[];
  achievedAvailability?: number;
  replicas?: number;
  condition?: string;
}

/** The 201 answer of POST /deployments (also accepts `{deployment: {...}, ...}`). */
export function deployResult(body: Json, fallbackKey: string): DeployResult {
  const inner = isObj(body) && isObj(body.deployment) ? body.deployment : undefined;
  return {
    key: str(body, "key", "deployment_key") ?? str(inner, "key") ?? fallbackKey,
    units: clusterUnits(body).length > 0 ? clusterUnits(body) : clusterUnits(inner),
    achievedAvailability: num(body, "achieved_availability") ?? num(inner, "achieved_availability"),
    replicas: num(body, "replicas") ?? num(inner, "replicas"),
    condition: str(body, "condition") ?? str(inner, "condition"),
  };
}

/** Conditions of a stored OClassDeployment (issue 9): RUNNING is ready, DOWN failed. */
export const deploymentReady = "RUNNING";
export const deploymentFailed = ["DOWN", "DELETED"];

// --- status -----------------------------------------------------------------------

export interface ConditionView {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface FunctionView {
  key: string;
  ready?: boolean;
  reason?: string;
  message?: string;
  url?: string;
}

export interface StatusView {
  id: string;
  cluster?: string;
  /** Phase of the record (Available, Progressing, ...) or summarized status. */
  phase?: string;
  reason?: string;
  message?: string;
  conditions: ConditionView[];
  functions: FunctionView[];
  /** Why the answer has no conditions and functions (the PM could not get them from the CRM). */
  detailUnavailable?: string;
}

/**
 * A status answer as one view per cluster: `{clusters: [...]}` / `{per_cluster: {...}}`
 * give several, a single status gives one. Status fields may sit at the top or under
 * `status` (a DeploymentRecord's status subresource).
 */
export function statusViews(body: Json, id: string): StatusView[] {
  const nested = isObj(body) ? (body.clusters ?? body.per_cluster ?? body.cluster_status) : undefined;
  const entries = perCluster(nested).filter(([, v]) => isObj(v));
  if (entries.length > 0) return entries.map(([cluster, v]) => statusView(v, id, cluster));
  return [statusView(body, id, str(body, "cluster"))];
}

function statusView(raw: unknown, id: string, cluster: string | undefined): StatusView {
  const s = isObj(raw) && isObj(raw.status) ? { ...raw, ...raw.status } : raw;
  const conditions = (isObj(s) && Array.isArray(s.conditions) ? s.conditions : []).map((c) => ({
    type: str(c, "type") ?? "?",
    status: str(c, "status") ?? "Unknown",
    reason: str(c, "reason"),
    message: str(c, "message"),
    lastTransitionTime: str(c, "lastTransitionTime", "last_transition_time"),
  }));
  const fnSource = isObj(s) ? (s.functions ?? s.function_status ?? s.function_statuses) : undefined;
  const functions = perCluster(fnSource).map(([name, f]) => ({
    key: str(f, "function_key", "key", "name") ?? name,
    ready: isObj(f) && typeof f.ready === "boolean" ? f.ready : undefined,
    reason: str(f, "reason"),
    message: str(f, "message"),
    url: str(f, "url", "in_cluster_url", "service_url"),
  }));
  const detailUnavailable = str(s, "detail_unavailable");
  return {
    id: str(s, "deployment_id", "id") ?? id,
    cluster: cluster ?? str(s, "cluster", "target_cluster"),
    phase: str(s, "phase", "summarized_status", "condition", "status"),
    reason: str(s, "reason"),
    message: str(s, "message"),
    conditions,
    functions,
    ...(detailUnavailable !== undefined ? { detailUnavailable } : {}),
  };
}

/**
 * Ready: the Available condition (when there is one) is True and the phase or summary
 * (when there is one) means it. Both must agree: the PM's summary accounts for a spec the
 * CRM has not reconciled yet (PROGRESSING) while Available may still be True for the
 * previous one, and an Available=False outranks a RUNNING-looking phase.
 */
export function isAvailable(view: StatusView): boolean {
  const available = view.conditions.find((c) => c.type === "Available");
  if (available && available.status !== "True") return false;
  if (view.phase === undefined) return available !== undefined;
  return ["AVAILABLE", "RUNNING", "READY"].includes(view.phase.toUpperCase());
}

/**
 * A state waiting will not leave by itself: the record's Failed phase (a permanent error)
 * or DOWN. The CRM's summarized ERROR is not here: a reconcile error may be retried.
 */
export function isFailed(view: StatusView): boolean {
  return ["FAILED", "DOWN"].includes((view.phase ?? "").toUpperCase());
}

// --- clusters ---------------------------------------------------------------------

export interface ClusterView {
  name: string;
  health?: string;
  availability?: number;
  nodes?: string;
  crmVersion?: string;
  lastSeen?: string;
  message?: string;
  /** The PM's circuit breaker toward the cluster: closed, open (calls refused), half-open, isolated. */
  breaker?: string;
}

/** Joins GET /clusters and GET /clusters/health by cluster name. */
export function clusterViews(list: Json, health: Json): ClusterView[] {
  const byName = new Map<string, ClusterView>();
  const join = (name: string, h: unknown) => {
    const total = num(h, "node_count");
    const ready = num(h, "ready_nodes");
    const known = byName.get(name);
    byName.set(name, {
      name,
      health: str(h, "status", "health") ?? known?.health,
      availability: num(h, "availability") ?? known?.availability,
      nodes: total === undefined ? known?.nodes : `${ready ?? "?"}/${total}`,
      crmVersion: str(h, "crm_version") ?? known?.crmVersion,
      lastSeen: str(h, "last_seen", "checked_at") ?? known?.lastSeen,
      message: str(h, "error", "message") ?? known?.message,
      breaker: str(h, "breaker") ?? known?.breaker,
    });
  };
  for (const c of listItems(list, "clusters")) {
    const name = typeof c === "string" ? c : (str(c, "name", "cluster", "env_name") ?? "?");
    // the PM's /clusters carries each cluster's cached health under `health`
    if (isObj(c) && isObj(c.health)) join(name, c.health);
    else byName.set(name, { name, health: str(c, "health", "status") });
  }
  const healthList = listItems(health, "clusters");
  const healthEntries = healthList.length > 0 ? perCluster(healthList) : perCluster(health);
  for (const [name, h] of healthEntries.filter(([, v]) => isObj(v))) {
    join(str(h, "cluster", "name", "env_name") ?? name, h);
  }
  return [...byName.values()];
}
