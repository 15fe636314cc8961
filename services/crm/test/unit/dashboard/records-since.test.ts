// The "not Available" page's Since column (services/crm/src/dashboard/records-page.ts):
// since when each record is in the state shown, from the lastTransitionTime of the
// condition that explains its phase (@oaas/crd explainStatus), not of whichever
// condition happens to share its reason. Pure; no cluster.
import type { Condition, DeploymentRecord } from "@oaas/crd";
import { expect } from "chai";
import { recordRows, recordsPage } from "../../../src/dashboard/records-page.ts";

const now = new Date("2026-12-07T12:00:00Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString().replace(/\.000Z$/, "Z");

function condition(
  type: Condition["type"],
  status: Condition["status"],
  reason: string,
  at: string,
): Condition {
  return {
    type,
    status,
    reason,
    message: `${type} ${reason}`,
    lastTransitionTime: at,
    observedGeneration: 1,
  };
}

function record(name: string, conditions: Condition[], metadata: Partial<DeploymentRecord["metadata"]> = {}) {
  const r: DeploymentRecord = {
    apiVersion: "oaas.io/v1alpha1",
    kind: "DeploymentRecord",
    metadata: { name, namespace: "prod", generation: 1, uid: `u-${name}`, ...metadata },
    spec: { deployment_id: name },
    status: { conditions },
  };
  return r;
}

describe("dashboard records page: Since", function () {
  // Degraded by a pod reason for 3 minutes, not Available for 20: the row says 3 minutes.
  const degraded = record("pull", [
    condition("Available", "False", "ImagePullBackOff", minutesAgo(20)),
    condition("Progressing", "False", "ImagePullBackOff", minutesAgo(3)),
    condition("Degraded", "True", "ImagePullBackOff", minutesAgo(3)),
  ]);
  const rolling = record("rolling", [
    condition("Available", "False", "RollingOut", minutesAgo(9)),
    condition("Progressing", "True", "RollingOut", minutesAgo(2)),
    condition("Degraded", "False", "AsExpected", minutesAgo(9)),
  ]);
  const stuck = record("stuck", [
    condition("Available", "False", "Unknown", minutesAgo(7)),
    condition("Progressing", "False", "Stalled", minutesAgo(1)),
  ]);
  const deleting = record("going", [], { deletionTimestamp: minutesAgo(4) });
  const fresh = record("fresh", [], { creationTimestamp: minutesAgo(5) });
  delete (fresh as { status?: unknown }).status;
  const newSpec = record(
    "new-spec",
    [condition("Available", "True", "AllComponentsAvailable", minutesAgo(60))],
    {
      generation: 2,
    },
  );

  const rows: { name: string; record: DeploymentRecord; since: string | undefined }[] = [
    { name: "Degraded: the Degraded condition's transition", record: degraded, since: minutesAgo(3) },
    { name: "Progressing: the Progressing condition's", record: rolling, since: minutesAgo(2) },
    {
      name: "neither available nor progressing: the Available condition's",
      record: stuck,
      since: minutesAgo(7),
    },
    { name: "Deleting: the deletionTimestamp", record: deleting, since: minutesAgo(4) },
    { name: "never reconciled: the creationTimestamp", record: fresh, since: minutesAgo(5) },
    { name: "a spec not reconciled yet: unknown", record: newSpec, since: undefined },
  ];
  for (const row of rows)
    it(row.name, function () {
      expect(recordRows([row.record], true)[0]?.since).to.equal(row.since);
    });

  it("the page shows the age, with the time as its title", function () {
    const page = recordsPage({
      basePath: "/",
      namespaces: ["prod"],
      records: [degraded],
      all: false,
      now,
    }).text;
    expect(page).to.match(new RegExp(`<td title="${minutesAgo(3)}">3m 0s ago</td>`));
  });
});
