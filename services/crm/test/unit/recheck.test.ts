// The safety-net look at a rollout backs off with the rollout's age (recheck.ts): a fixed
// 10 s net over 1000 progressing records was 100 reconciles/s of polling; it starts when
// a resync would (300 s).
import { expect } from "chai";
import { progressRecheckMs } from "../../src/reconciler/recheck.ts";

const now = new Date("2026-11-30T12:00:00Z");
const progressingSince = (secondsAgo: number, status: "True" | "False" = "True") => ({
  conditions: [
    {
      type: "Progressing" as const,
      status,
      reason: "RollingOut",
      message: "",
      observedGeneration: 1,
      lastTransitionTime: new Date(now.getTime() - secondsAgo * 1000).toISOString(),
    },
  ],
});

describe("reconciler: when to look at a rollout again", function () {
  const rows: { name: string; status: Parameters<typeof progressRecheckMs>[0]; want: number }[] = [
    { name: "just started", status: progressingSince(0), want: 300_000 },
    { name: "5 s old: the minimum", status: progressingSince(5), want: 300_000 },
    { name: "299 s old: the minimum", status: progressingSince(299), want: 300_000 },
    { name: "310 s old: its age", status: progressingSince(310), want: 310_000 },
    { name: "460 s old", status: progressingSince(460), want: 460_000 },
    { name: "an hour old: the maximum", status: progressingSince(3600), want: 600_000 },
    { name: "no conditions", status: {}, want: 300_000 },
    { name: "Progressing False", status: progressingSince(600, "False"), want: 300_000 },
    {
      name: "unparsable time",
      status: {
        conditions: progressingSince(0).conditions.map((c) => ({ ...c, lastTransitionTime: "yesterday" })),
      },
      want: 300_000,
    },
    { name: "a clock behind the condition", status: progressingSince(-30), want: 300_000 },
  ];
  for (const row of rows)
    it(`${row.name} -> ${row.want} ms`, function () {
      expect(progressRecheckMs(row.status, now)).to.equal(row.want);
    });

  it("honours other bounds (a test's short minimum, a maximum below it)", function () {
    expect(progressRecheckMs(progressingSince(0), now, 500, 2_000)).to.equal(500);
    expect(progressRecheckMs(progressingSince(60), now, 500, 2_000)).to.equal(2_000);
    expect(progressRecheckMs(progressingSince(60), now, 5_000, 1_000)).to.equal(5_000);
  });
});
