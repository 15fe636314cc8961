// GetEnvHealth names the background roles that are missing: real `crm` processes (ingress,
// watcher, reconciler) against the test cluster and a Redis prefix of the suite's own. A
// newcomer's `kill -9` of the reconciler or the watcher used to leave the environment
// HEALTHY while nothing was reconciled; now it turns DEGRADED naming what is missing.
import { createClient } from "@connectrpc/connect";
import { CrmInfoService } from "@oaas/proto";
import { waitCrmChildReady, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { useCrmSuite } from "../support/crm-suite.ts";
import { transport } from "../support/clients.ts";

describe("GetEnvHealth: workers and watcher", function () {
  this.timeout(180_000);
  // A short Lease, so a killed watcher's Lease expires within the test (client-go's order: 1 < 2 < 3).
  const suite = useCrmSuite({
    namespace: "env-workers",
    env: {
      OPRC_CRM_LEASE_DURATION_SECS: "3",
      OPRC_CRM_LEASE_RENEW_DEADLINE_SECS: "2",
      OPRC_CRM_LEASE_RETRY_PERIOD_SECS: "1",
    },
  });

  it("DEGRADED naming the reconcile queue without a reconciler, HEALTHY with one, DEGRADED after kill -9 of either", async function () {
    const [ingress, watcher] = await Promise.all([suite.crm(["ingress"]), suite.crm(["watcher"])]);
    await Promise.all([waitCrmChildReady(ingress), waitCrmChildReady(watcher)]);
    const info = createClient(CrmInfoService, transport("connect", ingress.url));
    // The ingress caches its answer for 5 s: each wait allows for that.
    const until = (description: string, holds: (h: { status: string; message?: string }) => boolean) =>
      waitFor(
        async () => {
          const h = await info.getEnvHealth({});
          return holds(h) ? h : undefined;
        },
        { description, timeoutMs: 30_000, intervalMs: 500 },
      );

    const noReconciler = await until(
      "DEGRADED naming the reconcile queue, the watcher holding its Lease",
      (h) => h.status === "DEGRADED" && !/watcher/.test(h.message ?? ""),
    );
    expect(noReconciler.message).to.match(
      /no worker consumes queue reconcile \(is `crm reconciler` running\?\)/,
    );

    const reconciler = await suite.crm(["reconciler"]);
    await waitCrmChildReady(reconciler);
    const healthy = await until(
      "HEALTHY once a reconciler worker is connected",
      (h) => h.status === "HEALTHY",
    );
    expect(healthy.message).to.equal(undefined);

    await reconciler.stop("SIGKILL");
    const killed = await until(
      "DEGRADED again after kill -9 of the reconciler",
      (h) => h.status === "DEGRADED",
    );
    expect(killed.message).to.match(/queue reconcile/);

    await watcher.stop("SIGKILL");
    const noWatcher = await until("the expired watcher Lease named", (h) =>
      /no watcher/.test(h.message ?? ""),
    );
    expect(noWatcher.status).to.equal("DEGRADED");
    expect(noWatcher.message).to.match(/Lease \S+\/watcher-\S+ expired \(last renewed /);
  });
});
