// Benchmark (not a test): class deployments through the PM vs. the same units sent
// straight to the CRMs, to one and to two clusters, plus listing 1,000 deployments
// from etcd. Prints one JSON document.
//
//   scripts/node.sh -- tsx e2e/bench/pm.ts        (or npm run bench:pm)
//   BENCH_REQUESTS=200 BENCH_CONCURRENCY=8 BENCH_LIST_RUNS=50
//
// Two `crm ingress` processes (as in production) on the test cluster, each in its own
// namespace; the PM runs in this process with memory storage, so the deploy figures
// are PM overhead (planning, health cache, storage, fan-out) over the CRM calls. Each
// request creates a new record on each cluster on both sides.
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import {
  planUnits,
  resolveDeployment,
  decodeDeployment,
  decodePackage,
  type OClassDeployment,
} from "@oaas/models";
import { DeployRequestSchema, DeploymentService } from "@oaas/proto";
import {
  createTestNamespace,
  installCrdWithCrm,
  releaseTestCluster,
  startCrmProcess,
  startTestEtcd,
  testCluster,
  type CrmProcess,
  type TestNamespace,
} from "@oaas/testkit";
import { toProtoUnit } from "../../services/pm/src/crm/convert.ts";
import { EtcdKv, KvStorage } from "../../services/pm/src/storage/index.ts";
import { shopPackage } from "../../services/pm/test/support/fixtures.ts";
import { startTestPm, type TestPm } from "../../services/pm/test/support/pm.ts";

const requests = Number(process.env["BENCH_REQUESTS"] ?? 200);
const concurrency = Number(process.env["BENCH_CONCURRENCY"] ?? 8);
const listRuns = Number(process.env["BENCH_LIST_RUNS"] ?? 50);

