// The analyzer's per-record schedules on real Redis (BullMQ job schedulers): one per
// record however often and by however many watchers it is upserted, the record's next run
// kept where it was across re-upserts (a watcher restart), spread over the interval, the
// uid refreshed for a re-created record, and the watcher's hooks removing what went
// (deleted, being deleted, or gone while no watcher led) and everything when analysis is off.
import type { DeploymentRecord } from "@oaas/crd";
import { createLogger } from "@oaas/telemetry";
import { captureLogLines, useTestRedis, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { scheduleSync } from "../../src/analyzer/schedule-sync.ts";
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
});
