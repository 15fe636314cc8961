// Benchmark (not a test): Deploy through the CRM ingress vs. the same server-side-apply
// PATCHes sent straight from Node, at concurrency 1, 16 and 64, against the real
// cluster. Prints one JSON document. Target: at concurrency 16, ingress/raw
// p99 <= 1.15 and p50 <= 1.3.
//
//   scripts/node.sh -- tsx e2e/bench/ingress.ts            (or npm run bench:ingress)
//   BENCH_REQUESTS=300,1000,2000 BENCH_CONCURRENCY=1,16,64  (requests per level)
//   BENCH_ROUNDS=4 (raw and ingress alternate in rounds), BENCH_CRM_NODE_OPTIONS="--cpu-prof"
//   (profile the crm process), BENCH_CRM_ENTRY=<bundled .mjs> (run a bundle instead of tsx)
//
// The ingress runs as its own `crm ingress` process, as in production, so the load
// generator does not share its event loop. Every Deploy creates a new record (one SSA
// PATCH: no read first, the CRD's immutable spec.deployment_id guards takeovers); every
// raw request applies the identical record (same content, same field manager) into a
// second namespace: both sides do one create per request.
import { spawn } from "node:child_process";
import path from "node:path";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { type DeploymentRecord } from "@oaas/crd";
import { applyCrds, desiredRecord, deploymentRecords, ingressFieldManager, unitToSpec } from "@oaas/crm";
import { applyObject, KubeClient, listObjects, resourcePath, watchEvents } from "@oaas/kube";
import { readFile } from "node:fs/promises";
import os from "node:os";
import { apiSnapshot } from "./converge-api.ts";
import {
  DeploymentService,
  DeploymentUnitSchema,
  FunctionDeploymentSpecSchema,
  ProvisionConfigSchema,
} from "@oaas/proto";
import {
  createTestNamespace,
  freePort,
  repoRoot,
  releaseTestCluster,
  testCluster,
  waitFor,
  type TestNamespace,
} from "@oaas/testkit";

const concurrencies = (process.env["BENCH_CONCURRENCY"] ?? "1,16,64").split(",").map(Number);
const requestCounts = (process.env["BENCH_REQUESTS"] ?? "300,1000,2000").split(",").map(Number);
const warmup = 50;

function unit(id: string) {
  return create(DeploymentUnitSchema, {
    id,
    packageName: "bench",
    classKey: "Bench",
    targetEnv: "dev",
    functions: [
      create(FunctionDeploymentSpecSchema, {
        functionKey: "fn",
        config: { MODE: "bench" },
        provisionConfig: create(ProvisionConfigSchema, {
          containerImage: "ghcr.io/oaas/bench:1",
          port: 8080,
          cpuRequest: "100m",
        }),
      }),
    ],
  });
}

const rounds = Number(process.env["BENCH_ROUNDS"] ?? 4);

interface Stats {
  readonly requests: number;
  readonly throughput_rps: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  /** CPU per request of the load generator, the crm ingress (0 on the raw side) and the API server (etcd not counted). */
  readonly cpu_ms_per_request: CpuMs;
  /** Cores those three kept busy on average: near the machine's core count, latency is CPU queueing. */
  readonly cores_busy: number;
}

/** Latencies (ms) and wall time of a run of calls, and the CPU it cost each process (ms). */
interface Sample {
  readonly latencies: number[];
  readonly seconds: number;
  readonly cpu: CpuMs;
}

/** CPU time in ms spent by the load generator (this process), the crm ingress and the API server. */
interface CpuMs {
  readonly bench: number;
  readonly ingress: number;
  readonly apiserver: number;
}

/** utime + stime of a process in ms (Linux /proc/<pid>/stat, fields 14 and 15, in clock ticks of 10 ms). */
async function processCpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Reads the three CPU counters now. */
async function cpuNow(kube: KubeClient, ingressPid: number | undefined): Promise<CpuMs> {
  const usage = process.cpuUsage();
  return {
    bench: (usage.user + usage.system) / 1000,
    ingress: await processCpuMs(ingressPid),
    apiserver: (await apiSnapshot(kube)).cpuSeconds * 1000,
  };
}

