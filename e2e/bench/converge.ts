// Benchmark (not a test): how fast the CRM converges N DeploymentUnits (2 functions + ODGM
// each) from Deploy to Available with 1, 2 and 4 reconciler processes, against a floor:
// the very same rendered objects server-side applied straight from Node at the same
// concurrency. Prints one JSON document. Targets: CRM/floor <= 1.5; 4
// reconcilers >= 2.5x the throughput of 1 when the API server is not the bottleneck.
//
//   npm run bench:converge                      (N = 20; a 2-core machine manages this)
//   BENCH_UNITS=200 npm run bench:converge      (target sizes: 200 and 1000)
//   BENCH_UNITS=1000 BENCH_TIMEOUT_S=3600 npm run bench:converge
//   BENCH_RECONCILERS=1,2,4  BENCH_CONCURRENCY=16 (Deploy calls / floor records in flight)
//   BENCH_RECONCILE_CONCURRENCY=16 (parallel reconciles per reconciler process; default: the profile's)
//   BENCH_KUBE_MAX_IN_FLIGHT=32 (API requests per CRM process at once; 0 = no bound; default: the profile's)
//   BENCH_CHILD_SETTLE_MS=1000 (the watcher's settle delay of child health events; 0 = none; default: the profile's)
//   BENCH_LOG_DIR=/tmp/x (keep every CRM role's output and per-record times there), BENCH_CRM_LOG=debug
//   or as arguments: scripts/node.sh -- tsx e2e/bench/converge.ts <units> <reconcilers>
//
// Every round (the floor, then one per reconciler count) gets a fresh namespace; CRM
// rounds also a fresh Redis prefix and lease, and their own `crm ingress`, `crm watcher`
// and `crm reconciler` x k processes, as in production. Records and Deployments are watched
// (informers), so the figures carry event time and the measuring adds no polling load on
// the API server. Each CRM round also reports the reconciles per record, the queue's depth
// over time and the status lag (children available -> record Available). Mutating requests are
// read from the API server's own apiserver_request_total: they count every client of the
// (shared) cluster, the controller-manager's pods and ReplicaSets included.
import os from "node:os";
import { applyCrds } from "@oaas/crm";
import { KubeClient } from "@oaas/kube";
import { releaseTestCluster, releaseTestRedis, testCluster } from "@oaas/testkit";
import { crmRound, floorRound } from "./converge-rounds.ts";
import {
  childSettleMs,
  concurrency,
  kubeMaxInFlight,
  reconcileConcurrency,
  reconcilerCounts,
  units,
} from "./converge-setup.ts";
import { addPodCapacity, round2 } from "./converge-support.ts";
import { cleanUp, type Leftovers } from "./converge-track.ts";

async function main(): Promise<void> {
  const { kc, kubeconfig } = await testCluster();
  const kube = await KubeClient.create(kc);
  const left: Leftovers = { namespaces: [], nodes: [], roles: [], redis: [] };
  // Ctrl-C / timeout(1): the same clean-up as `finally`, then exit.
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => {
      void cleanUp(kube, left).finally(() => process.exit(130));
    });
  try {
    await applyCrds(kube); // a fresh cluster (no `cluster:up`) has no CRD yet
    // Each unit runs 3 pods (2 functions + ODGM); rounds run one after another on an
    // emptied cluster, so one round's pods plus a margin is enough.
    left.nodes.push(...(await addPodCapacity(kube, units * 3 + 100)));
    const floor = await floorRound(kube, left);
    const crm = [];
    for (const k of reconcilerCounts) crm.push(await crmRound(kube, kubeconfig, k, left));

    const one = crm.find((r) => r.reconcilers === 1);
    const most = crm.reduce((a, b) => (b.reconcilers > a.reconcilers ? b : a));
    const best = crm.reduce((a, b) => (b.throughput_rps > a.throughput_rps ? b : a));
    const rss = most.watcher_rss_mib;
    const perRecordMiB = Math.max(0, (rss.end - rss.start) / units);
    // The API server (with the controller-manager and KWOK behind it) bounds the CRM when the
    // direct floor, which does nothing but talk to it, is barely faster than the CRM.
    const floorRatio = best.throughput_rps / floor.throughput_rps;
    const apiBound = floorRatio >= 0.8;
    // On a small machine every process (API server, etcd, controllers, KWOK, the CRM)
    // shares the same cores: when they are all busy, the machine bounds convergence.
    const machineBound = best.machine_cores_busy >= os.cpus().length * 0.9;
    console.log(
      JSON.stringify(
        {
          benchmark: "crm convergence: Deploy -> Available vs direct server-side apply (floor)",
          node: process.version,
          units,
          functions_per_unit: 2,
          odgm: true,
          concurrency,
          reconcile_concurrency: reconcileConcurrency ?? "profile default",
          kube_max_in_flight: kubeMaxInFlight ?? "profile default",
          child_settle_ms: childSettleMs ?? "profile default",
          cpus: os.cpus().length,
          load_average: os.loadavg().map(round2),
          floor,
          crm,
          ratios: {
            crm_over_floor_seconds: crm.map((r) => ({
              reconcilers: r.reconcilers,
              ratio: round2(r.seconds / floor.seconds),
            })),
            throughput_max_over_1:
              one === undefined
                ? null
                : { reconcilers: most.reconcilers, ratio: round2(most.throughput_rps / one.throughput_rps) },
          },
          watcher_memory: {
            reconcilers: most.reconcilers,
            rss_mib_at_start: rss.start,
            rss_mib_at_end: rss.end,
            records: units,
            mib_per_record: round2(perRecordMiB),
            extrapolated_rss_mib_at_5000: round2(rss.start + perRecordMiB * 5000),
          },
          // "The cluster" is the API server with the controllers behind it: the
          // controller-manager creates every ReplicaSet and pod at its client rate limit
          // (--kube-api-qps, 20 requests/s by default, as in most real clusters), then KWOK
          // marks the pods Ready. When the floor, which only applies objects, converges
          // no faster than the CRM, the CRM cannot be what bounds convergence, and more
          // reconcilers cannot scale it.
          cluster_bottleneck: {
            verdict: apiBound || machineBound,
            why:
              `best CRM throughput ${best.throughput_rps}/s (${best.reconcilers} reconcilers) is ` +
              `${round2(floorRatio * 100)}% of the floor's ${floor.throughput_rps}/s (direct apply, no CRM); ` +
              `the API server used ${best.apiserver_cpu_cores} cores of ${os.cpus().length} ` +
              `and the machine ${best.machine_cores_busy} ` +
              `(load average ${os.loadavg().map(round2).join(", ")}): ` +
              (machineBound
                ? "the machine's CPU is saturated (API server, etcd, controllers, KWOK and the CRM share it), so more reconcilers add demand, not capacity"
                : !apiBound
                  ? "the CRM, not the cluster, bounds convergence"
                  : best.apiserver_cpu_cores < os.cpus().length * 0.6
                    ? "not its CPU, so the controllers' request rate (controller-manager client limit) bounds it"
                    : "its CPU is near the machine's"),
          },
          targets: {
            crm_over_floor_max: 1.5,
            met_crm_over_floor: crm.every((r) => r.seconds / floor.seconds <= 1.5),
            throughput_4_over_1_min: 2.5,
            met_scaling:
              one === undefined || most.reconcilers !== 4
                ? null
                : most.throughput_rps / one.throughput_rps >= 2.5,
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await cleanUp(kube, left);
    await kube.close();
    await releaseTestRedis();
    await releaseTestCluster(); // stops the cluster only if this run started it
  }
}

await main();
