// GET /deployments/{id}/history in process, against stand-in CRMs that serve only the
// CRM's history route over plain HTTP (the real route is in services/crm; the e2e suites
// use real CRMs). Checks the per-cluster fan-out, 404 for an id nobody knows, a cluster
// that cannot answer reported with its error, and PUT /deployments/{key} refusals.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { freePort } from "@oaas/testkit";
import { expect } from "chai";
import { shopPackage } from "../support/fixtures.ts";
import { errorOf, startTestPm, type TestPm } from "../support/pm.ts";

/** A stand-in CRM: knows the history of `known` (one entry), 404 for anything else. */
async function historyCrm(known: string): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(`${req.url ?? ""} ${String(req.headers["x-correlation-id"])}`);
    const match = /^\/api\/v1\/records\/([^/?]+)\/history/.exec(req.url ?? "");
    const id = match?.[1] ? decodeURIComponent(match[1]) : "";
    res.writeHead(id === known ? 200 : 404, { "content-type": "application/json" });
    res.end(
      JSON.stringify(
        id === known
          ? { deployment_id: id, namespace: "ns", entries: [{ type: "applied", time: "t", message: "m" }] }
          : { error: `no history for deployment "${id}" in namespace "ns"` },
      ),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe("pm REST: history through the CRMs' HTTP route; redeploy refusals", function () {
  this.timeout(30_000);
  let pm: TestPm;
  let a: Awaited<ReturnType<typeof historyCrm>>;

  before(async function () {
    a = await historyCrm("unit-on-a");
    const closed = await freePort(); // nothing listens there: cluster b is down
    pm = await startTestPm({
      OPRC_PM_CRM_CLUSTERS: "a,b",
      OPRC_PM_CRM_A_URL: a.url,
      OPRC_PM_CRM_B_URL: `http://127.0.0.1:${closed}`,
      CRM_HEALTH_CHECK_INTERVAL: "0",
    });
  });
  after(async function () {
    await pm.close();
    await a.close();
  });

  it("a unit id: asked of every cluster; the one that has it answers, the one down is reported", async function () {
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
      ["a", 1],
      ["b", 0],
    ]);
    expect(body.clusters[1]?.error).to.match(/^cluster "b": history: .*ECONNREFUSED/);
    expect(a.seen).to.deep.equal(["/api/v1/records/unit-on-a/history hist-1"]);
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
