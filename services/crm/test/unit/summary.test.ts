import type { DeploymentRecord } from "@oaas/crd";
import { expect } from "chai";
import { statusMessage, summaryOf } from "../../src/deployments/summary.ts";

const base: DeploymentRecord = {
  apiVersion: "oaas.io/v1alpha1",
  kind: "DeploymentRecord",
  metadata: { name: "r", generation: 1 },
  spec: {},
};
const condition = (
  type: "Available" | "Progressing" | "Degraded",
  status: "True" | "False",
  reason: string,
  message: string,
) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: "2026-01-01T00:00:00Z",
  observedGeneration: 1,
});

describe("status summary and message", function () {
  it("a record not reconciled yet", function () {
    expect(summaryOf(base)).to.equal("SUMMARY_UNKNOWN");
    expect(statusMessage(base)).to.match(/^SUMMARY_UNKNOWN \(Pending\): not reconciled yet/);
  });
  it("a record being deleted", function () {
    const r = { ...base, metadata: { ...base.metadata, deletionTimestamp: "2026-01-01T00:00:00Z" } };
    expect(statusMessage(r)).to.match(/^PROGRESSING \(Deleting\): children are being deleted/);
  });
  it("available and degraded records carry the condition's message", function () {
    const available = {
      ...base,
      status: { conditions: [condition("Available", "True", "Ready", "2/2 replicas ready")] },
    };
    expect(summaryOf(available)).to.equal("RUNNING");
    expect(statusMessage(available)).to.equal("RUNNING (Available): 2/2 replicas ready");
    const degraded = {
      ...base,
      status: { conditions: [condition("Degraded", "True", "ImagePullBackOff", "image x not found")] },
    };
    expect(statusMessage(degraded)).to.match(/^(DEGRADED|ERROR) \((Degraded|Failed)\): image x not found$/);
  });
});
