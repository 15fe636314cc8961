// The closed loop on real servers: `crm watcher`, `crm reconciler`, `crm analyzer` and
// `crm enforcer` processes, the shared API server with KWOK nodes, Redis, and a real
// Prometheus scraping a synthetic exporter this test drives like a workload: every pod's
// CPU is the load divided by the function's ready pods, read from the API server, so
// scaling out lowers the load per pod. A x3 load step raises the Deployment's replicas
// not before the stability window after the step and before the window + 2 analysis
// intervals after the first analysis that asks for it; the load back down lowers them no
// earlier than the stability window after the drop and the cooldown after the rise.
import { functionChildName, ownerLabel, recordName } from "@oaas/crd";
import { getObject, listObjects } from "@oaas/kube";
import {
  builtIn,
  dropPod,
  publishPod,
  startSyntheticExporter,
  startTestPrometheus,
  waitCrmChildReady,
  waitFor,
  type SyntheticExporter,
  type TestPrometheus,
} from "@oaas/testkit";
import { expect } from "chai";
import { nfrOf, putRecord } from "../support/analyzer.ts";
import { useCrmSuite } from "../support/crm-suite.ts";

const intervalSecs = 2;
const stabilitySecs = 6;
const cooldownSecs = 8;
/** A loaded 2-core machine: process scheduling, a scrape, a watch event. */
const slackMs = 2_500;
const id = "nfr-loop";

interface Pod {
  metadata?: { name?: string; deletionTimestamp?: string };
  status?: { conditions?: { type?: string; status?: string }[] };
}

