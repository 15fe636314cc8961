// Benchmark (not a test): what reading pod reasons costs the reconciler. N records (one function each, dev template) of which K ask for more CPU than any
// node has (Unschedulable), driven by the reconcile handler itself (no queue, no watcher)
// until every record settles: N-K Available, K Degraded Unschedulable. Then one more
// reconcile of every record, with every API request the handler makes counted at the
// client (verb and resource): the available ones must make no pod read at all, each stuck
// one exactly one (its Deployment's pods, by label selector). Prints one JSON document,
// with the recheck cadence of a stuck record (recheck.ts podRecheckMs) and what it costs
// at N stuck records.
//
//   scripts/node.sh -- tsx e2e/bench/pod-reasons.ts            (N = 1000, K = 100)
//   BENCH_UNITS=200 BENCH_STUCK=20 scripts/node.sh -- tsx e2e/bench/pod-reasons.ts
import { findCondition, recordName, type DeploymentRecord } from "@oaas/crd";
import { applyObject, createEventRecorder, KubeClient, listObjects, type KubeRequest } from "@oaas/kube";
import { applyCrds, deploymentRecords, desiredRecord, ingressFieldManager } from "@oaas/crm";
import type { JobContext, RecordJob } from "@oaas/queue";
import { createLogger } from "@oaas/telemetry";
import { defaultRenderContext } from "@oaas/templates";
import { releaseTestCluster, testCluster, waitFor } from "@oaas/testkit";
import { detectCapabilities } from "../../services/crm/src/reconciler/capabilities.ts";
import { createReconcileHandler } from "../../services/crm/src/reconciler/index.ts";
import { podRecheckMs } from "../../services/crm/src/reconciler/recheck.ts";
import { addPodCapacity, deleteNamespaceAndWait, removeNodes } from "./converge-support.ts";

const units = Number(process.env["BENCH_UNITS"] ?? 1000);
const stuck = Number(process.env["BENCH_STUCK"] ?? 100);
const concurrency = Number(process.env["BENCH_CONCURRENCY"] ?? 16);

/** "GET deploymentrecords", "LIST pods", ...: from the request's method and path. */
function requestKind(req: KubeRequest): string {
  const parts = req.path.split("?")[0]?.split("/").filter(Boolean) ?? [];
  const ns = parts.indexOf("namespaces");
  const rest = ns >= 0 ? parts.slice(ns + 2) : parts.slice(parts[0] === "api" ? 2 : 3);
  const resource = rest.length >= 3 ? `${rest[0] ?? ""}/${rest[2] ?? ""}` : (rest[0] ?? "");
  const verb = req.method === "GET" && rest.length === 1 ? "LIST" : req.method;
  return `${verb} ${resource}`;
}

async function pool<T>(items: readonly T[], run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await run(items[next++] as T);
    }),
  );
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

