// Record history in a real Redis stream: order, exact cap, limit, isolation, removal.
import { redisTargetKinds, useRedisTarget } from "@oaas/testkit";
import { expect } from "chai";
import { createHistory, type HistoryEntry } from "../../src/index.ts";

const entry = (i: number): HistoryEntry => ({
  type: i % 2 === 0 ? "applied" : "rendered",
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, 0, i)).toISOString(),
  generation: i,
  correlationId: `c${i}`,
  workerId: "w1",
  message: `step ${i}`,
  ...(i % 2 === 0 ? { objects: [`Deployment/fn-${i}`] } : {}),
});

for (const kind of redisTargetKinds()) {
  describe(`record history (${kind} Redis)`, function () {
    const redis = useRedisTarget(kind);

    it("keeps the newest maxEntries, oldest first, exactly", async function () {
      const history = createHistory({
        connection: redis().connect(),
        prefix: redis().prefix,
        maxEntries: 20,
      });
      for (let i = 0; i < 250; i++) await history.append("ns", "capped", entry(i));
      const read = await history.read("ns", "capped");
      expect(read).to.have.length(20);
      expect(read.map((e) => e.generation)).to.deep.equal(Array.from({ length: 20 }, (_, k) => 230 + k));
      expect(read[19]).to.deep.equal(entry(249));
    });

    it("limit returns the newest n, still oldest first", async function () {
      const history = createHistory({ connection: redis().connect(), prefix: redis().prefix });
      for (let i = 0; i < 10; i++) await history.append("ns", "limited", entry(i));
      expect((await history.read("ns", "limited", { limit: 3 })).map((e) => e.generation)).to.deep.equal([
        7, 8, 9,
      ]);
      expect(await history.read("ns", "limited", { limit: 0 })).to.deep.equal([]);
    });

    it("keeps records apart, reads an unknown record as empty, and removes one", async function () {
      const history = createHistory({ connection: redis().connect(), prefix: redis().prefix });
      await history.append("ns", "one", entry(1));
      await history.append("other", "one", entry(2));
      expect(await history.read("ns", "nobody")).to.deep.equal([]);
      expect((await history.read("ns", "one")).map((e) => e.generation)).to.deep.equal([1]);
      await history.remove("ns", "one");
      expect(await history.read("ns", "one")).to.deep.equal([]);
      expect((await history.read("other", "one")).map((e) => e.generation)).to.deep.equal([2]);
    });

    it("writers in parallel all land, in Redis receive order", async function () {
      const t = redis();
      const a = createHistory({ connection: t.connect(), prefix: t.prefix });
      const b = createHistory({ connection: t.connect(), prefix: t.prefix });
      await Promise.all(
        Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? a : b).append("ns", "parallel", entry(i))),
      );
      const read = await a.read("ns", "parallel");
      expect(read).to.have.length(60);
      expect(new Set(read.map((e) => e.generation)).size).to.equal(60);
    });
  });
}
