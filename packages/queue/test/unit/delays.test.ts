import { expect } from "chai";
import { backoffDelay, capDelay, queueDefaults } from "../../src/index.ts";

describe("queue delays", function () {
  describe("backoffDelay (equal jitter)", function () {
    const rows: { name: string; attempt: number; random: number; want: number }[] = [
      { name: "first retry, no jitter drawn", attempt: 1, random: 0, want: 500 },
      { name: "first retry, full jitter drawn", attempt: 1, random: 0.999999, want: 1000 },
      { name: "doubles per attempt", attempt: 3, random: 0, want: 2000 },
      { name: "capped at maxMs", attempt: 30, random: 0.999999, want: queueDefaults.backoffMaxMs },
      {
        name: "capped even for absurd attempts",
        attempt: 10_000,
        random: 0,
        want: queueDefaults.backoffMaxMs / 2,
      },
      { name: "attempt 0 behaves like 1", attempt: 0, random: 0, want: 500 },
    ];
    for (const row of rows) {
      it(row.name, function () {
        expect(backoffDelay(row.attempt, {}, row.random)).to.equal(row.want);
      });
    }

    it("stays within [step/2, step] for every draw", function () {
      for (let attempt = 1; attempt <= 12; attempt++) {
        const step = Math.min(100 * 2 ** (attempt - 1), 10_000);
        for (const random of [0, 0.25, 0.5, 0.75, 0.9999]) {
          const d = backoffDelay(attempt, { baseMs: 100, maxMs: 10_000 }, random);
          expect(d, `attempt ${attempt} random ${random}`).to.be.within(step / 2, step);
        }
      }
    });

    it("never exceeds the timer range even with a huge maxMs", function () {
      expect(backoffDelay(60, { baseMs: 1000, maxMs: Number.MAX_SAFE_INTEGER }, 0.9999)).to.be.at.most(
        2 ** 31 - 1,
      );
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
