// The API server process dies and comes back while the watcher's watches are open: the
// informers resume (relisting when their resourceVersion is gone), readiness turns false
// during the outage naming the silent kind and true after, and changes made during the
// outage (through another API server of the same cluster) are all delivered: a record
// created and a record deleted while the watcher was blind.
//
// "The API server" here is a private second kube-apiserver on the shared cluster's etcd
// (support/private-apiserver.ts): restarting the shared one would break every other
// suite running at the same time on this machine.
import { createLogger } from "@oaas/telemetry";
import { deleteObject, KubeClient, LeaderElector } from "@oaas/kube";
import { captureLogLines, testCluster, useTestNamespace, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { deploymentRecords } from "../../src/deployments/record-resource.ts";
import { startWatcher, type Watcher } from "../../src/watcher/index.ts";
import { installCrd } from "../support/ingress.ts";
import { startPrivateApiserver, type PrivateApiserver } from "../support/private-apiserver.ts";
import { waitForRecordsServed } from "../support/records.ts";
import { putRecord, recordingEnqueue } from "../support/watcher.ts";

const logs = captureLogLines();
const logger = createLogger({ service: "crm-watcher-test", level: "debug", stream: logs.stream });

describe("watcher across an API server restart", function () {
  this.timeout(240_000);
  const ns = useTestNamespace("watcher-restart");
  let shared: KubeClient;
  let privateKube: KubeClient;
  let apiserver: PrivateApiserver;
  let watcher: Watcher | undefined;

  before(async function () {
    const cluster = await testCluster();
    await installCrd(cluster.kc);
    shared = await KubeClient.create(cluster.kc);
    await waitForRecordsServed(shared, ns.name);
    apiserver = await startPrivateApiserver(cluster.kubeconfig, cluster.kc);
    privateKube = await KubeClient.create(apiserver.kc, { defaultTimeoutMs: 5000 });
  });
  after(async function () {
    await watcher?.stop();
    await privateKube.close();
    await apiserver.stop();
    await shared.close();
  });

  it("resumes every watch, goes unready during the outage and ready after, and misses nothing", async function () {
    const doomed = await putRecord(shared, ns.name, "doomed");
    const q = recordingEnqueue();
    watcher = startWatcher({
      kube: privateKube,
      namespaces: [ns.name],
      logger,
      enqueue: q.enqueue,
      identity: "restart-test",
      leaderElection: false,
      watchTimeoutSeconds: 3,
      staleAfterMs: 6000,
    });
    const w = watcher;
    await waitFor(() => w.ready().ok, { description: "ready before the outage", timeoutMs: 30_000 });
    expect(q.of("doomed", "startup")).to.have.length(1);

    await apiserver.kill();
    const down = Date.now();
    const unready = await waitFor(() => (w.ready().ok ? undefined : w.ready()), {
      description: "readiness to turn false during the outage",
      timeoutMs: 30_000,
      intervalMs: 100,
    });
    expect(unready.reason).to.match(/watch of \S+ silent for \d+ s/);
    const unreadyAfterMs = Date.now() - down;

    // Changes while the watcher cannot see: through the shared API server (same etcd).
    const born = await putRecord(shared, ns.name, "born-during-outage");
    await deleteObject(shared, deploymentRecords, ns.name, "doomed");

    await apiserver.start();
    const up = Date.now();
    await waitFor(() => w.ready().ok, {
      description: "readiness to return after the restart",
      timeoutMs: 90_000,
    }).catch((error: unknown) => {
      throw new Error(
        `${String(error)}; last reason: ${w.ready().reason}; ${JSON.stringify(w.informerStats())}`,
      );
    });
    const readyAfterMs = Date.now() - up;
    const added = await waitFor(() => q.of("born-during-outage", "record-added")[0], {
      description: "the record created during the outage",
      timeoutMs: 30_000,
    });
    expect(added.job.uid).to.equal(born.metadata.uid);
    const deleted = await waitFor(() => q.of("doomed", "record-deleted")[0], {
      description: "the record deleted during the outage",
      timeoutMs: 30_000,
    });
    expect(deleted.job.uid).to.equal(doomed.metadata.uid);
    expect(w.records.get(ns.name, "doomed")).to.be.undefined;
    expect(w.records.get(ns.name, "born-during-outage")).to.not.be.undefined;
    console.error(
      `      outage: unready after ${unreadyAfterMs} ms, ready again ${readyAfterMs} ms after the restart`,
    );
    // Every informer went through at least one failed attempt and resumes with a new watch
    // (a relist may bring the cache back before the new watch opens: wait for it).
    const stats = await waitFor(
      () => {
        const now = w.informerStats();
        return Object.values(now).every((s) => s.errors >= 1 && s.watches >= 2) && now;
      },
      { description: "every informer watching again after a failed attempt", timeoutMs: 30_000 },
    );
    console.error(`      informers: ${JSON.stringify(stats)}`);
    // A real 410: the restarted API server's watch cache starts at the current etcd
    // revision, which the writes during the outage moved past our last resourceVersion,
    // so resuming fails with "too old resource version" and the informer relists; the
    // deleted record's event is then a synthesized delete.
    expect(stats["deploymentrecords.oaas.io"]?.gone).to.be.at.least(1);
    expect(stats["deploymentrecords.oaas.io"]?.lists).to.be.at.least(2);
    // The outage in the log: per informer one warning when it starts and one line when it
    // ends, not a line per retry (the retries are at debug).
    const balanced = () =>
      Object.keys(stats).every((resource) => {
        const mine = logs.lines.filter((l) => l["resource"] === resource);
        const count = (level: string, message: string) =>
          mine.filter((l) => l.level === level && l.message === message).length;
        return count("warn", "list/watch failed: retrying") === count("info", "list/watch recovered");
      });
    // A watch that reopened logs "recovered" on its first event or its normal end (3 s here).
    await waitFor(balanced, { description: "a recovered line per outage warning", timeoutMs: 15_000 });
    for (const resource of Object.keys(stats)) {
      const mine = logs.lines.filter((l) => l["resource"] === resource);
      const warned = mine.filter((l) => l.level === "warn" && l.message === "list/watch failed: retrying");
      const retried = mine.filter((l) => l.message === "list/watch failed: retrying");
      const recovered = mine.filter((l) => l.message === "list/watch recovered");
      expect(warned.length, `${resource}: warnings`).to.equal(recovered.length);
      expect(recovered.length, `${resource}: recovered`).to.be.at.least(1);
      expect(retried.length, `${resource}: retries, warned or not`).to.be.at.least(warned.length);
      expect(recovered[0]?.["failed_attempts"], resource).to.be.a("number").and.at.least(1);
    }
  });

  it("a leader that cannot reach the API server stops leading within its renew deadline; the standby takes over", async function () {
    const timings = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 };
    const name = `restart-${Math.random().toString(36).slice(2, 8)}`;
    let lostAt = 0;
    const cutLogs = captureLogLines();
    const cut = new LeaderElector({
      kube: privateKube,
      namespace: ns.name,
      name,
      identity: "behind-private-apiserver",
      ...timings,
      onStoppedLeading: () => (lostAt = Date.now()),
      logger: createLogger({ service: "cut", level: "debug", stream: cutLogs.stream }),
    });
    const standby = new LeaderElector({
      kube: shared,
      namespace: ns.name,
      name,
      identity: "standby",
      ...timings,
    });
    try {
      cut.start();
      await waitFor(() => cut.isLeader(), { description: "the first candidate to lead", timeoutMs: 10_000 });
      standby.start();
      await waitFor(() => standby.currentHolder() === "behind-private-apiserver", {
        description: "the standby to see it",
      });
      await apiserver.kill();
      const down = Date.now();
      await waitFor(() => !cut.isLeader(), {
        description: "the cut-off leader to step down",
        timeoutMs: 10_000,
        intervalMs: 20,
      });
      // The last renew was at most one retry period before the kill.
      expect(lostAt - down).to.be.below(timings.renewDeadlineMs + timings.retryPeriodMs + 500);
      await waitFor(() => standby.isLeader(), {
        description: "the standby to lead",
        timeoutMs: 15_000,
        intervalMs: 20,
      });
      // Never two leaders: the old one had stopped before the lease could expire.
      expect(lostAt).to.be.greaterThan(0);
      expect(Date.now() - down).to.be.below(timings.leaseDurationMs + 2 * timings.retryPeriodMs + 1500);

      // In the cut-off one's log the outage is one warning, its retries are debug, and one
      // info line says when the API server answers again.
      const attempts = () => cutLogs.lines.filter((l) => l.message === "leader election: attempt failed");
      await waitFor(() => attempts().length >= 4, { description: "4 failed attempts", timeoutMs: 15_000 });
      expect(attempts().filter((l) => l.level === "warn")).to.have.length(1);
      await apiserver.start();
      const back = await waitFor(
        () => cutLogs.lines.find((l) => l.message === "leader election: API server answers again"),
        { description: "the API server answering the cut-off candidate again", timeoutMs: 60_000 },
      );
      expect(back.level).to.equal("info");
      expect(back["failed_attempts"]).to.be.at.least(4);
      expect(attempts().filter((l) => l.level === "warn")).to.have.length(1);
    } finally {
      await Promise.all([cut.stop({ release: false }), standby.stop({ release: false })]);
    }
  });
});
