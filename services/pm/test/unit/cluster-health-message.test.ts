// A CRM that reports DEGRADED says why (CrmEnvHealth.message, e.g. no reconciler worker):
// the PM's probe passes the reason on (services/cli/test/unit/clusters-table.test.ts: and
// `oaasctl clusters` shows it). The CRM is a stand-in (test/support/stand-in-crm.ts: a real listener answering
// GetEnvHealth); services/crm/test/integration/env-health-workers.test.ts covers the real one.
import { expect } from "chai";
import { parsePmConfig } from "../../src/config/index.ts";
import { CrmManager } from "../../src/crm/manager.ts";
import { startStandInCrm } from "../support/stand-in-crm.ts";

describe("cluster health: the CRM's reason", function () {
  this.timeout(20_000);

  it("DEGRADED with the CRM's message reaches the probe result", async function () {
    const reason = "no worker consumes queue reconcile (is `crm reconciler` running?)";
    const crm = await startStandInCrm({
      status: () => ({}),
      health: { availability: 1, nodes: 1, status: "DEGRADED", message: reason },
    });
    try {
      const config = parsePmConfig({
        OPRC_PM_CRM_CLUSTERS: "a",
        OPRC_PM_CRM_A_URL: crm.url,
        CRM_HEALTH_CHECK_INTERVAL: "0",
        OPRC_PM_AUTH_DISABLED: "true",
      });
      const m = new CrmManager({ crm: config.crm, deploy: config.deploy });
      const health = await m.health("a", { fresh: true });
      expect(health).to.include({ status: "DEGRADED", message: reason, reachable: true });
      expect(health.error).to.equal(undefined);
      m.close();
    } finally {
      await crm.close();
    }
  });
});
