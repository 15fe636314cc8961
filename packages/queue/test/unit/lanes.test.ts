// Lanes onto BullMQ priorities and back (src/lanes.ts).
import { expect } from "chai";
import { bullmqPriority, higherPriority, priorityOfBullmq, priorityOfJob } from "../../src/lanes.ts";

describe("queue lanes", function () {
  it("health uses the wait list; live and background the prioritized set, live first", function () {
    expect(bullmqPriority("health")).to.equal(undefined);
    expect(bullmqPriority("live")).to.be.a("number").and.be.greaterThan(0);
    expect(bullmqPriority("background")).to.be.greaterThan(bullmqPriority("live") ?? 0);
  });

  const back = [
    { value: undefined, want: "health" },
    { value: 0, want: "health" },
    { value: 1, want: "live" },
    { value: 5, want: "live" },
    { value: 6, want: "background" },
    { value: 10, want: "background" },
    { value: 2 ** 21, want: "background" },
  ] as const;
  for (const row of back)
    it(`BullMQ priority ${String(row.value)} -> ${row.want}`, function () {
      expect(priorityOfBullmq(row.value)).to.equal(row.want);
    });

  it("every lane survives the round trip", function () {
    for (const lane of ["health", "live", "background"] as const)
      expect(priorityOfBullmq(bullmqPriority(lane))).to.equal(lane);
  });

  const higher = [
    ["health", "live", "health"],
    ["live", "health", "health"],
    ["live", "background", "live"],
    ["background", "background", "background"],
  ] as const;
  for (const [a, b, want] of higher)
    it(`higher of ${a} and ${b} is ${want}`, function () {
      expect(higherPriority(a, b)).to.equal(want);
    });
});

describe("a BullMQ job's lane", function () {
  it("follows changePriority (the priority field) over the options it was added with", function () {
    expect(priorityOfJob({ priority: "0", opts: { priority: 10 } })).to.equal("health");
    expect(priorityOfJob({ priority: 5, opts: {} })).to.equal("live");
    expect(priorityOfJob({ opts: { priority: 10 } })).to.equal("background");
    expect(priorityOfJob({ opts: {} })).to.equal("health");
  });
});
