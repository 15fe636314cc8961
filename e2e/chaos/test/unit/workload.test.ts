// The seeded workload plan (workload.ts): replayable, every kind of operation drawn, one
// id's operations in order, the two halves of a recreate or a flip within 100 ms, and
// only operations its id's planned state allows.
import { expect } from "chai";
import { chainsById, planWorkload, quickPairMs, type PlannedOp } from "../../workload.ts";

const options = { seed: 7, pmIds: 3, ingressIds: 3, ops: 200, spanMs: 10_000 };

describe("chaos workload plan", function () {
  it("is the same for the same seed and differs for another", function () {
    expect(planWorkload(options)).to.deep.equal(planWorkload(options));
    expect(planWorkload({ ...options, seed: 8 })).to.not.deep.equal(planWorkload(options));
  });

  it("plans exactly `ops` operations, sorted by time, numbered in that order, within the span", function () {
    const plan = planWorkload(options);
    expect(plan).to.have.length(200);
    plan.forEach((op, i) => {
      expect(op.seq).to.equal(i);
      expect(op.atMs).to.be.within(0, options.spanMs + quickPairMs);
      if (i > 0) expect(op.atMs).to.be.at.least(plan[i - 1]?.atMs ?? 0);
    });
  });

  it("draws every kind, through both paths", function () {
    const plan = planWorkload(options);
    expect(new Set(plan.map((op) => op.kind))).to.deep.equal(
      new Set(["create", "update", "delete", "recreate-delete", "recreate-create", "flip"]),
    );
    expect(new Set(plan.map((op) => op.path))).to.deep.equal(new Set(["pm", "ingress"]));
    expect(plan.filter((op) => op.path === "pm").every((op) => op.id.startsWith("pm-"))).to.equal(true);
  });

  it("only plans what an id's state allows: create when absent, the rest when present", function () {
    for (const seed of [1, 2, 3, 42]) {
      for (const chain of chainsById(planWorkload({ ...options, seed })).values()) {
        let present = false;
        for (const op of chain) {
          if (op.action === "delete")
            expect(present, `seed ${seed}: delete of an absent ${op.id}`).to.equal(true);
          else if (op.kind === "update" || op.kind === "flip")
            expect(present, `seed ${seed}: ${op.kind} of an absent ${op.id}`).to.equal(true);
          if (op.kind === "create" || op.kind === "recreate-create") expect(present).to.equal(false);
          present = op.action === "put";
        }
      }
    }
  });

  it("recreates within 100 ms of the delete, and flips A -> B -> A within 100 ms", function () {
    const chains = chainsById(planWorkload({ ...options, ops: 400 }));
    let flips = 0;
    for (const chain of chains.values())
      chain.forEach((op: PlannedOp, i) => {
        const prev = chain[i - 1];
        if (op.kind === "recreate-create") {
          expect(prev?.kind).to.equal("recreate-delete");
          expect(op.atMs - (prev?.atMs ?? 0)).to.be.within(0, quickPairMs);
        }
        if (op.kind === "flip" && prev?.kind === "flip" && chain[i - 2]?.variant === op.variant) {
          flips++;
          expect(op.atMs - prev.atMs).to.be.within(0, quickPairMs);
          expect(prev.variant).to.not.equal(op.variant);
        }
      });
    expect(flips).to.be.greaterThan(0);
  });

  it("gives ids the prefix, so runs on one cluster never share names", function () {
    expect(planWorkload({ ...options, prefix: "s1-" }).every((op) => op.id.startsWith("s1-"))).to.equal(true);
  });
});
