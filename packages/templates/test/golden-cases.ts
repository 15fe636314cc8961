// The golden cases: full render outputs kept under test/golden/<name>.json, compared by
// the golden unit suite and server-side dry-run applied by the integration suite.
import type { DeploymentRecord } from "@oaas/crd";
import type { RenderContext } from "../src/index.ts";
import {
  context,
  record,
  seedRecord,
  withAddon,
  withConcurrency,
  withConfig,
  withDeploymentId,
  withEnforcement,
  withFeature,
  withFunction,
  withFunctionNfr,
  withHttp2,
  withKnative,
  withMonitoring,
  withOdgm,
  withPort,
  withPrometheusOperator,
  withRequirements,
  withResources,
  withScale,
  withTemplate,
  type RecordOption,
} from "./fixtures.ts";

export interface GoldenCase {
  name: string;
  /** What the case shows, for a reader of the golden file. */
  about: string;
  /** Built per namespace so the dry-run suite can place the objects. */
  record: (...extra: RecordOption[]) => DeploymentRecord;
  context: RenderContext;
}

export const goldenCases: GoldenCase[] = [
  {
    name: "sample-hello-class",
    about:
      "the hand-written hello-class sample: explicit dev, spec.function shorthand, ODGM with two collections, ServiceMonitor (auto)",
    record: (...extra) => seedRecord(...extra),
    context: context(
      "dev",
      withFeature("odgm"),
      withPrometheusOperator,
      withMonitoring("auto", { release: "prometheus" }),
    ),
  },
  {
    name: "full-profile-hpa",
    about:
      "profile full scores the full template: 3 replicas, anti-affinity, resources, config env, an HPA for the scalable function",
    record: (...extra) =>
      record(
        "shop-order",
        withDeploymentId("Shop.Order-01HZX"),
        withFunction(
          "place",
          withResources({
            cpu_request: "250m",
            memory_request: "128Mi",
            cpu_limit: "1",
            memory_limit: "512Mi",
          }),
          withScale(2, 10),
          withFunctionNfr({ cpu_utilization_target: 0.65 }),
          withConfig({ LOG_LEVEL: "info", FEATURE_X: "on" }),
        ),
        withFunction("List_Items", withPort(9000)),
        withRequirements({
          min_throughput_rps: 2000,
          max_latency_ms: 40,
          availability: 0.999,
          consistency: "strong",
        }),
        withEnforcement({ mode: "observe" }),
        ...extra,
      ),
    context: context("full", withFeature("hpa"), withFeature("odgm")),
  },
  {
    name: "knative-odgm",
    about:
      "explicit knative (alias kn) with ODGM: scale annotations, containerConcurrency, h2c, PodMonitor on request",
    record: (...extra) =>
      record(
        "events",
        withTemplate("KN"),
        withAddon("odgm"),
        withOdgm({
          collections: ["events"],
          partition_count: 4,
          replica_count: 3,
          shard_type: "raft",
          options: { "raft.timeout": "5s" },
        }),
        withFunction(
          "ingest",
          withScale(1, 20),
          withConcurrency(50),
          withHttp2,
          withResources({ cpu_request: "100m" }),
        ),
        ...extra,
      ),
    context: context(
      "full",
      withKnative,
      withFeature("odgm"),
      withPrometheusOperator,
      withMonitoring("podmonitor"),
    ),
  },
  {
    name: "edge-enforced",
    about:
      "profile edge with enforcement of replicas: Deployment without spec.replicas, HPA without minReplicas",
    record: (...extra) =>
      record(
        "sensor",
        withFunction("read", withScale(2, 6)),
        withFunction("aggregate"),
        withEnforcement({ mode: "enforce", dimensions: ["replicas"] }),
        ...extra,
      ),
    context: context("edge", withFeature("hpa"), withPrometheusOperator, withMonitoring("servicemonitor")),
  },
];