interface Stats {
  readonly requests: number;
  readonly p50_ms: number;
  readonly p99_ms: number;
  readonly throughput_rps: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function load(n: number, c: number, one: (i: number) => Promise<void>): Promise<Stats> {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: c }, async () => {
      while (next < n) {
        const i = next++;
        const t = performance.now();
        await one(i);
        samples.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  samples.sort((x, y) => x - y);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    requests: n,
    p50_ms: round(percentile(samples, 50)),
    p99_ms: round(percentile(samples, 99)),
    throughput_rps: round(n / seconds),
  };
}

function must<T>(value: { ok: true; value: T } | { ok: false; errors: unknown }): T {
  if (!value.ok) throw new Error(JSON.stringify(value.errors));
  return value.value;
}

async function main(): Promise<void> {
  const { kubeconfig } = await testCluster();
  await installCrdWithCrm(kubeconfig);
  const namespaces: TestNamespace[] = await Promise.all([
    createTestNamespace("bench-pm-a"),
    createTestNamespace("bench-pm-b"),
  ]);
  const crms: CrmProcess[] = [];
  let pm: TestPm | undefined;
  try {
    for (const ns of namespaces) {
      crms.push(
        await startCrmProcess({
          kubeconfig,
          namespace: ns.name,
          env: { OPRC_CRM_ENV_AVAILABILITY_OVERRIDE: "0.9" },
        }),
      );
    }
    const [a, b] = crms;
    if (!a || !b) throw new Error("CRMs missing");
    pm = await startTestPm({
      OPRC_PM_CRM_CLUSTERS: "a,b",
      OPRC_PM_CRM_A_URL: a.url,
      OPRC_PM_CRM_B_URL: b.url,
      LOG_LEVEL: "warn",
    });
    const pkg = must(decodePackage(shopPackage("bench")));
    await pm.request("POST", "/api/v1/packages", pkg);
    const clients = [a, b].map((crm) =>
      createClient(DeploymentService, createGrpcTransport({ baseUrl: crm.url })),
    );

    // The same units the PM would send (planned once, ids made unique per request).
    const planFor = (clusters: string[]): OClassDeployment =>
      must(decodeDeployment({ package_name: "bench", class_key: "cart", target_clusters: clusters }));
    const resolved = resolveDeployment(pkg, planFor(["a", "b"]), "a");
    if (!resolved.ok) throw new Error(JSON.stringify(resolved.errors));
    const plan = planUnits(
      resolved.deployment,
      resolved.cls,
      [
        { cluster: "a", availability: 0.9 },
        { cluster: "b", availability: 0.9 },
      ],
      Date.now(),
    );
    const direct = (clusterCount: number, tag: string) => (i: number) =>
      Promise.all(
        plan.units.slice(0, clusterCount).map(async ({ unit }, k) => {
          const client = clients[k];
          if (!client) throw new Error("client missing");
          await client.deploy(
            create(DeployRequestSchema, { deploymentUnit: toProtoUnit({ ...unit, id: `${tag}-${i}-${k}` }) }),
            { timeoutMs: 15_000 },
          );
        }),
      ).then(() => undefined);
    const viaPm = (clusters: string[], tag: string) => async (i: number) => {
      const res = await pm?.request("POST", "/api/v1/deployments", {
        key: `${tag}-${i}`,
        package_name: "bench",
        class_key: "cart",
        target_clusters: clusters,
      });
      if (res?.status !== 201) throw new Error(`PM answered ${res?.status}: ${res?.text}`);
    };
    // Warm-up on both paths (connections, JIT, caches).
    await load(20, concurrency, direct(2, "warm-direct"));
    await load(20, concurrency, viaPm(["a", "b"], "warm-pm"));

    const direct1 = await load(requests, concurrency, direct(1, "d1"));
    const pm1 = await load(requests, concurrency, viaPm(["a"], "p1"));
    const direct2 = await load(requests, concurrency, direct(2, "d2"));
    const pm2 = await load(requests, concurrency, viaPm(["a", "b"], "p2"));

    const list = await etcdList();
    const ratio = (x: Stats, y: Stats) => ({
      p50: Math.round((x.p50_ms / y.p50_ms) * 100) / 100,
      p99: Math.round((x.p99_ms / y.p99_ms) * 100) / 100,
      throughput: Math.round((x.throughput_rps / y.throughput_rps) * 100) / 100,
    });
    console.log(
      JSON.stringify(
        {
          benchmark: "pm",
          concurrency,
          one_cluster: { direct: direct1, pm: pm1, pm_over_direct: ratio(pm1, direct1) },
          two_clusters: { direct: direct2, pm: pm2, pm_over_direct: ratio(pm2, direct2) },
          etcd_list_1000_deployments: list,
        },
        null,
        2,
      ),
    );
  } finally {
    await pm?.close();
    await Promise.all(crms.map((c) => c.stop()));
    await Promise.all(namespaces.map((n) => n.cleanup()));
    await releaseTestCluster();
  }
}

/** 1,000 deployments with two mappings each in a real etcd; list all (and one filter) listRuns times. */
async function etcdList(): Promise<Record<string, unknown>> {
  const etcd = await startTestEtcd();
  const storage = new KvStorage(
    new EtcdKv({ endpoints: [etcd.endpoint], keyPrefix: "/bench/pm", timeoutMs: 10_000 }),
  );
  try {
    for (let start = 0; start < 1000; start += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) => {
          const key = `bench-${String(start + j).padStart(4, "0")}`;
          const d = must(
            decodeDeployment({
              key,
              package_name: `pkg-${(start + j) % 10}`,
              class_key: "cart",
              target_clusters: ["a", "b"],
            }),
          );
          const now = new Date().toISOString();
          return storage.createDeployment(d, [
            { cluster: "a", unit_id: `${key}-a`, state: "DEPLOYED", updated_at: now },
            { cluster: "b", unit_id: `${key}-b`, state: "DEPLOYED", updated_at: now },
          ]);
        }),
      );
    }
    const all = await load(listRuns, 1, async () => {
      const items = await storage.listDeployments();
      if (items.length !== 1000) throw new Error(`listed ${items.length}`);
    });
    const filtered = await load(listRuns, 1, async () => {
      await storage.listDeployments({ package_name: "pkg-3", target_cluster: "b" });
    });
    return { all: all, filtered_by_package_and_cluster: filtered };
  } finally {
    await storage.close();
    await etcd.stop();
  }
}

await main();