async function main(): Promise<void> {
  const { kc } = await testCluster();
  const admin = await KubeClient.create(kc);
  await applyCrds(admin);
  const namespace = `bench-podwhy-${process.pid}`;
  await admin.request({
    method: "POST",
    path: "/api/v1/namespaces",
    body: { metadata: { name: namespace } },
  });
  const nodes = await addPodCapacity(admin, units - stuck + 50);
  // The reconciler's own client, counted: every request it makes, by verb and resource.
  const kube = await KubeClient.create(kc);
  let counts = new Map<string, number>();
  // request() sends through exchange(), as getObject does: counting exchange counts each once.
  const exchange = kube.exchange.bind(kube);
  kube.exchange = (req: KubeRequest) => {
    const k = requestKind(req);
    counts.set(k, (counts.get(k) ?? 0) + 1);
    return exchange(req);
  };

  try {
    const ids = Array.from({ length: units }, (_, i) => `podwhy-${i}`);
    const isStuck = (i: number) => i < stuck;
    await pool(
      ids.map((id, i) => ({ id, i })),
      async ({ id, i }) => {
        const record = desiredRecord(
          {
            deployment_id: id,
            package_name: "bench",
            class_key: "cls",
            target_env: "dev",
            functions: [
              {
                function_key: "fn",
                provision_config: {
                  container_image: "ghcr.io/oaas/fn:1",
                  port: 8080,
                  ...(isStuck(i) ? { cpu_request: "1000" } : { cpu_request: "10m" }),
                },
              },
            ],
          },
          { namespace, correlationId: `bench-${i}` },
        );
        await applyObject(admin, deploymentRecords, record, { fieldManager: ingressFieldManager });
      },
    );
    const base = defaultRenderContext("dev");
    const handler = createReconcileHandler({
      kube,
      renderContext: { ...base, capabilities: await detectCapabilities(kube) },
      history: { append: () => Promise.resolve() },
      events: createEventRecorder(kube, {
        controller: "oaas.io/bench",
        instance: "bench",
        now: () => new Date(),
      }),
      logger: createLogger({ service: "bench-podwhy", level: "error" }),
    });
    let jobs = 0;
    const reconcile = async (id: string): Promise<number> => {
      const job: RecordJob = { namespace, name: recordName(id), uid: "", reason: "resync" };
      const ctx: JobContext = {
        jobId: `b-${++jobs}`,
        attempt: 1,
        workerId: "bench",
        signal: new AbortController().signal,
      };
      const started = performance.now();
      await handler(job, ctx);
      return performance.now() - started;
    };
    const settled = (r: DeploymentRecord, i: number) =>
      isStuck(i)
        ? findCondition(r.status?.conditions, "Degraded")?.reason === "Unschedulable"
        : findCondition(r.status?.conditions, "Available")?.status === "True";

    const settleStarted = Date.now();
    let passes = 0;
    await waitFor(
      async () => {
        passes++;
        const records = new Map(
          (await listObjects<DeploymentRecord>(admin, deploymentRecords, namespace)).map((r) => [
            r.metadata.name,
            r,
          ]),
        );
        const left = ids.filter((id, i) => {
          const r = records.get(recordName(id));
          return r === undefined || !settled(r, i);
        });
        if (left.length === 0) return true;
        await pool(left, async (id) => {
          await reconcile(id);
        });
        return false;
      },
      { description: "every record settled", timeoutMs: 1_800_000, intervalMs: 2_000 },
    );
    const settleSeconds = (Date.now() - settleStarted) / 1000;

    const measure = async (which: string[]) => {
      counts = new Map();
      const times: number[] = [];
      await pool(which, async (id) => void times.push(await reconcile(id)));
      const perReconcile = Object.fromEntries(
        [...counts].sort().map(([k, v]) => [k, Math.round((v / which.length) * 1000) / 1000]),
      );
      return {
        records: which.length,
        requestsPerReconcile: perReconcile,
        podListsTotal: counts.get("LIST pods") ?? 0,
        reconcileMs: { p50: Math.round(percentile(times, 50)), p95: Math.round(percentile(times, 95)) },
      };
    };
    const available = await measure(ids.filter((_, i) => !isStuck(i)));
    const degraded = await measure(ids.filter((_, i) => isStuck(i)));

    // The recheck cadence of a record stuck for an hour (no condition change after the first).
    const looks: number[] = [];
    const since = 0;
    for (let t = 0; t < 3_600_000;) {
      const wait = podRecheckMs(
        {
          conditions: [
            {
              type: "Degraded",
              status: "True",
              reason: "X",
              message: "",
              lastTransitionTime: new Date(since).toISOString(),
            },
          ],
        },
        new Date(t),
      );
      t += wait;
      if (t < 3_600_000) looks.push(Math.round(t / 1000));
    }
    const perRun = Object.values(degraded.requestsPerReconcile).reduce((a, b) => a + b, 0);
    console.log(
      JSON.stringify(
        {
          units,
          stuck,
          concurrency,
          settle: { seconds: settleSeconds, passes },
          available,
          degraded,
          recheck: {
            firstHourLooksAtSeconds: looks,
            looksInFirstHour: looks.length,
            steadyIntervalSeconds: 300,
            atUnitsAllStuck: {
              reconcilesPerSecond: Math.round((units / 300) * 100) / 100,
              apiRequestsPerSecond: Math.round(((units * perRun) / 300) * 100) / 100,
            },
          },
        },
        null,
        2,
      ),
    );
  } finally {
    // 1000 Deployments take the garbage collector minutes: wait a while, then leave the
    // rest to it (a cluster the bench started goes away with it anyway).
    await deleteNamespaceAndWait(admin, namespace, 120_000).catch(() =>
      console.error(`namespace ${namespace} is still being deleted; the garbage collector finishes it`),
    );
    await removeNodes(admin, nodes);
    await kube.close();
    await admin.close();
    await releaseTestCluster();
  }
}

await main();
