// Test fixtures: a record with every field set (typed Full<...>, so a field added to
// record.ts without a value here fails to compile), a hand-written sample
// (hello-class),
// and option builders for the rest.
import {
  apiVersion,
  kind,
  type Condition,
  type DeploymentRecord,
  type DeploymentRecordSpec,
  type DeploymentRecordStatus,
} from "../src/index.ts";

/** T with every optional field required, all the way down. */
export type Full<T> = T extends (infer U)[]
  ? Full<U>[]
  : T extends object
    ? { [K in keyof T]-?: Full<T[K]> }
    : T;

export const fullSpec: Full<DeploymentRecordSpec> = {
  deployment_id: "Dep_0xYz-21charsNanoId",
  package_name: "shop",
  class_key: "Order",
  target_env: "edge-eu",
  functions: [
    {
      function_key: "place",
      description: "places an order",
      available_location: "eu-west",
      nfr_requirements: {
        max_latency_ms: 250,
        min_throughput_rps: 1200,
        availability: 0.999,
        cpu_utilization_target: 0.7,
      },
      provision_config: {
        container_image: "ghcr.io/example/place:1.2.3",
        port: 8080,
        max_concurrency: 0,
        need_http2: true,
        cpu_request: "250m",
        memory_request: "128Mi",
        cpu_limit: "1",
        memory_limit: "512Mi",
        min_scale: 0,
        max_scale: 4294967295,
      },
      config: { LOG_LEVEL: "debug", "weird.key/with:chars": "", EMPTY: "" },
    },
  ],
  // Beyond 2^53: must survive as text.
  created_at: { seconds: "9223372036854775807", nanos: 999999999 },
  odgm_config: {
    collections: ["orders", "users"],
    partition_count: 12,
    replica_count: 3,
    shard_type: "raft",
    invocations: {
      fn_routes: {
        place: {
          url: "http://place:8080",
          stateless: false,
          standby: true,
          active_group: ["0", "18446744073709551615"],
        },
      },
      disabled_fn: ["legacy"],
    },
    options: { "mst.timeout": "5s" },
  },
  selected_template: "edge",
  template_hint: "full",
  addons: ["odgm"],
  function: { image: "ghcr.io/pawissanutt/oprc-function:latest", port: 65535 },
  nfr: {
    requirements: {
      max_latency_ms: 100,
      min_throughput_rps: 10,
      availability: 1,
      cpu_utilization_target: 1.5,
      consistency: "strong",
    },
    enforcement: { mode: "enforce", dimensions: ["replicas", "cpu", "memory"] },
  },
};

const condition = (
  type: Condition["type"],
  status: Condition["status"],
  reason: string,
): Full<Condition> => ({
  type,
  status,
  reason,
  message: `${type} is ${status}`,
  lastTransitionTime: "2026-01-02T03:04:05Z",
  observedGeneration: 1,
});

export const fullStatus: Full<DeploymentRecordStatus> = {
  observedGeneration: 1,
  phase: "Available",
  reason: "MinimumReplicasAvailable",
  message: "2 of 2 replicas ready",
  conditions: [
    condition("Available", "True", "MinimumReplicasAvailable"),
    condition("Progressing", "False", "RolloutComplete"),
    condition("Degraded", "False", "AsExpected"),
    condition("NfrObserved", "Unknown", "PrometheusDisabled"),
  ],
  resource_refs: [
    { kind: "Deployment", name: "order-place", namespace: "oaas", uid: "u-1", apiVersion: "apps/v1" },
  ],
  functions: [
    {
      function_key: "place",
      ready: false,
      reason: "ProgressDeadlineExceeded",
      message: "rollout stuck",
      url: "http://order-place.oaas.svc.cluster.local:8080",
    },
  ],
  selected_template: "edge",
  template_selection: {
    name: "edge",
    score: 0.82,
    runner_up: { name: "full", score: 0.4 },
    reason: "latency",
  },
  nfr_recommendations: [
    { component: "place", dimension: "replicas", target: 3, basis: "p99_latency over 10m", confidence: 0.9 },
  ],
  last_applied_recommendations: [
    { component: "odgm", dimension: "memory", target: 268435456, basis: "enforcer", confidence: 1 },
  ],
  last_applied_at: "2026-01-02T03:04:05Z",
};

/** The hand-written sample spec (hello-class), optionally with its nfr block. */
export function seedSpec(options: { withNfr?: boolean } = {}): DeploymentRecordSpec {
  return {
    selected_template: "dev",
    addons: ["odgm"],
    function: { image: "ghcr.io/pawissanutt/oprc-function:latest", port: 8080 },
    odgm_config: { collections: ["orders", "users"] },
    ...(options.withNfr ? { nfr: { enforcement: { mode: "enforce", dimensions: ["replicas"] } } } : {}),
  };
}

export type RecordOption = (record: DeploymentRecord) => void;

export function record(
  name: string,
  spec: DeploymentRecordSpec,
  ...options: RecordOption[]
): DeploymentRecord {
  const result: DeploymentRecord = { apiVersion, kind, metadata: { name }, spec: structuredClone(spec) };
  for (const option of options) option(result);
  return result;
}

export const inNamespace =
  (namespace: string): RecordOption =>
  (r) => {
    r.metadata.namespace = namespace;
  };

export const withStatus =
  (status: DeploymentRecordStatus): RecordOption =>
  (r) => {
    r.status = structuredClone(status);
  };

/** Sets one field by path (e.g. ["nfr", "enforcement", "mode"]), creating objects on the way. */
export const withSpecField =
  (path: (string | number)[], value: unknown): RecordOption =>
  (r) => {
    let node = r.spec as Record<string | number, unknown>;
    path.slice(0, -1).forEach((key, i) => {
      node[key] ??= typeof path[i + 1] === "number" ? [] : {};
      node = node[key] as Record<string | number, unknown>;
    });
    node[path[path.length - 1] ?? ""] = value;
  };
