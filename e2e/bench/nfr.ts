// Benchmark (not a test): the NFR analyzer at N records. A real Prometheus scrapes a
// synthetic exporter of every record's pods (2 pods per record, steady load); `crm
// watcher` keeps one analyze schedule per record and `crm analyzer` x k processes analyze
// them. After the first recommendations and a warm-up of one analysis range, it measures
// `cycles` intervals of steady state and prints one JSON document:
//   - analysis time per record job (p50/p95/max, ms) against the interval, and how late
//     jobs start after they are due (queue lag), both from BullMQ's own job times;
//   - Prometheus queries per cycle (should not grow with N: one per signal per namespace);
//   - status writes per cycle at steady state (target 0): the analyzers' own count, and the
//     API server's PATCHes of deploymentrecords/status (cluster-wide: other clients count);
//   - resident memory of each role process.
// Targets (at 1000 records): analysis p95 well under half the interval, queries per cycle
// independent of N, 0 writes at steady state.
//
//   npm run bench:nfr                               (N = 20, 1 analyzer, 5 s interval)
//   BENCH_RECORDS=1000 BENCH_INTERVAL_S=60 BENCH_RANGE=5m npm run bench:nfr
//   BENCH_ANALYZERS=2 BENCH_CYCLES=5 BENCH_LOG_DIR=/tmp/x BENCH_CRM_LOG=debug
import { apiVersion, kind, recordName, type DeploymentRecord } from "@oaas/crd";
import { applyObject, KubeClient } from "@oaas/kube";
import { queueNames } from "@oaas/queue";
import {
  createTestNamespace,
  installCrdWithCrm,
  publishPod,
  publishRequests,
  releaseTestCluster,
  releaseTestRedis,
  startSyntheticExporter,
  startTestPrometheus,
  testCluster,
  testRedis,
  waitFor,
  type SyntheticExporter,
} from "@oaas/testkit";
import { Queue } from "bullmq";
import {
  deleteNamespaceAndWait,
  rssMiB,
  round2,
  runAll,
  startRole,
  stopRoles,
  sumSamples,
  waitReady,
  type Role,
} from "./converge-support.ts";

const records = Number(process.env["BENCH_RECORDS"] ?? 20);
const analyzers = Number(process.env["BENCH_ANALYZERS"] ?? 1);
const intervalS = Number(process.env["BENCH_INTERVAL_S"] ?? 5);
const cycles = Number(process.env["BENCH_CYCLES"] ?? 3);
const range = process.env["BENCH_RANGE"] ?? "30s";
const timeoutMs = Number(process.env["BENCH_TIMEOUT_S"] ?? 900) * 1000;
const deploymentRecords = {
  group: "oaas.io",
  version: "v1alpha1",
  plural: "deploymentrecords",
  namespaced: true,
};

/** Record i's load: two pods of function f1, a little different per record. */
function publish(exporter: SyntheticExporter, namespace: string, i: number): void {
  const record = recordName(`nfr-bench-${i}`);
  for (let p = 0; p < 2; p++) {
    const pod = `${record}-f1-${p}`;
    publishPod(exporter, {
      namespace,
      pod,
      record,
      component: "function",
      functionKey: "f1",
      cpuCores: 0.1 + (i % 10) * 0.05,
      memoryBytes: (64 + (i % 8) * 16) * 2 ** 20,
    });
    publishRequests(exporter, { namespace, record, functionKey: "f1", rps: 5 + (i % 20), pod });
  }
}

function quantiles(values: readonly number[]): { p50: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    round2(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN);
  return { p50: at(0.5), p95: at(0.95), max: at(1) };
}

/** Sum of one metric over the analyzer processes' /metrics. */
async function analyzerTotal(roles: readonly Role[], name: string): Promise<number> {
  let sum = 0;
  for (const role of roles)
    sum += sumSamples(await (await fetch(`${role.url}/metrics`)).text(), [name]).get(name) ?? 0;
  return sum;
}

/** PATCHes of deploymentrecords/status the API server counted (cluster-wide). */
async function apiserverStatusPatches(kube: KubeClient): Promise<number> {
  const text = await kube.request<string>({ method: "GET", path: "/metrics", accept: "text/plain" });
  return text
    .split("\n")
    .filter(
      (l) =>
        l.startsWith("apiserver_request_total{") &&
        l.includes('verb="PATCH"') &&
        l.includes('resource="deploymentrecords"') &&
        l.includes('subresource="status"'),
    )
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
}

