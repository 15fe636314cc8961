// `oaasctl clusters` and `oaasctl status`: a cluster its CRM reports DEGRADED shows the CRM's reason (health.message)
// in the message column, a failed probe's error before it; `status` of a spec not
// reconciled yet adds that reason. Pure.
import type { ClusterInfo } from "@oaas/pm-api";
import { expect } from "chai";
import { withClusterHealth, type StatusView } from "../../src/status-view.ts";
import { clustersTable, statusText } from "../../src/views.ts";

const row = (health: Partial<ClusterInfo["health"]>): ClusterInfo => ({
  name: "a",
  default: true,
  health: {
    cluster_name: "a",
    cluster: "a",
    status: "HEALTHY",
    last_seen: "2026-12-08T00:00:00Z",
    checked_at: "2026-12-08T00:00:00Z",
    reachable: true,
    source: "env-health",
    breaker: "closed",
    ...health,
  },
});

describe("clustersTable", function () {
  it("shows the CRM's reason of a DEGRADED cluster, and a probe error before it", function () {
    const reason = "no worker consumes queue reconcile (is `crm reconciler` running?)";
    expect(clustersTable([row({ status: "DEGRADED", message: reason })]))
      .to.contain("DEGRADED")
      .and.to.contain(reason);
    const both = clustersTable([row({ status: "SERVING", message: "m", error: "GetEnvHealth failed: x" })]);
    expect(both).to.contain("GetEnvHealth failed: x").and.not.to.contain(" m\n");
  });
});

describe("withClusterHealth (oaasctl status)", function () {
  const view = (message: string): StatusView => ({
    id: "shop",
    cluster: "a",
    phase: "PROGRESSING",
    message,
    conditions: [],
    functions: [],
  });
  const stale = view(
    "PROGRESSING (Progressing): spec generation 2 not reconciled yet (conditions are for 1)",
  );
  const reason = "no worker consumes queue reconcile (is `crm reconciler` running?)";

  it("a spec not reconciled yet on a DEGRADED cluster names the cluster's reason", function () {
    const [got] = withClusterHealth([stale], [row({ status: "DEGRADED", message: reason })]);
    expect(got?.clusterHealth).to.equal(`DEGRADED: ${reason}`);
    expect(statusText([got as StatusView], 0)).to.match(
      /cluster health: +DEGRADED: no worker consumes queue reconcile/,
    );
  });

  it("nothing added for a HEALTHY cluster, or a reconciled record", function () {
    expect(withClusterHealth([stale], [row({})])[0]?.clusterHealth).to.equal(undefined);
    const running = view("RUNNING (Available): all functions ready");
    expect(
      withClusterHealth([running], [row({ status: "DEGRADED", message: reason })])[0]?.clusterHealth,
    ).to.equal(undefined);
  });
});
