// Each handler run marks when it started, so the watcher's resync can skip records a
// worker just looked at (last-run.ts), against real Redis.
import { useTestRedis } from "@oaas/testkit";
import { expect } from "chai";
import { done, lastRunKey, queueDefaults, retry, terminal } from "../../src/index.ts";
import { useHarness, job, recordingHandler, runsDone } from "./helpers.ts";

describe("queue: last run of each record (real Redis)", function () {
  const h = useHarness(useTestRedis());

  it("knows nothing of records that never ran, in the order asked", async function () {
    const runs = await h().producer.lastRuns([
      { namespace: "ns", name: "a" },
      { namespace: "other", name: "a" },
    ]);
    expect(runs).to.deep.equal([undefined, undefined]);
    expect(await h().producer.lastRuns([])).to.deep.equal([]);
  });

  it("marks the start of every run, whatever its result, with a TTL", async function () {
    let flakyRuns = 0;
    const { runs, handler } = recordingHandler((j) => {
      if (j.name === "bad") return terminal(new Error("invalid"), "InvalidSpec");
      if (j.name === "flaky" && ++flakyRuns === 1) return retry(new Error("503"));
      return done;
    });
    h().worker({ handler, workerId: "w1", rateLimit: false });
    const before = Date.now();
    for (const name of ["ok", "flaky", "bad"]) await h().producer.enqueue(job(name));
    for (const [name, n] of [
      ["ok", 1],
      ["flaky", 2],
      ["bad", 1],
    ] as const)
      await runsDone(runs, n, (r) => r.data.name === name);
    const marks = await h().producer.lastRuns([
      { namespace: "ns", name: "flaky" },
      { namespace: "ns", name: "never" },
      { namespace: "ns", name: "ok" },
      { namespace: "ns", name: "bad" },
    ]);
    expect(marks[1], "never ran").to.equal(undefined);
    for (const [i, name] of [
      [0, "flaky"],
      [2, "ok"],
      [3, "bad"],
    ] as const) {
      const own = runs.filter((r) => r.data.name === name);
      // The last run's mark: after the previous run ended, before this run's handler began.
      const floor = own.length > 1 ? (own.at(-2)?.end ?? Number.NaN) : before;
      expect(marks[i], name)
        .to.be.a("number")
        .within(floor, own.at(-1)?.start ?? Number.NaN);
    }
    const ttl = await h().redis.pttl(lastRunKey(h().prefix, "reconcile", "ns/ok"));
    expect(ttl).to.be.within(queueDefaults.lastRunTtlMs - 60_000, queueDefaults.lastRunTtlMs);
  });

  it("reads thousands of records in batches, and skips garbage marks", async function () {
    const names = Array.from({ length: 1234 }, (_, i) => ({ namespace: "ns", name: `r${i}` }));
    const pipeline = h().redis.pipeline();
    names.forEach((r, i) => {
      if (i % 3 === 0) pipeline.set(lastRunKey(h().prefix, "reconcile", `ns/${r.name}`), String(1000 + i));
    });
    pipeline.set(lastRunKey(h().prefix, "reconcile", "ns/r1"), "not a number");
    await pipeline.exec();
    const marks = await h().producer.lastRuns(names);
    expect(marks).to.have.length(1234);
    marks.forEach((mark, i) => expect(mark, `r${i}`).to.equal(i % 3 === 0 ? 1000 + i : undefined));
  });
});
