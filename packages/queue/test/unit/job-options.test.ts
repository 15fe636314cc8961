import { expect } from "chai";
import { queueDefaults, type RecordJob } from "../../src/index.ts";
import { backoffType, recordJobOptions } from "../../src/producer.ts";

const record: RecordJob = { namespace: "team-a", name: "shop-cart", uid: "u1", reason: "record-added" };

describe("record job options", function () {
  it("a fresh, valid BullMQ id per enqueue (ids are never reused)", function () {
    const ids = new Set(
      Array.from({ length: 100 }, () => recordJobOptions(record, 8, "live", 0, true).jobId),
    );
    expect(ids.size).to.equal(100);
    for (const id of ids) {
      expect(id).to.match(/^team-a_shop-cart_[0-9a-f-]{36}$/);
      expect(id).to.not.include(":");
    }
  });

  const rows = [
    { name: "health, due now: the wait list", priority: "health", delay: 0, reschedule: true, want: {} },
    { name: "live, due now", priority: "live", delay: 0, reschedule: true, want: { priority: 5 } },
    {
      name: "background, delayed",
      priority: "background",
      delay: 1500,
      reschedule: false,
      want: { priority: 10, delay: 1500 },
    },
  ] as const;
  for (const row of rows) {
    it(row.name, function () {
      const opts = recordJobOptions(record, 8, row.priority, row.delay, row.reschedule);
      expect(opts.deduplication).to.deep.equal({
        id: "team-a/shop-cart",
        keepLastIfActive: true,
        reschedule: row.reschedule,
      });
      expect(opts.priority).to.equal("priority" in row.want ? row.want.priority : undefined);
      expect(opts.delay).to.equal("delay" in row.want ? row.want.delay : undefined);
      expect(opts.attempts).to.equal(8);
      expect(opts.backoff).to.deep.equal({ type: backoffType });
      expect(opts.removeOnComplete).to.deep.equal(queueDefaults.removeOnComplete);
      expect(opts.removeOnFail).to.deep.equal(queueDefaults.removeOnFail);
    });
  }
});
