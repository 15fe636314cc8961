// The resync enqueues only records nothing has looked at for their period (resync.ts);
// the period is the interval shortened by a fixed per-uid share of at most 10%.
import { expect } from "chai";
import { recordPeriodMs, resyncDue, resyncJitter, sweepPeriodMs } from "../../src/watcher/resync.ts";

const interval = 300_000;
const uids = Array.from(
  { length: 10_000 },
  (_, i) => `0b6a${i.toString(16).padStart(4, "0")}-5d1c-4c8e-9f2a-${i}`,
);

describe("watcher: when the resync asks for a record again", function () {
  it("sweeps every tenth of the interval, within 100 ms .. 30 s", function () {
    expect(sweepPeriodMs(300_000)).to.equal(30_000);
    expect(sweepPeriodMs(3_600_000)).to.equal(30_000);
    expect(sweepPeriodMs(10_000)).to.equal(1_000);
    expect(sweepPeriodMs(1_000)).to.equal(100);
    expect(sweepPeriodMs(10)).to.equal(100);
  });

  it("gives every record a fixed period within (0.9, 1] of the interval", function () {
    for (const uid of uids) {
      const period = recordPeriodMs(interval, uid);
      expect(period, uid).to.be.greaterThan(interval * (1 - resyncJitter));
      expect(period, uid).to.be.at.most(interval);
      expect(recordPeriodMs(interval, uid), "stable").to.equal(period);
    }
  });

  it("spreads the periods over the whole jitter range (records reconciled together drift apart)", function () {
    const buckets = new Array<number>(10).fill(0);
    for (const uid of uids) {
      const share = (interval - recordPeriodMs(interval, uid)) / (interval * resyncJitter);
      const tenth = Math.min(9, Math.floor(share * 10));
      buckets[tenth] = (buckets[tenth] ?? 0) + 1;
    }
    // 1000 expected per tenth; a hash that clumps would leave some tenth far off.
    for (const count of buckets) expect(count).to.be.within(800, 1200);
  });

  it("is due when nothing is known, or nothing looked for the record's period", function () {
    const uid = uids[7] ?? "";
    const period = recordPeriodMs(interval, uid);
    const now = 1_800_000_000_000;
    expect(resyncDue(now, undefined, interval, uid), "unknown").to.be.true;
    expect(resyncDue(now, now, interval, uid), "just looked").to.be.false;
    expect(resyncDue(now, now - period + 1, interval, uid), "1 ms short").to.be.false;
    expect(resyncDue(now, now - period, interval, uid), "exactly its period").to.be.true;
    expect(resyncDue(now, now - interval, interval, uid), "a whole interval").to.be.true;
    expect(resyncDue(now, now + 5_000, interval, uid), "a worker clock 5 s ahead").to.be.false;
  });
});
