// The rounds of the convergence benchmark (converge.ts): the floor (the rendered objects
// applied straight from Node) and a CRM round (ingress, watcher and k reconcilers
// converging the same units from Deploy).
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { parseCrmConfig } from "@oaas/config";
import { recordName, type DeploymentRecord } from "@oaas/crd";
import {
  deploymentRecords,
  desiredRecord,
  detectCapabilities,
  ingressFieldManager,
  renderContextFor,
  unitToSpec,
} from "@oaas/crm";
import { applyObject, KubeClient, type KubeObject } from "@oaas/kube";
import { DeploymentService } from "@oaas/proto";
import { render } from "@oaas/templates";
import { createTestNamespace, testRedis } from "@oaas/testkit";
import { apiDelta, apiSnapshot, rssMiB, sampleQueue } from "./converge-api.ts";
import { reconcilerFigures, startRole, stopRoles, waitReady, type Role } from "./converge-roles.ts";
import {
  childSettleMs,
  concurrency,
  deployments,
  floorFieldManager,
  kubeMaxInFlight,
  reconcileConcurrency,
  unit,
  unitId,
  units,
} from "./converge-setup.ts";
import { percentiles, round2, runAll, typeOf } from "./converge-support.ts";
import {
  allDeploymentsAvailable,
  endRound,
  figures,
  trackDone,
  type Leftovers,
  type RoundFigures,
} from "./converge-track.ts";

/** The floor: record + rendered children applied straight with SSA; until all Deployments are available. */
export async function floorRound(kube: KubeClient, left: Leftovers): Promise<RoundFigures> {
  const ns = await createTestNamespace("bench-floor");
  left.namespaces.push(ns);
  const config = parseCrmConfig({ OPRC_CRM_FEATURES_ODGM: "true", OPRC_CRM_K8S_NAMESPACE: ns.name });
  const context = renderContextFor(config, await detectCapabilities(kube));
  const before = await apiSnapshot(kube);
  const sentAt = new Map<string, number>();
  const doneAt = new Map<string, number>();
  const started = performance.now();
  const converged = trackDone(kube, deployments, ns.name, units, allDeploymentsAvailable(3), doneAt);
  await runAll(units, concurrency, async (i) => {
    const id = unitId(i);
    const name = recordName(id);
    sentAt.set(name, performance.now());
    // The record too (one create, as Deploy does): the children's owner references need its uid.
    const record = await applyObject<DeploymentRecord>(
      kube,
      deploymentRecords,
      // addons as the ingress derives them from odgm_config (DeploymentsService.withDerivedFields).
      desiredRecord(
        { ...unitToSpec(unit(id)), addons: ["odgm"] },
        { namespace: ns.name, correlationId: `floor-${id}` },
      ),
      { fieldManager: ingressFieldManager, force: true },
    );
    const rendered = render(record, context);
    if (!rendered.ok) throw new Error(`render ${id}: ${rendered.error.message}`);
    await Promise.all(
      rendered.objects.map((o) =>
        applyObject(kube, typeOf(o), o as KubeObject, { fieldManager: floorFieldManager, force: true }),
      ),
    );
  });
  await converged;
  const result = figures(sentAt, doneAt, started, apiDelta(before, await apiSnapshot(kube)));
  await endRound(kube, ns, left);
  return result;
}

/** One CRM round: ingress + watcher + `reconcilers` reconciler processes; Deploy N; until all Available. */
export async function crmRound(kube: KubeClient, kubeconfig: string, reconcilers: number, left: Leftovers) {
  const ns = await createTestNamespace(`bench-crm${reconcilers}`);
  left.namespaces.push(ns);
  const redis = await testRedis();
  left.redis.push(redis);
  const env = {
    KUBECONFIG: kubeconfig,
    OPRC_CRM_K8S_NAMESPACE: ns.name,
    OPRC_CRM_REDIS_URL: `redis://${redis.host}:${redis.port}`,
    OPRC_CRM_QUEUE_PREFIX: redis.prefix,
    OPRC_CRM_FEATURES_ODGM: "true",
    OPRC_CRM_LEASE_NAME: `watcher-${redis.prefix}`,
    ...(reconcileConcurrency ? { OPRC_CRM_RECONCILE_CONCURRENCY: reconcileConcurrency } : {}),
    ...(kubeMaxInFlight ? { OPRC_CRM_KUBE_MAX_IN_FLIGHT: kubeMaxInFlight } : {}),
    ...(childSettleMs ? { OPRC_CRM_CHILD_SETTLE_MS: childSettleMs } : {}),
  };
  const roles: Role[] = [];
  for (const role of ["ingress", "watcher", ...Array<string>(reconcilers).fill("reconciler")]) {
    const started = await startRole(role, env);
    roles.push(started);
    left.roles.push(started);
  }
  await Promise.all(roles.map(waitReady));
  const [ingress, watcher] = roles;
  if (ingress === undefined || watcher?.child.pid === undefined) throw new Error("crm roles did not start");
  const rssStart = await rssMiB(watcher.child.pid);
  const client = createClient(DeploymentService, createGrpcTransport({ baseUrl: ingress.url }));

  const before = await apiSnapshot(kube);
  const sentAt = new Map<string, number>();
  const doneAt = new Map<string, number>();
  // When each record's Deployments were all available: the status lag is doneAt - this.
  const childrenAt = new Map<string, number>();
  const queueDepth = sampleQueue(redis.connect(), `${redis.prefix}:reconcile`, 2_000);
  const started = performance.now();
  // 3 Deployments per unit: 2 functions + ODGM.
  const children = trackDone(kube, deployments, ns.name, units, allDeploymentsAvailable(3), childrenAt);
  const converged = trackDone(
    kube,
    deploymentRecords,
    ns.name,
    units,
    (obj) => {
      const r = obj as DeploymentRecord;
      return r.status?.phase === "Available" ? r.metadata.name : undefined;
    },
    doneAt,
  );
  await runAll(units, concurrency, async (i) => {
    sentAt.set(recordName(unitId(i)), performance.now());
    await client.deploy({ deploymentUnit: unit(unitId(i)) });
  });
  await converged;
  await children;
  const api = apiDelta(before, await apiSnapshot(kube));
  const rssEnd = await rssMiB(watcher.child.pid);
  const work = await reconcilerFigures(roles.slice(2), units);
  const depth = await queueDepth.stop();
  await stopRoles(roles);
  await endRound(kube, ns, left);
  const lag = [...doneAt].map(([k, t]) => t - (childrenAt.get(k) ?? t));
  const logDir = process.env["BENCH_LOG_DIR"];
  if (logDir) {
    // Per record, ms since the round started: Deploy sent, Deployments available, record Available.
    const at = (m: ReadonlyMap<string, number>, k: string) => round2((m.get(k) ?? Number.NaN) - started);
    const rows = [...sentAt.keys()].map((k) => ({
      record: k,
      sent: at(sentAt, k),
      children: at(childrenAt, k),
      available: at(doneAt, k),
    }));
    await writeFile(path.join(logDir, `records-${ns.name}.json`), JSON.stringify(rows));
  }
  const childLatency = [...childrenAt].map(([k, t]) => t - (sentAt.get(k) ?? started));
  return {
    reconcilers,
    ...figures(sentAt, doneAt, started, api),
    // Deploy -> every Deployment available, and from then to the record's Available.
    children_available: percentiles(childLatency),
    status_lag: percentiles(lag),
    reconciler: work,
    queue_depth: depth,
    watcher_rss_mib: { start: rssStart, end: rssEnd },
  };
}
