import { expect } from "chai";
import { backoffDelay, capDelay, queueDefaults } from "../../src/index.ts";

describe("queue delays", function () {
  describe("backoffDelay (cockatiel's half jitter)", function () {
    /** Many draws of one attempt: the delays, to check bounds and spread. */
    const draws = (attempt: number, options = {}) =>
      Array.from({ length: 200 }, () => backoffDelay(attempt, options));

    it("first retry: within [base/2, base] and spread over it", function () {
      const delays = draws(1);
      for (const d of delays) expect(d).to.be.within(500, 1000);
      expect(new Set(delays).size, "jittered, not one value").to.be.greaterThan(20);
    });

    it("doubles per attempt, within [step/2, step] for every draw", function () {
      for (let attempt = 1; attempt <= 12; attempt++) {
        const step = Math.min(100 * 2 ** (attempt - 1), 10_000);
        for (const d of draws(attempt, { baseMs: 100, maxMs: 10_000 }))
          expect(d, `attempt ${attempt}`).to.be.within(step / 2, step);
      }
    });

    it("capped at maxMs, also for absurd attempts; attempt 0 behaves like 1", function () {
      for (const attempt of [30, 10_000])
        for (const d of draws(attempt))
          expect(d).to.be.within(queueDefaults.backoffMaxMs / 2, queueDefaults.backoffMaxMs);
      for (const d of draws(0)) expect(d).to.be.within(500, 1000);
    });

    it("never exceeds the timer range even with a huge maxMs", function () {
      for (const d of draws(60, { baseMs: 1000, maxMs: Number.MAX_SAFE_INTEGER }))
        expect(d).to.be.at.most(2 ** 31 - 1);
    });
  });

  describe("capDelay", function () {
    const rows: { ms: number; max: number; want: number }[] = [
      { ms: 1500.7, max: 10_000, want: 1500 },
      { ms: -5, max: 10_000, want: 0 },
      { ms: Number.NaN, max: 10_000, want: 0 },
      { ms: 1e12, max: 3_600_000, want: 3_600_000 },
      { ms: Number.POSITIVE_INFINITY, max: Number.POSITIVE_INFINITY, want: 2 ** 31 - 1 },
      { ms: 2 ** 40, max: 2 ** 40, want: 2 ** 31 - 1 },
    ];
    for (const row of rows) {
      it(`${row.ms} capped to ${row.max} -> ${row.want}`, function () {
        expect(capDelay(row.ms, row.max)).to.equal(row.want);
      });
    }
  });
});
