import { expect } from "chai";
import { envHealthOf } from "../../src/health/env-health.ts";

const node = (ready: boolean, unschedulable = false) => ({
  spec: { unschedulable },
  status: { conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
});

describe("envHealthOf", function () {
  const rows = [
    {
      name: "all ready",
      nodes: [node(true), node(true)],
      want: { nodeCount: 2, readyNodes: 2, availability: 1, status: "HEALTHY" },
    },
    {
      name: "one of four ready",
      nodes: [node(true), node(false), node(false), node(false)],
      want: { readyNodes: 1, availability: 0.25, status: "DEGRADED" },
    },
    {
      name: "a cordoned node is not ready",
      nodes: [node(true, true), node(true)],
      want: { readyNodes: 1, availability: 0.5 },
    },
    {
      name: "no nodes",
      nodes: [],
      want: { nodeCount: 0, readyNodes: 0, availability: 0, status: "UNHEALTHY" },
    },
    { name: "no Ready condition", nodes: [{}], want: { readyNodes: 0, status: "UNHEALTHY" } },
  ];
  for (const row of rows) {
    it(row.name, function () {
      expect(envHealthOf(row.nodes)).to.include(row.want);
    });
  }
  it("a configured availability overrides the node ratio", function () {
    expect(envHealthOf([node(false)], 0.9)).to.include({ availability: 0.9, readyNodes: 0 });
  });
});
