// The analyzer's per-record schedules on real Redis (BullMQ job schedulers): one per
// record however often and by however many watchers it is upserted, the record's next run
// kept where it was across re-upserts (a watcher restart), spread over the interval, the
// uid refreshed for a re-created record, and the watcher's hooks removing what went
// (deleted, being deleted, or gone while no watcher led) and everything when analysis is off;
// and two analyzers behind one scheduler: a late iteration's on-slot follower is skipped.
import type { DeploymentRecord } from "@oaas/crd";
import type { KubeClient } from "@oaas/kube";
import { nfrSettings } from "@oaas/nfr";
import { parseCrmConfig } from "@oaas/config";
import { queueNames, startRecordWorker, type HistorySink } from "@oaas/queue";
import { createLogger } from "@oaas/telemetry";
import { captureLogLines, useTestRedis, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import type { CycleCache } from "../../src/analyzer/cycle-cache.ts";
import { createAnalyzeHandler } from "../../src/analyzer/handler.ts";
import { scheduleSync } from "../../src/analyzer/schedule-sync.ts";
import { spacingClaim } from "../../src/analyzer/spacing.ts";
import { nextAnalyzerStatus } from "../../src/analyzer/status.ts";
import {
  createAnalyzeSchedules,
  scheduleOffsetMs,
  schedulerId,
  type AnalyzeSchedules,
} from "../../src/analyzer/schedules.ts";

const logs = captureLogLines();
const logger = createLogger({ service: "analyze-schedules-test", level: "debug", stream: logs.stream });
const intervalMs = 60_000;

function record(name: string, uid = `uid-${name}`, deleting = false): DeploymentRecord {
  return {
    apiVersion: "oaas.io/v1alpha1",
    kind: "DeploymentRecord",
    metadata: {
      name,
      namespace: "ns",
      uid,
      ...(deleting ? { deletionTimestamp: "2026-12-07T12:00:00Z" } : {}),
    },
    spec: {},
  };
}

describe("analyze schedules (real Redis, BullMQ job schedulers)", function () {
  this.timeout(60_000);
  const redis = useTestRedis();
  let schedules: AnalyzeSchedules;
  let other: AnalyzeSchedules;

  beforeEach(() => {
    const r = redis();
    schedules = createAnalyzeSchedules({ connection: r.connect(), prefix: r.prefix, intervalMs });
    other = createAnalyzeSchedules({ connection: r.connect(), prefix: r.prefix, intervalMs });
  });
  afterEach(async () => {
    for (const s of await schedules.list()) await schedules.remove(s);
    await schedules.close();
    await other.close();
  });

  const nextJobs = async () =>
    (await schedules.queue.getJobs(["delayed", "waiting", "prioritized"], 0, -1, true)).map((j) => ({
      id: j.id ?? "",
      due: j.timestamp + (j.opts.delay ?? 0),
      data: j.data as { uid: string },
    }));

  it("one scheduler and one pending job per record, whoever upserts it how often; the next run stays put", async () => {
    await schedules.upsert({ namespace: "ns", name: "a", uid: "u1" });
    const [first] = await nextJobs();
    for (let i = 0; i < 3; i++) {
      await schedules.upsert({ namespace: "ns", name: "a", uid: "u1" });
      await other.upsert({ namespace: "ns", name: "a", uid: "u1" });
    }
    expect(await schedules.list()).to.deep.equal([{ namespace: "ns", name: "a" }]);
    const jobs = await nextJobs();
    expect(jobs).to.have.length(1);
    expect(jobs[0]?.id).to.equal(first?.id);
    expect(jobs[0]?.due).to.equal(first?.due);
    // At the record's own offset inside the interval.
    expect((first?.due ?? 0) % intervalMs).to.equal(scheduleOffsetMs("ns", "a", intervalMs) || 1);
    // A re-created record (new uid) keeps its slot and gets the new uid.
    await other.upsert({ namespace: "ns", name: "a", uid: "u2" });
    const after = await nextJobs();
    expect(after.map((j) => j.data.uid)).to.deep.equal(["u2"]);
    expect(after[0]?.due).to.equal(first?.due);
  });

  it("spreads records over the interval", async () => {
    for (let i = 0; i < 40; i++) await schedules.upsert({ namespace: "ns", name: `r${i}`, uid: `u${i}` });
    const offsets = (await nextJobs()).map((j) => j.due % intervalMs);
    expect(offsets).to.have.length(40);
    const quarters = [0, 1, 2, 3].map(
      (q) => offsets.filter((o) => Math.floor(o / (intervalMs / 4)) === q).length,
    );
    for (const count of quarters)
      expect(count, `records per quarter: ${quarters.join(",")}`).to.be.within(3, 20);
  });

  it("the watcher's hooks: created on add, removed on delete and deleting, swept against the cache", async () => {
    let now = 0;
    const hooks = scheduleSync(schedules, logger, { enabled: true, now: () => now, minSweepMs: 1000 });
    hooks.present(record("a"));
    hooks.present(record("b"));
    hooks.present(record("c"));
    hooks.present(record("a")); // an update: nothing new
    await hooks.drain();
    expect((await schedules.list()).map((r) => r.name).sort()).to.deep.equal(["a", "b", "c"]);
    hooks.gone(record("a"));
    hooks.present(record("b", "uid-b", true)); // deleting
    await hooks.drain();
    expect((await schedules.list()).map((r) => r.name)).to.deep.equal(["c"]);
    // Left behind by a watcher that did not see the delete, and one lost from Redis.
    await other.upsert({ namespace: "ns", name: "stale", uid: "x" });
    await schedules.remove({ namespace: "ns", name: "c" });
    hooks.sweep([record("c")]);
    await hooks.drain();
    expect((await schedules.list()).map((r) => r.name)).to.deep.equal(["c"]);
    // Throttled: a sweep within minSweepMs does nothing.
    await other.upsert({ namespace: "ns", name: "stale", uid: "x" });
    hooks.sweep([record("c")]);
    await hooks.drain();
    expect((await schedules.list()).map((r) => r.name).sort()).to.deep.equal(["c", "stale"]);
    now = 1000;
    hooks.sweep([record("c")]);
    await hooks.drain();
    expect((await schedules.list()).map((r) => r.name)).to.deep.equal(["c"]);
    expect(schedulerId("ns", "c")).to.equal("ns_c");
  });

  it("analysis off: records get no schedule and a sweep removes every one", async () => {
    await other.upsert({ namespace: "ns", name: "old", uid: "x" });
    const hooks = scheduleSync(schedules, logger, { enabled: false });
    hooks.present(record("a"));
    hooks.sweep([record("a"), record("old")]);
    await hooks.drain();
    await waitFor(async () => (await schedules.list()).length === 0, {
      description: "every schedule removed",
      timeoutMs: 5000,
    });
  });

  it("two analyzers: an iteration that ran late is not followed by a second analysis a fraction of an interval later", async () => {
    const every = 3000;
    const r = redis();
    const late = createAnalyzeSchedules({ connection: r.connect(), prefix: r.prefix, intervalMs: every });
    // mode off: the analysis needs neither Prometheus nor the API server, and the record
    // already carries the status it would write, so a run is read, claim, analyze, no write.
    const base: DeploymentRecord = {
      ...record("late", "u-late"),
      spec: { nfr: { enforcement: { mode: "off" } } },
    };
    const current = {
      ...base,
      status: nextAnalyzerStatus(base, { kind: "off" }, new Date()),
    } as DeploymentRecord;
    const outcomes: string[] = [];
    const started: number[] = [];
    const handler = createAnalyzeHandler({
      claim: spacingClaim(r.connect(), r.prefix, every / 2),
      cached: () => current,
      // Not reached for a record in mode off whose status is current (the test says so):
      kube: undefined as unknown as KubeClient,
      gate: () => Promise.reject(new Error("not asked in mode off")),
      cycles: undefined as unknown as CycleCache,
      history: undefined as unknown as HistorySink,
      enforce: () => Promise.reject(new Error("no recommendations in mode off")),
      recordsIn: () => [current],
      settings: nfrSettings(parseCrmConfig({})).analysis,
      enforcementEnabled: false,
      minConfidence: 0.8,
      logger,
      metrics: { analyzed: (_result, outcome) => outcomes.push(outcome) },
    });
    try {
      await late.upsert({ namespace: "ns", name: "late", uid: "u-late" });
      const [first] = (await late.queue.getJobs(["delayed", "waiting"], 0, -1, true)).map(
        (j) => j.timestamp + (j.opts.delay ?? 0),
      );
      // Both analyzers come to this record 2.4 s after its slot (busy, paused, restarting):
      // that iteration runs late and the next one is due 0.6 s after it, the gap once seen.
      const due = first ?? 0;
      await waitFor(() => Date.now() >= due + 0.8 * every, {
        description: "the slot to be 2.4 s overdue",
        timeoutMs: 2 * every,
        intervalMs: 20,
      });
      const workers = ["a1", "a2"].map((workerId) =>
        startRecordWorker({
          connection: r.connect(),
          prefix: r.prefix,
          queue: queueNames.analyze,
          workerId,
          rateLimit: false,
          attempts: 1,
          onStart: () => started.push(Date.now()),
          handler,
        }),
      );
      try {
        await waitFor(() => outcomes.length >= 2, {
          description: "the late iteration and its follower",
          timeoutMs: 3 * every,
          intervalMs: 50,
        });
      } finally {
        await Promise.all(workers.map((w) => w.close()));
      }
      // The scenario happened: two iterations started well within half an interval.
      expect((started[1] ?? 0) - (started[0] ?? 0)).to.be.below(every / 2);
      expect(outcomes.slice(0, 2)).to.deep.equal(["off", "skipped"]);
    } finally {
      await late.remove({ namespace: "ns", name: "late" });
      await late.close();
    }
  });
});