describe("NFR closed loop: analyzer and enforcer on a real Prometheus (real API server, KWOK, Redis)", function () {
  this.timeout(300_000);
  let prometheus: TestPrometheus;
  let exporter: SyntheticExporter;
  let driving: NodeJS.Timeout | undefined;
  /** Total CPU of the function, cores; the driver spreads it over the ready pods. */
  let load = 0.6;
  const suite = useCrmSuite({
    namespace: "nfr-loop",
    env: {
      OPRC_CRM_ANALYZER_INTERVAL_SECS: String(intervalSecs),
      OPRC_CRM_PROM_QUERY_TIMEOUT_SECS: "1",
      OPRC_CRM_PROM_RANGE: "10s",
      OPRC_CRM_PROM_STEP: "1s",
      OPRC_CRM_PROM_RATE_WINDOW: "4s",
      OPRC_CRM_PROM_SCRAPE_INTERVAL: "1s",
      OPRC_CRM_FEATURES_LEADER_ELECTION: "false",
      OPRC_CRM_FEATURES_NFR_ENFORCEMENT: "true",
      OPRC_CRM_ENFORCEMENT_STABILITY_SECS: String(stabilitySecs),
      OPRC_CRM_ENFORCEMENT_COOLDOWN_SECS: String(cooldownSecs),
      OPRC_CRM_ENFORCEMENT_MAX_REPLICA_DELTA: "200",
      OPRC_CRM_REQ_CPU_PER_POD_M: "1000",
      OPRC_CRM_LOG: "info",
    },
  });

  before(async function () {
    exporter = await startSyntheticExporter();
    prometheus = await startTestPrometheus({ scrapeIntervalSeconds: 1 });
    prometheus.setTargets([{ targets: [exporter.target] }]);
  });
  after(async function () {
    if (driving) clearInterval(driving);
    await prometheus.stop();
    await exporter.close();
  });

  /** Publishes every ready pod's series (load / ready pods) and drops those of pods gone. */
  const published = new Set<string>();
  async function drive(): Promise<void> {
    const ns = suite.namespace;
    const pods = await listObjects<Pod>(suite.kube, builtIn.pods, ns, {
      labelSelector: `${ownerLabel}=${recordName(id)}`,
    });
    const ready = pods.filter(
      (p) =>
        p.metadata?.deletionTimestamp === undefined &&
        p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    const names = new Set(ready.map((p) => p.metadata?.name ?? ""));
    for (const name of names)
      publishPod(exporter, {
        namespace: ns,
        pod: name,
        record: recordName(id),
        component: "function",
        functionKey: "f1",
        cpuCores: load / names.size,
        memoryBytes: 96 * 2 ** 20,
      });
    for (const name of published) if (!names.has(name)) dropPod(exporter, ns, name);
    published.clear();
    for (const name of names) published.add(name);
  }

  const replicas = async () =>
    (
      await getObject<{ spec?: { replicas?: number } }>(
        suite.kube,
        builtIn.deployments,
        suite.namespace,
        functionChildName(recordName(id), "f1"),
      )
    )?.spec?.replicas;
  const recommended = async () =>
    (await nfrOf(suite.kube, suite.namespace, id)).record?.status?.nfr_recommendations?.find(
      (r) => r.component === "f1" && r.dimension === "replicas",
    )?.target;

  it("a x3 load step scales out after the stability window, not before; back down after window and cooldown", async function () {
    const env = { OPRC_CRM_PROM_URL: prometheus.url };
    // One after another: four processes starting at once on a busy 2-core machine outlast the readiness wait.
    for (const role of ["watcher", "reconciler", "analyzer", "enforcer"])
      await waitCrmChildReady(await suite.crm([role], env));
    await putRecord(suite.kube, suite.namespace, id, {
      nfr: { enforcement: { mode: "enforce", dimensions: ["replicas"] } },
    });
    driving = setInterval(() => void drive().catch(() => undefined), 500);

    // Steady at 0.6 cores: one replica (0.6 / (1 core x 0.8)), and it stays so.
    await waitFor(async () => (await recommended()) === 1 && (await replicas()) === 1, {
      description: "recommendation of 1 replica under the steady load",
      timeoutMs: 90_000,
      intervalMs: 250,
    });

    // The step: 1.8 cores needs 3 replicas.
    load = 1.8;
    const stepAt = Date.now();
    let askedAt = 0;
    let scaledAt = 0;
    // The rise happened after the start of the last poll that did not see it (the earliest
    // it can have been): the cooldown check below measures from there, not from when the
    // test happened to see it (a slow poll would shorten the measured gap).
    let riseNotBefore = stepAt;
    await waitFor(
      async () => {
        const pollStart = Date.now();
        if (askedAt === 0 && (await recommended()) === 3) askedAt = Date.now();
        if ((await replicas()) === 3) scaledAt = Date.now();
        else riseNotBefore = pollStart;
        return scaledAt > 0;
      },
      { description: "3 replicas after the step", timeoutMs: 60_000, intervalMs: 200 },
    );
    expect(askedAt, "an analysis asked for 3 before the change").to.be.greaterThan(0);
    expect(scaledAt - stepAt, "not before the stability window").to.be.at.least(stabilitySecs * 1000);
    expect(scaledAt - askedAt, "before the window + 2 intervals").to.be.below(
      (stabilitySecs + 2 * intervalSecs) * 1000 + slackMs,
    );
    // Per-pod load fell with the new pods; the recommendation stays 3 (from total load, no ratchet).
    await waitFor(async () => (await recommended()) === 3 && published.size === 3, {
      description: "3 pods serving the load",
      timeoutMs: 30_000,
      intervalMs: 250,
    });

    // Back down to 0.6 cores.
    load = 0.6;
    const dropAt = Date.now();
    await waitFor(async () => (await replicas()) === 1, {
      description: "back to 1 replica",
      timeoutMs: 90_000,
      intervalMs: 200,
    });
    const downAt = Date.now();
    expect(downAt - dropAt, "not before the stability window after the drop").to.be.at.least(
      stabilitySecs * 1000,
    );
    expect(downAt - riseNotBefore, "not before the cooldown after the rise").to.be.at.least(
      cooldownSecs * 1000,
    );
  });
});
