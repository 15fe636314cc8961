import { expect } from "chai";
import type { Lease } from "@oaas/kube";
import type { QueueName } from "@oaas/queue";
import {
  combinedHealth,
  neededQueues,
  workersVerdict,
  type WorkerCount,
  type WorkersInput,
} from "../../src/health/workers-health.ts";

const now = Date.parse("2026-12-08T00:00:30Z");
const lease = (holder: string, renewTime: string, seconds = 15): Lease => ({
  apiVersion: "coordination.k8s.io/v1",
  kind: "Lease",
  metadata: { name: "oaas-crm-watcher", namespace: "oaas" },
  spec: { holderIdentity: holder, renewTime, leaseDurationSeconds: seconds },
});
const current = lease("w-1", "2026-12-08T00:00:20.000000Z");
// "off": leader election off, no Lease given.
const given = (
  workers: [QueueName, WorkerCount][],
  l: WorkersInput["lease"] | "off" = current,
): WorkersInput => ({
  workers: new Map(workers),
  ...(l !== "off" ? { lease: l } : {}),
  leaseName: "oaas/oaas-crm-watcher",
  nowMs: now,
});

describe("workersVerdict", function () {
  const rows: { name: string; given: WorkersInput; status: string; message?: RegExp[] }[] = [
    { name: "all consumed, lease current", given: given([["reconcile", 1]]), status: "HEALTHY" },
    {
      name: "no reconciler",
      given: given([["reconcile", 0]]),
      status: "DEGRADED",
      message: [/no worker consumes queue reconcile/, /crm reconciler/],
    },
    {
      name: "no enforcer while reconcile is consumed",
      given: given([
        ["reconcile", 2],
        ["enforce", 0],
      ]),
      status: "DEGRADED",
      message: [/queue enforce/, /crm enforcer/],
    },
    {
      name: "lease expired: no watcher",
      given: given([["reconcile", 1]], lease("w-1", "2026-12-08T00:00:10.000000Z")),
      status: "DEGRADED",
      message: [/no watcher/, /expired/, /oaas\/oaas-crm-watcher/],
    },
    {
      name: "lease released",
      given: given([["reconcile", 1]], lease("", "2026-12-08T00:00:29.000000Z")),
      status: "DEGRADED",
      message: [/released/],
    },
    {
      name: "lease missing",
      given: given([["reconcile", 1]], null),
      status: "DEGRADED",
      message: [/does not exist/],
    },
    {
      name: "both missing: both named",
      given: given([["reconcile", 0]], null),
      status: "DEGRADED",
      message: [/queue reconcile/, /no watcher/],
    },
    {
      name: "CLIENT refused: unknown, not degraded",
      given: given([["reconcile", { unknown: "Redis refuses CLIENT LIST" }]]),
      status: "HEALTHY",
      message: [/could not check workers of queue reconcile: Redis refuses CLIENT LIST/],
    },
    {
      name: "lease unreadable: unknown",
      given: given([["reconcile", 1]], { unknown: "forbidden" }),
      status: "HEALTHY",
      message: [/could not check watcher Lease/],
    },
    {
      name: "leader election off: lease not judged",
      given: given([["reconcile", 1]], "off"),
      status: "HEALTHY",
    },
    {
      name: "leader election off: no watcher message even with no reconciler",
      given: given([["reconcile", 0]], "off"),
      status: "DEGRADED",
      message: [/^no worker consumes queue reconcile \(is `crm reconciler` running\?\)$/],
    },
  ];
  for (const row of rows) {
    it(row.name, function () {
      const got = workersVerdict(row.given);
      expect(got.status).to.equal(row.status);
      if (!row.message) expect(got.message).to.equal(undefined);
      for (const re of row.message ?? []) expect(got.message).to.match(re);
    });
  }
});

describe("neededQueues", function () {
  it("reconcile always; analyze and enforce with their features", function () {
    expect(neededQueues({ prometheus: false, nfrEnforcement: false })).to.deep.equal(["reconcile"]);
    expect(neededQueues({ prometheus: true, nfrEnforcement: true })).to.deep.equal([
      "reconcile",
      "analyze",
      "enforce",
    ]);
  });
});

describe("combinedHealth", function () {
  const nodes = (status: "HEALTHY" | "DEGRADED" | "UNHEALTHY", ready: number) => ({
    status,
    readyNodes: ready,
    nodeCount: 2,
  });
  it("the worse status wins and every cause is named", function () {
    expect(combinedHealth(nodes("HEALTHY", 2), { status: "HEALTHY" })).to.deep.equal({ status: "HEALTHY" });
    expect(combinedHealth(nodes("HEALTHY", 2), { status: "DEGRADED", message: "m" })).to.deep.equal({
      status: "DEGRADED",
      message: "m",
    });
    expect(combinedHealth(nodes("UNHEALTHY", 0), { status: "DEGRADED", message: "m" })).to.deep.equal({
      status: "UNHEALTHY",
      message: "0 of 2 nodes ready; m",
    });
    expect(combinedHealth(nodes("DEGRADED", 1), undefined)).to.deep.equal({
      status: "DEGRADED",
      message: "1 of 2 nodes ready",
    });
  });
});