/** Runs calls `from`..`to`-1 with `concurrency` in flight. */
async function load(
  from: number,
  to: number,
  concurrency: number,
  call: (i: number) => Promise<unknown>,
  meter: () => Promise<CpuMs>,
): Promise<Sample> {
  const latencies: number[] = [];
  let next = from;
  const cpuBefore = await meter();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < to; i = next++) {
        const t = performance.now();
        await call(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = await meter();
  return {
    latencies,
    seconds,
    cpu: {
      bench: cpuAfter.bench - cpuBefore.bench,
      ingress: cpuAfter.ingress - cpuBefore.ingress,
      apiserver: cpuAfter.apiserver - cpuBefore.apiserver,
    },
  };
}

function stats(samples: readonly Sample[]): Stats {
  const latencies = samples.flatMap((s) => s.latencies).sort((a, b) => a - b);
  const seconds = samples.reduce((sum, s) => sum + s.seconds, 0);
  const at = (q: number) =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
  const cpu = (of: keyof CpuMs) => round(samples.reduce((sum, s) => sum + s.cpu[of], 0) / latencies.length);
  const cpuPerRequest = { bench: cpu("bench"), ingress: cpu("ingress"), apiserver: cpu("apiserver") };
  const busyMs = samples.reduce((sum, s) => sum + s.cpu.bench + s.cpu.ingress + s.cpu.apiserver, 0);
  return {
    requests: latencies.length,
    throughput_rps: round(latencies.length / seconds),
    p50_ms: at(0.5),
    p99_ms: at(0.99),
    max_ms: at(1),
    cpu_ms_per_request: cpuPerRequest,
    cores_busy: round(busyMs / 1000 / seconds),
  };
}

const round = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const { kc, kubeconfig } = await testCluster();
  const kube = await KubeClient.create(kc);
  const namespaces: TestNamespace[] = [];
  const port = await freePort();
  let crm: ReturnType<typeof spawn> | undefined;
  let stopRawWatch = (): void => undefined;
  let rawWatchEvents = 0;
  try {
    // A fresh cluster (no `cluster:up`) has no CRD yet.
    await applyCrds(kube);
    const viaIngress = await createTestNamespace("bench-ingress");
    const viaRaw = await createTestNamespace("bench-raw");
    namespaces.push(viaIngress, viaRaw);
    const bundle = process.env["BENCH_CRM_ENTRY"];
    const entry = bundle ? [bundle] : ["--import", "tsx", path.join(repoRoot, "services/crm/src/main.ts")];
    crm = spawn(
      process.execPath,
      [...(process.env["BENCH_CRM_NODE_OPTIONS"] ?? "").split(" ").filter(Boolean), ...entry, "ingress"],
      {
        cwd: repoRoot,
        env: {
          ...process.env,
          KUBECONFIG: kubeconfig,
          OPRC_CRM_HTTP_PORT: String(port),
          OPRC_CRM_K8S_NAMESPACE: viaIngress.name,
          OPRC_CRM_LOG: "warn",
        },
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, {
      description: "crm ingress ready",
      timeoutMs: 60_000,
    });
    const client = createClient(
      DeploymentService,
      createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` }),
    );
    const raw = (ns: string, id: string) =>
      applyObject<DeploymentRecord>(
        kube,
        deploymentRecords,
        desiredRecord(unitToSpec(unit(id)), { namespace: ns, correlationId: `raw-${id}` }),
        { fieldManager: ingressFieldManager, force: true },
      );
    // The ingress's record cache keeps a watch open on its namespace, so every Deploy
    // also costs the API server a watch event (and the ingress its decoding). The raw
    // side gets the same: one watch on its namespace, consumed here. Without it the
    // comparison charges the ingress for a cost every record write pays in a running
    // CRM anyway (the watcher's informer watches records too). BENCH_RAW_WATCH=0: none.
    const rawWatch = new AbortController();
    if (process.env["BENCH_RAW_WATCH"] !== "0") {
      const stream = await kube.openStream({
        path: resourcePath(deploymentRecords, viaRaw.name),
        query: { watch: true, allowWatchBookmarks: true },
        signal: rawWatch.signal,
      });
      void (async () => {
        for await (const event of watchEvents(stream)) if (event.type !== "BOOKMARK") rawWatchEvents++;
      })().catch(() => undefined); // ends with an abort error when the run stops it
    }
    stopRawWatch = () => rawWatch.abort();
    const meter = () => cpuNow(kube, crm?.pid);
    // Warm both paths (connections, API server caches, JIT).
    await load(0, warmup, 8, (i) => client.deploy({ deploymentUnit: unit(`warm-${i}`) }), meter);
    await load(0, warmup, 8, (i) => raw(viaRaw.name, `warm-${i}`), meter);

    const levels = [];
    for (const [k, concurrency] of concurrencies.entries()) {
      const n = requestCounts[k] ?? requestCounts[requestCounts.length - 1] ?? 500;
      // Alternating rounds, so drift on a shared machine hits both sides alike.
      const rawSamples: Sample[] = [];
      const ingressSamples: Sample[] = [];
      for (let r = 0; r < rounds; r++) {
        const from = Math.floor((n * r) / rounds);
        const to = Math.floor((n * (r + 1)) / rounds);
        rawSamples.push(
          await load(from, to, concurrency, (i) => raw(viaRaw.name, `c${concurrency}-${i}`), meter),
        );
        ingressSamples.push(
          await load(
            from,
            to,
            concurrency,
            (i) => client.deploy({ deploymentUnit: unit(`c${concurrency}-${i}`) }),
            meter,
          ),
        );
      }
      const rawStats = stats(rawSamples);
      const ingressStats = stats(ingressSamples);
      levels.push({
        concurrency,
        ingress: ingressStats,
        raw_ssa: rawStats,
        p99_ratio: round(ingressStats.p99_ms / rawStats.p99_ms),
        p50_ratio: round(ingressStats.p50_ms / rawStats.p50_ms),
      });
    }
    const at16 = levels.find((l) => l.concurrency === 16);
    const stored = await listObjects(kube, deploymentRecords, viaIngress.name);
    console.log(
      JSON.stringify(
        {
          benchmark: "crm ingress Deploy vs raw server-side apply",
          node: process.version,
          records_created_via_ingress: stored.length,
          rounds,
          cpus: os.cpus().length,
          raw_side_watch: process.env["BENCH_RAW_WATCH"] !== "0",
          raw_side_watch_events: rawWatchEvents,
          load_average: os.loadavg().map(round),
          levels,
          target: {
            concurrency: 16,
            max_p99_ratio: 1.15,
            max_p50_ratio: 1.3,
            met: at16 ? at16.p99_ratio <= 1.15 && at16.p50_ratio <= 1.3 : null,
          },
        },
        null,
        2,
      ),
    );
  } finally {
    stopRawWatch();
    crm?.kill("SIGTERM");
    for (const ns of namespaces) {
      await releaseFinalizers(kube, ns.name);
      await ns.cleanup();
    }
    await kube.close();
    await releaseTestCluster(); // stops the cluster only if this run started it
  }
}

/** The records carry the CRM finalizer and no reconciler runs here: drop it so the namespaces can go. */
async function releaseFinalizers(kube: KubeClient, namespace: string): Promise<void> {
  const records = await listObjects<DeploymentRecord>(kube, deploymentRecords, namespace);
  for (let i = 0; i < records.length; i += 32) {
    await Promise.all(
      records.slice(i, i + 32).map((r) =>
        kube.request({
          method: "PATCH",
          path: `/apis/oaas.io/v1alpha1/namespaces/${namespace}/deploymentrecords/${r.metadata.name}`,
          body: { metadata: { finalizers: null } },
          contentType: "application/merge-patch+json",
        }),
      ),
    );
  }
}

await main();
