// The PM's condition rule over every observation kind, including the cases that must
// not change what is stored (a blip, a deployment not dispatched yet, a deleted one).
import { expect } from "chai";
import { conditionFromClusters, type ClusterObservation } from "../../src/index.ts";

const running: ClusterObservation = { kind: "summary", summary: "RUNNING" };
const progressing: ClusterObservation = { kind: "summary", summary: "PROGRESSING" };
const degraded: ClusterObservation = { kind: "summary", summary: "DEGRADED" };
const failed: ClusterObservation = { kind: "summary", summary: "ERROR", message: "ERROR (Failed): bad port" };
const unreachable: ClusterObservation = { kind: "UNREACHABLE", error: "connect ECONNREFUSED" };

function of(...entries: [string, ClusterObservation][]): Map<string, ClusterObservation> {
  return new Map(entries);
}

describe("models: deployment condition from cluster observations", function () {
  it("every cluster RUNNING is RUNNING, from DEPLOYING and from DOWN alike", function () {
    for (const current of ["DEPLOYING", "DOWN", "RUNNING"] as const) {
      expect(conditionFromClusters(current, of(["a", running], ["b", running]))).to.deep.equal({
        condition: "RUNNING",
      });
    }
  });

  it("a cluster still progressing or degraded is DEPLOYING, also after RUNNING (a rollout)", function () {
    expect(conditionFromClusters("RUNNING", of(["a", running], ["b", progressing])).condition).to.equal(
      "DEPLOYING",
    );
    expect(conditionFromClusters("DEPLOYING", of(["a", degraded])).condition).to.equal("DEPLOYING");
    expect(
      conditionFromClusters("DEPLOYING", of(["a", { kind: "summary", summary: "SUMMARY_UNKNOWN" }]))
        .condition,
    ).to.equal("DEPLOYING");
  });

  it("ERROR, a missing record or a unit never deployed is DOWN naming each cluster", function () {
    const verdict = conditionFromClusters(
      "RUNNING",
      of(
        ["a", failed],
        ["b", { kind: "NOT_FOUND" }],
        ["c", { kind: "NOT_DEPLOYED", message: "refused" }],
        ["d", running],
      ),
    );
    expect(verdict.condition).to.equal("DOWN");
    expect(verdict.lastError).to.equal(
      "a: ERROR (Failed): bad port; b: the record is missing on the cluster; c: not deployed (refused)",
    );
  });

  it("an unreachable cluster changes nothing (no flip on a network blip), even beside an ERROR", function () {
    expect(conditionFromClusters("RUNNING", of(["a", running], ["b", unreachable]))).to.deep.equal({
      condition: "RUNNING",
    });
    expect(conditionFromClusters("DEPLOYING", of(["a", failed], ["b", unreachable])).condition).to.equal(
      "DEPLOYING",
    );
  });

  it("PENDING and DELETED are never changed by observations; no clusters changes nothing", function () {
    expect(conditionFromClusters("PENDING", of(["a", running])).condition).to.equal("PENDING");
    expect(conditionFromClusters("DELETED", of(["a", running])).condition).to.equal("DELETED");
    expect(conditionFromClusters("DEPLOYING", of()).condition).to.equal("DEPLOYING");
  });
});
