// Benchmark (not a test): the enforcer's reaction time, from an analysis that shows a new
// target (a x3 step: 1 -> 3 replicas) to the change applied on the API server, over N
// records stepping at once, with real `crm watcher`, `crm reconciler` and `crm enforcer`
// processes on the shared test cluster and Redis. The analysis is written as the analyzer
// writes it (status.nfr_recommendations + NfrObserved, then one job on the enforce queue);
// the reaction is read from a watch of the Deployments (event time, no polling). The
// stability window dominates by design: `over_window` is what the enforcer adds to it
// (queue wait, its requeue at the next eligible time, the write). Prints one JSON document.
//
//   scripts/node.sh -- tsx e2e/bench/nfr-enforcer.ts          (N = 20, stability 4 s)
//   BENCH_RECORDS=50 BENCH_STABILITY_S=6 BENCH_ENFORCERS=2 scripts/node.sh -- tsx e2e/bench/nfr-enforcer.ts
import { apiVersion, functionChildName, kind, recordName, type DeploymentRecord } from "@oaas/crd";
import { applyCrds, deploymentRecords, desiredRecord, ingressFieldManager } from "@oaas/crm";
import { applyObject, getObject, Informer, KubeClient, resourcePath } from "@oaas/kube";
import { createRecordQueue, createRedisConnection, queueNames } from "@oaas/queue";
import {
  createTestNamespace,
  releaseTestCluster,
  releaseTestRedis,
  testCluster,
  testRedis,
  waitFor,
} from "@oaas/testkit";
import { round2 } from "./converge-support.ts";
import { startRole, stopRoles, waitReady, type Role } from "./converge-roles.ts";

const records = Number(process.env["BENCH_RECORDS"] ?? 20);
const stabilityS = Number(process.env["BENCH_STABILITY_S"] ?? 4);
const enforcers = Number(process.env["BENCH_ENFORCERS"] ?? 1);
const deployments = { group: "apps", version: "v1", plural: "deployments", namespaced: true } as const;

interface LiveDeployment {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
  spec?: { replicas?: number };
  status?: { readyReplicas?: number };
}

function quantiles(values: readonly number[]): { p50: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { p50: round2(at(0.5)), p95: round2(at(0.95)), max: round2(sorted.at(-1) ?? Number.NaN) };
}

async function main(): Promise<void> {
  const cluster = await testCluster();
  const kube = await KubeClient.create(cluster.kc);
  await applyCrds(kube);
  const redis = await testRedis();
  const ns = await createTestNamespace("bench-nfr");
  const env = {
    KUBECONFIG: cluster.kubeconfig,
    OPRC_CRM_K8S_NAMESPACE: ns.name,
    OPRC_CRM_REDIS_URL: redis.url,
    OPRC_CRM_QUEUE_PREFIX: redis.prefix,
    OPRC_CRM_LEASE_NAME: `${redis.prefix}-lease`,
    OPRC_CRM_FEATURES_NFR_ENFORCEMENT: "true",
    OPRC_CRM_ENFORCEMENT_STABILITY_SECS: String(stabilityS),
    OPRC_CRM_ENFORCEMENT_COOLDOWN_SECS: String(stabilityS),
    OPRC_CRM_ENFORCEMENT_MAX_REPLICA_DELTA: "200",
  };
  const roles: Role[] = [];
  try {
    roles.push(await startRole("watcher", env), await startRole("reconciler", env));
    for (let i = 0; i < enforcers; i++) roles.push(await startRole("enforcer", env));
    await Promise.all(roles.map(waitReady));

    // Records in enforce mode (replicas), reconciled to their Deployments by the CRM.
    const ids = Array.from({ length: records }, (_, i) => `nfr-bench-${i}`);
    for (const id of ids) {
      await applyObject(
        kube,
        deploymentRecords,
        desiredRecord(
          {
            deployment_id: id,
            functions: [
              { function_key: "f1", provision_config: { container_image: "ghcr.io/oaas/fn:1", port: 8080 } },
            ],
            nfr: { enforcement: { mode: "enforce", dimensions: ["replicas"] } },
          },
          { namespace: ns.name, correlationId: "bench" },
        ),
        { fieldManager: ingressFieldManager, force: true },
      );
    }
    const names = new Map(ids.map((id) => [functionChildName(recordName(id), "f1"), id]));
    await waitFor(
      async () => {
        for (const name of names.keys())
          if (
            (await getObject<LiveDeployment>(kube, deployments, ns.name, name))?.status?.readyReplicas !== 1
          )
            return false;
        return true;
      },
      { description: "every record's Deployment ready", timeoutMs: 300_000, intervalMs: 1_000 },
    );

    // Watch the Deployments: the time each reaches 3 replicas.
    const applied = new Map<string, number>();
    const seen = (d: LiveDeployment) => {
      const id = names.get(d.metadata?.name ?? "");
      if (id !== undefined && d.spec?.replicas === 3 && !applied.has(id)) applied.set(id, performance.now());
    };
    const informer = new Informer<LiveDeployment>({
      kube,
      type: deployments,
      namespace: ns.name,
      handlers: { add: seen, update: (_old, d) => seen(d) },
    });
    informer.start();

    // The step: what the analyzer writes, then its job on the enforce queue.
    const connection = createRedisConnection(redis.url, { use: "producer" });
    const queue = createRecordQueue({ connection, prefix: redis.prefix, name: queueNames.enforce });
    const stepped = new Map<string, number>();
    await Promise.all(
      ids.map(async (id) => {
        const record = await getObject<DeploymentRecord>(kube, deploymentRecords, ns.name, recordName(id));
        const { name, uid } = record?.metadata ?? { name: "", uid: "" };
        await kube.request({
          method: "PATCH",
          path: `${resourcePath(deploymentRecords, ns.name, name)}/status`,
          query: { fieldManager: "oaas-bench-analyzer", force: true },
          contentType: "application/apply-patch+yaml",
          body: {
            apiVersion,
            kind,
            metadata: { name, namespace: ns.name, uid },
            status: {
              nfr_recommendations: [
                { component: "f1", dimension: "replicas", target: 3, basis: "bench step", confidence: 1 },
              ],
              conditions: [
                {
                  type: "NfrObserved",
                  status: "True",
                  reason: "Observed",
                  message: "bench",
                  lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
                },
              ],
            },
          },
        });
        stepped.set(id, performance.now());
        await queue.enqueue({ namespace: ns.name, name, uid: uid ?? "", reason: "manual" });
      }),
    );
    await waitFor(() => applied.size === ids.length, {
      description: "every step applied",
      timeoutMs: 60_000 + stabilityS * 4_000,
      intervalMs: 200,
    });
    await informer.stop();
    const reactions = ids.map(
      (id) => ((applied.get(id) ?? Number.NaN) - (stepped.get(id) ?? Number.NaN)) / 1000,
    );
    console.log(
      JSON.stringify(
        {
          records,
          enforcers,
          stability_s: stabilityS,
          reaction_s: quantiles(reactions),
          over_window_s: quantiles(reactions.map((r) => r - stabilityS)),
        },
        null,
        2,
      ),
    );
    await queue.close();
    connection.disconnect();
  } finally {
    await stopRoles(roles);
    await ns.cleanup();
    await redis.cleanup();
    await kube.close();
    await releaseTestRedis();
    await releaseTestCluster();
  }
}

await main();
