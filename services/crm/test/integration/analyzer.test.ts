// `crm analyzer` end to end on real servers: the shared test cluster's API server (and a
// private second API server on the same etcd that only the analyzer talks to, so its
// apiserver_request_total counts exactly the analyzer's writes), Redis, a real Prometheus
// started here scraping a synthetic exporter this test controls (file-based service
// discovery), and `crm watcher` keeping one analyze schedule per record. The analyzer runs
// as its own ServiceAccount with exactly the rules the chart lists for it.
import { recordName } from "@oaas/crd";
import { KubeClient } from "@oaas/kube";
import { queueNames } from "@oaas/queue";
import {
  startSyntheticExporter,
  startTestPrometheus,
  testCluster,
  waitCrmChildReady,
  waitFor,
  type CrmChild,
  type SyntheticExporter,
  type TestPrometheus,
} from "@oaas/testkit";
import { Queue } from "bullmq";
import { expect } from "chai";
import { schedulerId } from "../../src/analyzer/schedules.ts";
import { analyzerKubeconfig, nfrOf, putRecord, statusPatches, steadyLoad } from "../support/analyzer.ts";
import { useCrmSuite } from "../support/crm-suite.ts";
import { startPrivateApiserver, type PrivateApiserver } from "../support/private-apiserver.ts";
import { deleteRecord } from "../support/records.ts";
import { scrape, total } from "../support/prom-text.ts";

const intervalSecs = 3;
const intervalMs = intervalSecs * 1000;
/** Process start-up, a query timeout and a loaded machine, on top of what the design promises. */
const slackMs = 4000;
const ids = { observe: "nfr-observe", enforce: "nfr-enforce", gone: "nfr-gone" };

