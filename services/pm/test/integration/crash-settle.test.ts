// The PM's view of a deployment equals what the cluster runs, also when
// the CRM's ingress is SIGKILLed in the middle of a burst of deploys. Real processes: the
// CRM as separate roles (ingress, watcher, reconciler) on the shared KWOK cluster and
// Redis, the PM in process (memory storage) with a 1 s resync. For a few fixed random runs the kill
// lands before, during and after the record writes of the burst; after the ingress is
// back, within a resync period or two, for every key: the PM stores it exactly when the
// cluster has its record, the stored condition is not DOWN when it runs, and `get`,
// `cluster-mappings` and `deployment-status` agree.
import { deploymentRecordType } from "@oaas/crd";
import { listObjects } from "@oaas/kube";
import { unitId } from "@oaas/models";
import type { DeploymentMappings } from "@oaas/pm-api";
import {
  createTestNamespace,
  installCrdWithCrm,
  startCrm,
  testCluster,
  testRedis,
  waitCrmChildReady,
  waitFor,
  type CrmChild,
  type TestNamespace,
} from "@oaas/testkit";
import { expect } from "chai";
import { shopPackage } from "../support/fixtures.ts";
import { startTestPm, type TestPm } from "../support/pm.ts";

/** A small deterministic generator (mulberry32), so a failing seed can be run again. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("pm: state equals the cluster's after the CRM ingress is killed mid-burst", function () {
  this.timeout(600_000);
  let ns: TestNamespace | undefined;
  let roles: CrmChild[] = [];
  let ingress: CrmChild | undefined;
  let pm: TestPm | undefined;
  let env: Record<string, string> = {};

  before(async function () {
    const { kubeconfig } = await testCluster();
    await installCrdWithCrm(kubeconfig);
    ns = await createTestNamespace("pm-crash");
    const redis = await testRedis();
    env = {
      KUBECONFIG: kubeconfig,
      OPRC_CRM_K8S_NAMESPACE: ns.name,
      OPRC_CRM_REDIS_URL: `redis://${redis.host}:${redis.port}`,
      OPRC_CRM_QUEUE_PREFIX: redis.prefix,
      OPRC_CRM_LEASE_NAME: `watcher-${redis.prefix}`,
      OPRC_CRM_LOG: "info",
    };
    roles = await Promise.all([startCrm(["watcher"], env), startCrm(["reconciler"], env)]);
    ingress = await startCrm(["ingress"], env);
    await Promise.all([...roles, ingress].map((r) => waitCrmChildReady(r)));
    pm = await startTestPm({
      OPRC_PM_CRM_CLUSTERS: "a",
      OPRC_PM_CRM_A_URL: ingress.url,
      OPRC_PM_CRM_A_TIMEOUT: "5",
      OPRC_PM_RETRY_BASE_MS: "20",
      OPRC_PM_STATUS_REFRESH_SECS: "1",
      // The breaker would open on the refused connections while the ingress is down and
      // keep the PM from asking it again for a minute.
      CRM_CIRCUIT_BREAKER_FAILURE_THRESHOLD: "1000",
    });
    expect((await pm.request("POST", "/api/v1/packages", shopPackage())).status).to.equal(201);
  });
  after(async function () {
    if (pm) {
      for (const d of await pm.storage.listDeployments())
        await pm.request("DELETE", `/api/v1/deployments/${d.key}`);
      await pm.close();
    }
    await Promise.all([...roles, ...(ingress ? [ingress] : [])].map((r) => r.stop()));
    await ns?.cleanup();
  });

  /** Names of the DeploymentRecords in the test namespace (not being deleted). */
  async function recordNames(): Promise<Set<string>> {
    const { kube } = await testCluster();
    const items = await listObjects<{ metadata: { name: string; deletionTimestamp?: string } }>(
      kube,
      deploymentRecordType,
      ns?.name,
    );
    return new Set(items.filter((r) => !r.metadata.deletionTimestamp).map((r) => r.metadata.name));
  }

  const points = [
    // Negative: the ingress is dead before the first POST (every Deploy call is refused
    // a connection, which the PM cannot tell from one lost after sending).
    { name: "before the burst", delayMs: () => -1 },
    { name: "during the record writes", delayMs: (r: () => number) => 20 + Math.floor(r() * 80) },
    { name: "after the record writes", delayMs: (r: () => number) => 400 + Math.floor(r() * 400) },
  ];
  for (const seed of [1, 2]) {
    for (const point of points) {
      it(`seed ${seed}, kill ${point.name}: the PM's state equals the cluster's and its three views agree`, async function () {
        const api = pm;
        if (!api || !ingress) throw new Error("setup failed");
        const rand = random(seed * 31 + point.name.length);
        const keys = Array.from({ length: 6 }, (_, i) => `crash-${seed}-${point.name.split(" ")[0]}-${i}`);
        const delay = point.delayMs(rand);
        // Health fresh in the PM's cache, so each POST gets as far as its Deploy call.
        expect((await api.request("GET", "/api/v1/clusters/health?fresh=true")).status).to.equal(200);
        const post = (key: string) =>
          api.request("POST", "/api/v1/deployments", { key, package_name: "shop", class_key: "cart" });
        if (delay < 0) await ingress.stop("SIGKILL");
        const posts = keys.map(post);
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay)); // the fault's timing, not a wait
        if (delay >= 0) await ingress.stop("SIGKILL");
        const answers = await Promise.all(posts);
        const port = ingress.port;
        ingress = await startCrm(["ingress"], { ...env, OPRC_CRM_HTTP_PORT: String(port) });
        await waitCrmChildReady(ingress);

        // Each answer says what it means: 201/202 stored (202: outcome unknown yet), 503
        // nothing stored; never a stored DOWN for a cluster that was merely unreachable.
        for (const [i, a] of answers.entries()) {
          const key = keys[i] ?? "";
          expect([201, 202, 503], `${key}: ${a.text}`).to.include(a.status);
          const stored = await api.storage.getDeployment(key);
          if (a.status === 503) expect(stored, `${key} answered 503 and is stored`).to.equal(undefined);
          else expect(stored?.condition, key).to.not.equal("DOWN");
        }
        if (delay < 0)
          expect(
            answers.map((a) => a.status),
            "a Deploy that found no ingress is UNKNOWN: 202",
          ).to.deep.equal(keys.map(() => 202));

        // Within a few resync periods the PM and the cluster agree on every key.
        await waitFor(
          async () => {
            const records = await recordNames();
            for (const key of keys) {
              const stored = await api.storage.getDeployment(key);
              const onCluster = records.has(unitId(key, "a"));
              if (!stored) {
                if (onCluster) return false;
                continue;
              }
              if (!onCluster || stored.condition !== "RUNNING") return false;
            }
            return true;
          },
          {
            description: `every key of seed ${seed} settled (${point.name})`,
            timeoutMs: 180_000,
            intervalMs: 500,
          },
        );
        for (const key of keys) {
          if (!(await api.storage.getDeployment(key))) continue;
          const get = await api.request("GET", `/api/v1/deployments/${key}`);
          const mappings = await api.request("GET", `/api/v1/deployments/${key}/cluster-mappings`);
          const status = await api.request("GET", `/api/v1/deployment-status/${key}`);
          expect((get.json as { condition: string }).condition, key).to.equal("RUNNING");
          expect(
            (mappings.json as DeploymentMappings).mappings.map((m) => m.state),
            key,
          ).to.deep.equal(["DEPLOYED"]);
          expect((status.json as { status: string }).status, key).to.equal("RUNNING");
        }
        // Clean up this round's deployments (and their records) through the PM.
        for (const key of keys) {
          if (await api.storage.getDeployment(key))
            expect((await api.request("DELETE", `/api/v1/deployments/${key}`)).status, key).to.equal(200);
        }
      });
    }
  }
});
