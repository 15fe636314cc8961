import { expect } from "chai";
import {
  clusterAvailability,
  maxReplicas,
  quorumAvailability,
  sizeReplicas,
  SizingError,
  strongReplicas,
} from "../../src/index.ts";

const at = (...ps: number[]) => ps.map((availability, i) => ({ cluster: `c${i}`, availability }));

describe("models: replica sizing", function () {
  it("three replicas at 0.9 reach quorum availability 0.972", function () {
    expect(quorumAvailability([0.9, 0.9, 0.9])).to.be.closeTo(0.972, 1e-12);
  });

  it("quorum of one, two (both needed) and none", function () {
    expect(quorumAvailability([0.9])).to.be.closeTo(0.9, 1e-12);
    expect(quorumAvailability([0.9, 0.8])).to.be.closeTo(0.72, 1e-12);
    expect(quorumAvailability([])).to.equal(0);
  });

  it("three clusters at 0.9 with target 0.97 -> 3 replicas, achieved 0.972", function () {
    const s = sizeReplicas(at(0.9, 0.9, 0.9), 0.97);
    expect(s.replicas).to.equal(3);
    expect(s.achieved).to.be.closeTo(0.972, 1e-12);
    expect(s.targetMet).to.equal(true);
  });

  it("default target 0.99 on one cluster at 0.9 -> 5 replicas", function () {
    const s = sizeReplicas(at(0.9));
    expect(s.replicas).to.equal(5);
    expect(s.achieved).to.be.closeTo(0.99144, 1e-5);
  });

  it("a perfect cluster needs one replica", function () {
    expect(sizeReplicas(at(1)).replicas).to.equal(1);
  });

  it("replicas go to the worst cluster first", function () {
    // One replica on the 0.5 cluster cannot meet 0.6; two need both up (0.5*0.95);
    // three (0.5, 0.95, 0.5) reach 0.5*0.95*... computed by the DP, and must beat 0.6.
    const s = sizeReplicas(at(0.95, 0.5), 0.6);
    expect(quorumAvailability([0.5])).to.be.below(0.6);
    expect(s.achieved).to.be.closeTo(quorumAvailability([0.5, 0.95, 0.5].slice(0, s.replicas)), 1e-12);
  });

  it("STRONG raises to 2f+1: 1 -> 3, 4 -> 5; odd counts stay; capped at 49", function () {
    expect([1, 2, 3, 4, 5, 6, 7].map(strongReplicas)).to.deep.equal([3, 3, 3, 5, 5, 7, 7]);
    expect(strongReplicas(50)).to.equal(49);
    expect(sizeReplicas(at(1), 0.99, "STRONG").replicas).to.equal(3);
    expect(sizeReplicas(at(1), 0.99, "NONE").replicas).to.equal(1);
    // 0.9 with target 0.95 needs 3 either way
    expect(sizeReplicas(at(0.9), 0.95, "STRONG").replicas).to.equal(3);
  });

  it("caps at 50 when the target is out of reach", function () {
    const s = sizeReplicas(at(0.3), 0.99);
    expect(s.replicas).to.equal(maxReplicas);
    expect(s.targetMet).to.equal(false);
  });

  it("rejects an empty list and a cluster with zero nodes, naming it", function () {
    expect(() => sizeReplicas([])).to.throw(SizingError, "no target cluster");
    expect(() => sizeReplicas([{ cluster: "edge-1", nodeCount: 0, readyNodes: 0 }])).to.throw(
      SizingError,
      'cluster "edge-1" reported zero nodes',
    );
    expect(() => clusterAvailability({ cluster: "bare" })).to.throw(SizingError, '"bare"');
  });

  it("falls back to ready/total nodes and clamps to 0..1", function () {
    expect(clusterAvailability({ cluster: "a", nodeCount: 4, readyNodes: 3 })).to.equal(0.75);
    expect(clusterAvailability({ cluster: "a", availability: 1.7 })).to.equal(1);
    expect(clusterAvailability({ cluster: "a", availability: -1 })).to.equal(0);
  });
});