describe("crm analyzer (real API server, Redis and Prometheus)", function () {
  this.timeout(300_000);
  let prometheus: TestPrometheus;
  let exporter: SyntheticExporter;
  let apiserver: PrivateApiserver;
  let privateKube: KubeClient;
  let analyzerConfig: string;
  let analyzer: CrmChild;
  let queue: Queue;
  const suite = useCrmSuite({
    namespace: "nfr-analyzer",
    env: {
      OPRC_CRM_ANALYZER_INTERVAL_SECS: String(intervalSecs),
      OPRC_CRM_PROM_QUERY_TIMEOUT_SECS: "1",
      OPRC_CRM_PROM_RANGE: "20s",
      OPRC_CRM_PROM_STEP: "1s",
      OPRC_CRM_PROM_RATE_WINDOW: "4s",
      OPRC_CRM_PROM_SCRAPE_INTERVAL: "1s",
      OPRC_CRM_FEATURES_LEADER_ELECTION: "false",
      OPRC_CRM_LOG: "info",
    },
  });

  before(async function () {
    const cluster = await testCluster();
    exporter = await startSyntheticExporter();
    prometheus = await startTestPrometheus({ scrapeIntervalSeconds: 1 });
    prometheus.setTargets([{ targets: [exporter.target] }]);
    apiserver = await startPrivateApiserver(cluster.kubeconfig, cluster.kc);
    privateKube = await KubeClient.create(apiserver.kc);
    const ns = suite.namespace;
    analyzerConfig = await analyzerKubeconfig(suite.kube, cluster.kc, ns, apiserver.server);
    queue = new Queue(queueNames.analyze, {
      connection: suite.redis().connect(),
      prefix: suite.redis().prefix,
    });
    // Two records under a steady load (no reconciler: the analyzer reads only the record and Prometheus).
    await putRecord(suite.kube, ns, ids.observe, { nfr: { requirements: { min_throughput_rps: 10 } } });
    await putRecord(suite.kube, ns, ids.enforce, { nfr: { enforcement: { mode: "enforce" } } });
    for (const id of [ids.observe, ids.enforce])
      steadyLoad(exporter, {
        namespace: ns,
        deploymentId: id,
        pods: 2,
        cpuCores: 0.3,
        memoryBytes: 96 * 2 ** 20,
        rps: 30,
      });
  });
  after(async function () {
    await queue.close();
    await privateKube.close();
    await apiserver.stop();
    await prometheus.stop();
    await exporter.close();
  });

  /** The first test's processes, reused by the later ones (they are killed after each test). */
  const startRoles = async () => {
    const env = { OPRC_CRM_PROM_URL: prometheus.url };
    const watcher = await suite.crm(["watcher"], env);
    analyzer = await suite.crm(["analyzer"], { ...env, KUBECONFIG: analyzerConfig });
    await Promise.all([waitCrmChildReady(watcher), waitCrmChildReady(analyzer)]);
  };
  const analyses = async (...processes: CrmChild[]) => {
    let sum = 0;
    for (const p of processes) sum += total(await scrape(p.url), "oaas_crm_analyzer_runs_total");
    return sum;
  };

  it("writes recommendations from real series, then nothing while the load is steady; mode enforce with the global flag off says so", async function () {
    const ns = suite.namespace;
    await startRoles();

    const observed = await waitFor(
      async () => {
        const nfr = await nfrOf(suite.kube, ns, ids.observe);
        return nfr.condition?.status === "True" && nfr.targets.length >= 3 ? nfr : undefined;
      },
      { description: "recommendations on the observe record", timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(observed.condition?.reason).to.equal("Observed");
    expect(observed.targets.map((t) => t.replace(/=.*/, ""))).to.include.members([
      "f1/replicas",
      "f1/cpu",
      "f1/memory",
    ]);
    const recommendations = observed.record?.status?.nfr_recommendations ?? [];
    for (const r of recommendations) {
      expect(r.target, `${r.dimension} target`).to.be.greaterThan(0);
      expect(r.basis, `${r.dimension} basis`).to.not.equal("");
      expect(r.confidence, `${r.dimension} confidence`).to.be.within(0, 1);
    }
    // 2 pods x 0.3 cores of usage: CPU per pod is recommended above what one pod uses.
    expect(recommendations.find((r) => r.dimension === "cpu")?.target).to.be.greaterThan(300);

    const enforced = await waitFor(
      async () => {
        const nfr = await nfrOf(suite.kube, ns, ids.enforce);
        return nfr.condition?.status === "True" && nfr.targets.length > 0 ? nfr : undefined;
      },
      { description: "recommendations on the enforce record", timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(enforced.condition?.reason).to.equal("EnforcementDisabled");
    expect(enforced.condition?.message).to.match(
      /enforcement is off globally \(OPRC_CRM_FEATURES_NFR_ENFORCEMENT=false\)/,
    );

    // One schedule per record, with the record's name.
    const schedulers = (await queue.getJobSchedulers(0, -1, true)).map((s) => s.key).sort();
    expect(schedulers).to.deep.equal([
      schedulerId(ns, recordName(ids.enforce)),
      schedulerId(ns, recordName(ids.observe)),
    ]);

    // Steady load: once the range holds only the steady series (20 s), no more writes.
    await waitFor(async () => (await analyses(analyzer)) >= 2 * Math.ceil(25 / intervalSecs), {
      description: "the analysis range to fill with the steady load",
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    const writesBefore = await statusPatches(privateKube);
    const runsBefore = await analyses(analyzer);
    await waitFor(async () => (await analyses(analyzer)) >= runsBefore + 2 * 5, {
      description: "five more analyses of each record",
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    expect(
      (await statusPatches(privateKube)) - writesBefore,
      "analyzer status writes at steady load",
    ).to.equal(0);
    expect(total(await scrape(analyzer.url), "oaas_crm_analyzer_prometheus_queries_total")).to.be.greaterThan(
      0,
    );
    // Every line of an analysis names the deployment and its correlation id.
    const written = analyzer
      .output()
      .split("\n")
      .filter((l) => l.includes('"recommendations written"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(written.map((l) => l["deployment_id"])).to.include.members([ids.observe, ids.enforce]);
    expect(written.every((l) => "correlation_id" in l)).to.equal(true);
  });

  it("keeps the recommendations while Prometheus is down, says so within two intervals, recovers within two after", async function () {
    const ns = suite.namespace;
    await startRoles();
    const before = await waitFor(
      async () => {
        const nfr = await nfrOf(suite.kube, ns, ids.observe);
        return nfr.condition?.status === "True" ? nfr : undefined;
      },
      { description: "the observe record analyzed", timeoutMs: 60_000, intervalMs: 500 },
    );
    await prometheus.kill();
    const downAt = Date.now();
    const down = await waitFor(
      async () => {
        const nfr = await nfrOf(suite.kube, ns, ids.observe);
        return nfr.condition?.status === "False" ? nfr : undefined;
      },
      {
        description: "NfrObserved=False after Prometheus went down",
        timeoutMs: 2 * intervalMs + slackMs,
        intervalMs: 200,
      },
    );
    expect(Date.now() - downAt).to.be.at.most(2 * intervalMs + slackMs);
    expect(down.condition?.reason).to.equal("PrometheusUnavailable");
    expect(down.condition?.message).to.match(/did not answer/);
    expect(down.targets, "recommendations kept").to.deep.equal(before.targets);

    // Several intervals down: still kept, still False, and written once (not each interval).
    const writes = await statusPatches(privateKube);
    const runs = await analyses(analyzer);
    await waitFor(async () => (await analyses(analyzer)) >= runs + 2 * 3, {
      description: "three more analyses of each record while Prometheus is down",
      timeoutMs: 60_000,
      intervalMs: 500,
    });
    const still = await nfrOf(suite.kube, ns, ids.observe);
    expect(still.condition?.status).to.equal("False");
    expect(still.targets).to.deep.equal(before.targets);
    expect((await statusPatches(privateKube)) - writes, "status writes during the outage").to.equal(0);

    await prometheus.start();
    const upAt = Date.now();
    await waitFor(async () => (await nfrOf(suite.kube, ns, ids.observe)).condition?.status === "True", {
      description: "NfrObserved=True after Prometheus came back",
      timeoutMs: 2 * intervalMs + slackMs,
      intervalMs: 200,
    });
    expect(Date.now() - upAt).to.be.at.most(2 * intervalMs + slackMs);
  });

  it("removes a deleted record's schedule; two analyzers never run one record's analysis twice", async function () {
    const ns = suite.namespace;
    await startRoles();
    await putRecord(suite.kube, ns, ids.gone);
    const id = schedulerId(ns, recordName(ids.gone));
    await waitFor(async () => (await queue.getJobSchedulers(0, -1, true)).some((s) => s.key === id), {
      description: "the new record's schedule",
      timeoutMs: 30_000,
    });
    await deleteRecord(suite.kube, ns, ids.gone);
    await waitFor(async () => !(await queue.getJobSchedulers(0, -1, true)).some((s) => s.key === id), {
      description: "the deleted record's schedule to go",
      timeoutMs: 30_000,
    });

    const second = await suite.crm(["analyzer"], {
      OPRC_CRM_PROM_URL: prometheus.url,
      KUBECONFIG: analyzerConfig,
    });
    await waitCrmChildReady(second);
    const since = Date.now();
    const runs = await analyses(analyzer, second);
    await waitFor(async () => (await analyses(analyzer, second)) >= runs + 2 * 6, {
      description: "six analyses of each record by the two analyzers",
      timeoutMs: 90_000,
      intervalMs: 500,
    });
    // Each record's runs, whichever process ran them: never two at once (the next starts
    // after the previous finished), and no more than one per interval over the window (an
    // extra run may follow a schedule upsert; counted, not allowed to pile up).
    // A job a killed process of the last test left running is run again once its lock
    // expires (stalledCounter > 0): a recovery, not a duplicate; left out.
    const completed = (await queue.getJobs(["completed", "failed", "active"], 0, -1, true)).filter(
      (job) => (job.processedOn ?? 0) >= since && job.stalledCounter === 0,
    );
    for (const record of [ids.observe, ids.enforce]) {
      const runs = completed
        .filter((job) => job.repeatJobKey === schedulerId(ns, recordName(record)))
        .map((job) => ({ start: job.processedOn ?? 0, end: job.finishedOn ?? Number.MAX_SAFE_INTEGER }))
        .sort((a, b) => a.start - b.start);
      expect(runs.length, `${record} analyses`).to.be.at.least(3);
      for (let i = 1; i < runs.length; i++) {
        const previous = runs[i - 1];
        const run = runs[i];
        if (previous === undefined || run === undefined) continue;
        expect(run.start, `${record}: analysis ${i} started before analysis ${i - 1} ended`).to.be.at.least(
          previous.end,
        );
      }
      const span = (runs.at(-1)?.start ?? 0) - (runs[0]?.start ?? 0);
      expect(runs.length, `${record}: analyses over ${span} ms`).to.be.at.most(
        Math.ceil(span / intervalMs) + 2,
      );
    }
  });
});
