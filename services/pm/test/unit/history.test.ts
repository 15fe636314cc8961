// GET /deployments/{id}/history in process, against stand-in CRMs serving
// oaas.crm.v1.RecordDetailService.GetHistory (the real service is in services/crm; the
// e2e suites use real CRMs). Checks the per-cluster fan-out through the PM's CRM client,
// the entries passed on as the CRM keeps them, 404 for an id nobody knows, a cluster that
// cannot answer (down, or older than the service) reported with its error, and
// PUT /deployments/{key} refusals.
import { freePort } from "@oaas/testkit";
import { expect } from "chai";
import { shopPackage } from "../support/fixtures.ts";
import { errorOf, startTestPm, type TestPm } from "../support/pm.ts";
import { startStandInCrm, type StandInCrm } from "../support/stand-in-crm.ts";

/** A stand-in CRM that knows the history of `known` (two entries) and none of anything else. */
function historyCrm(known: string): Promise<StandInCrm> {
  return startStandInCrm({
    status: () => ({}),
    history: ({ deploymentId }) => ({
      deploymentId,
      namespace: "ns",
      entries:
        deploymentId === known
          ? [
              {
                type: "accepted",
                time: "2026-01-01T00:00:00.000Z",
                startedAt: "2026-01-01T00:00:00.000Z",
                generation: 1n,
                correlationId: "c-1",
                workerId: "ingress-a-1",
                message: "accepted",
              },
              {
                type: "failed",
                time: "2026-01-01T00:00:01.000Z",
                reason: "ImagePullFailed",
                message: "m",
                objects: ["Deployment/x"],
              },
            ]
          : [],
    }),
  });
}

describe("pm REST: history through the CRMs' RecordDetailService; redeploy refusals", function () {
  this.timeout(30_000);
  let pm: TestPm;
  let a: StandInCrm;
  let older: StandInCrm;

  before(async function () {
    a = await historyCrm("unit-on-a");
    older = await startStandInCrm({ status: () => ({}) });
    const closed = await freePort(); // nothing listens there: cluster b is down
    pm = await startTestPm({
      OPRC_PM_CRM_CLUSTERS: "a,b,old",
      OPRC_PM_CRM_A_URL: a.url,
      OPRC_PM_CRM_A_TOKEN: "token-a",
      OPRC_PM_CRM_B_URL: `http://127.0.0.1:${closed}`,
      OPRC_PM_CRM_OLD_URL: older.url,
      CRM_HEALTH_CHECK_INTERVAL: "0",
    });
  });
  after(async function () {
    await pm.close();
    await a.close();
    await older.close();
  });
  beforeEach(function () {
    a.detailRequests.length = 0;
  });

  it("a unit id: asked of every cluster; the one that has it answers, the ones that cannot are reported", async function () {
    const res = await pm.request("GET", "/api/v1/deployments/unit-on-a/history", undefined, {
      "x-correlation-id": "hist-1",
    });
    expect(res.status, res.text).to.equal(200);
    const body = res.json as {
      id: string;
      clusters: { cluster: string; entries: unknown[]; error?: string }[];
    };
    expect(body.id).to.equal("unit-on-a");
    expect(body.clusters.map((c) => [c.cluster, c.entries.length])).to.deep.equal([
      ["a", 2],
      ["b", 0],
      ["old", 0],
    ]);
    // Each entry as the CRM keeps it (@oaas/queue HistoryEntry field names), oldest first.
    expect(body.clusters[0]?.entries).to.deep.equal([
      {
        type: "accepted",
        time: "2026-01-01T00:00:00.000Z",
        startedAt: "2026-01-01T00:00:00.000Z",
        generation: 1,
        correlationId: "c-1",
        workerId: "ingress-a-1",
        message: "accepted",
      },
      {
        type: "failed",
        time: "2026-01-01T00:00:01.000Z",
        reason: "ImagePullFailed",
        message: "m",
        objects: ["Deployment/x"],
      },
    ]);
    expect(body.clusters[0]).not.to.have.property("error");
    expect(body.clusters[1]?.error).to.match(/^cluster "b": Unavailable: .*ECONNREFUSED/);
    expect(body.clusters[2]?.error).to.equal(
      'cluster "old": the CRM does not serve oaas.crm.v1.RecordDetailService/GetHistory (older than the PM)',
    );
    expect(
      a.detailRequests.map((r) => [r.method, r.deploymentId, r.correlationId, r.authorization]),
    ).to.deep.equal([["GetHistory", "unit-on-a", "hist-1", "Bearer token-a"]]);
  });

  it("?cluster= narrows it; an unknown cluster is 400", async function () {
    const res = await pm.request("GET", "/api/v1/deployments/unit-on-a/history?cluster=a");
    expect((res.json as { clusters: { cluster: string }[] }).clusters.map((c) => c.cluster)).to.deep.equal([
      "a",
    ]);
    const bad = await pm.request("GET", "/api/v1/deployments/unit-on-a/history?cluster=zz");
    expect(bad.status).to.equal(400);
    expect(errorOf(bad)).to.contain('unknown cluster "zz"');
  });

  it("an id no cluster knows (and not a PM deployment) is 404 naming it", async function () {
    const res = await pm.request("GET", "/api/v1/deployments/nope/history?cluster=a");
    expect(res.status).to.equal(404);
    expect(errorOf(res)).to.equal(
      'no history for deployment "nope": not a deployment of the PM and unknown to cluster "a"',
    );
  });

  it("PUT /deployments/{key}: 404 for an unknown key, 400 when the body names another key", async function () {
    expect((await pm.request("POST", "/api/v1/packages", shopPackage())).status).to.equal(201);
    const body = { key: "ghost", package_name: "shop", class_key: "cart", target_clusters: ["a"] };
    const missing = await pm.request("PUT", "/api/v1/deployments/ghost", body);
    expect(missing.status).to.equal(404);
    expect(errorOf(missing)).to.equal('deployment "ghost" does not exist');
    const other = await pm.request("PUT", "/api/v1/deployments/other", body);
    expect(other.status).to.equal(400);
    expect(errorOf(other)).to.contain('the body names deployment "ghost", not "other"');
  });
});