const cluster = await testCluster();
const kube = await KubeClient.create(cluster.kc);
const redis = await testRedis();
const exporter = await startSyntheticExporter();
const prometheus = await startTestPrometheus({ scrapeIntervalSeconds: 1 });
prometheus.setTargets([{ targets: [exporter.target] }]);
const namespace = await createTestNamespace("nfr-bench");
const roles: Role[] = [];
const queue = new Queue(queueNames.analyze, { connection: redis.connect(), prefix: redis.prefix });
try {
  await installCrdWithCrm(cluster.kubeconfig);
  for (let i = 0; i < records; i++) publish(exporter, namespace.name, i);
  await runAll(records, 16, (i) =>
    applyObject<DeploymentRecord>(
      kube,
      deploymentRecords,
      {
        apiVersion,
        kind,
        metadata: { name: recordName(`nfr-bench-${i}`), namespace: namespace.name },
        spec: {
          deployment_id: `nfr-bench-${i}`,
          selected_template: "dev",
          functions: [
            { function_key: "f1", provision_config: { container_image: "ghcr.io/oaas/bench:1", port: 8080 } },
          ],
          nfr: { requirements: { min_throughput_rps: 10 } },
        },
      },
      { fieldManager: "nfr-bench" },
    ),
  );
  const env = {
    KUBECONFIG: cluster.kubeconfig,
    OPRC_CRM_K8S_NAMESPACE: namespace.name,
    OPRC_CRM_REDIS_URL: `redis://${redis.host}:${redis.port}`,
    OPRC_CRM_QUEUE_PREFIX: redis.prefix,
    OPRC_CRM_FEATURES_LEADER_ELECTION: "false",
    OPRC_CRM_PROM_URL: prometheus.url,
    OPRC_CRM_ANALYZER_INTERVAL_SECS: String(intervalS),
    OPRC_CRM_PROM_QUERY_TIMEOUT_SECS: String(Math.max(1, Math.min(5, intervalS - 1))),
    OPRC_CRM_PROM_RANGE: range,
    OPRC_CRM_PROM_STEP: "1s",
    OPRC_CRM_PROM_RATE_WINDOW: "4s",
    OPRC_CRM_PROM_SCRAPE_INTERVAL: "1s",
  };
  const watcher = await startRole("watcher", env);
  roles.push(watcher);
  const analyzerRoles: Role[] = [];
  for (let k = 0; k < analyzers; k++) analyzerRoles.push(await startRole("analyzer", env));
  roles.push(...analyzerRoles);
  await Promise.all(roles.map(waitReady));
  const started = performance.now();
  // First recommendations on every record.
  await waitFor(
    async () => {
      const list = await kube.request<{ items: DeploymentRecord[] }>({
        method: "GET",
        path: `/apis/oaas.io/v1alpha1/namespaces/${namespace.name}/deploymentrecords`,
      });
      return list.items.filter((r) => (r.status?.nfr_recommendations?.length ?? 0) > 0).length >= records;
    },
    { description: `recommendations on ${records} records`, timeoutMs, intervalMs: 1000 },
  );
  const firstAllSeconds = round2((performance.now() - started) / 1000);
  // Warm-up: the analysis range fills with the steady series (targets settle).
  const warm = await analyzerTotal(analyzerRoles, "oaas_crm_analyzer_runs_total");
  const rangeCycles =
    Math.ceil((Number.parseInt(range, 10) * (range.endsWith("m") ? 60 : 1)) / intervalS) + 1;
  await waitFor(
    async () =>
      (await analyzerTotal(analyzerRoles, "oaas_crm_analyzer_runs_total")) >= warm + records * rangeCycles,
    {
      description: "warm-up: one analysis range of steady load",
      timeoutMs,
      intervalMs: 1000,
    },
  );
  // Steady state: `cycles` intervals.
  const before = {
    at: Date.now(),
    runs: await analyzerTotal(analyzerRoles, "oaas_crm_analyzer_runs_total"),
    queries: await analyzerTotal(analyzerRoles, "oaas_crm_analyzer_prometheus_queries_total"),
    writes: await analyzerTotal(analyzerRoles, "oaas_crm_analyzer_status_writes_total"),
    apiWrites: await apiserverStatusPatches(kube),
  };
  await waitFor(
    async () =>
      (await analyzerTotal(analyzerRoles, "oaas_crm_analyzer_runs_total")) >= before.runs + records * cycles,
    {
      description: `${cycles} steady cycles`,
      timeoutMs,
      intervalMs: 500,
    },
  );
  const after = {
    at: Date.now(),
    runs: await analyzerTotal(analyzerRoles, "oaas_crm_analyzer_runs_total"),
    queries: await analyzerTotal(analyzerRoles, "oaas_crm_analyzer_prometheus_queries_total"),
    writes: await analyzerTotal(analyzerRoles, "oaas_crm_analyzer_status_writes_total"),
    apiWrites: await apiserverStatusPatches(kube),
  };
  const measuredCycles = (after.at - before.at) / (intervalS * 1000);
  const jobs = (await queue.getJobs(["completed"], 0, -1, true)).filter(
    (j) => (j.processedOn ?? 0) >= before.at && (j.finishedOn ?? 0) <= after.at,
  );
  const durations = jobs.map((j) => (j.finishedOn ?? 0) - (j.processedOn ?? 0));
  const lags = jobs.map((j) => Math.max(0, (j.processedOn ?? 0) - (j.timestamp + (j.opts.delay ?? 0))));
  const memory: Record<string, number> = {};
  for (const role of roles) memory[`${role.name}-${role.child.pid ?? 0}`] = await rssMiB(role.child.pid ?? 0);
  console.log(
    JSON.stringify(
      {
        records,
        analyzers,
        interval_s: intervalS,
        range,
        first_recommendations_on_all_s: firstAllSeconds,
        steady: {
          seconds: round2((after.at - before.at) / 1000),
          cycles: round2(measuredCycles),
          analyses: after.runs - before.runs,
          analysis_ms: quantiles(durations),
          analysis_p95_over_half_interval: round2(quantiles(durations).p95 / (intervalS * 500)),
          start_lag_ms: quantiles(lags),
          prometheus_queries_per_cycle: round2((after.queries - before.queries) / measuredCycles),
          status_writes_per_cycle: round2((after.writes - before.writes) / measuredCycles),
          apiserver_status_patches_per_cycle_cluster_wide: round2(
            (after.apiWrites - before.apiWrites) / measuredCycles,
          ),
        },
        memory_rss_mib: memory,
      },
      null,
      2,
    ),
  );
} finally {
  await stopRoles(roles);
  await queue.close();
  await deleteNamespaceAndWait(kube, namespace.name, 120_000).catch((e: unknown) => console.error(e));
  await prometheus.stop();
  await exporter.close();
  await redis.cleanup();
  await releaseTestRedis();
  await kube.close();
  await releaseTestCluster();
}
