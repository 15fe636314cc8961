// Namespaces as a boundary with a CRM serving two namespaces, as a real
// `crm all` process on the real API server (KWOK nodes) and real Redis: records deployed in
// each served namespace converge (the watcher watches both) and their deletion completes
// (the finalizer is removed in both); a third namespace and the CRM's own (not served) are
// PERMISSION_DENIED whether or not a record exists there; a deployer limited to one served
// namespace cannot deploy, delete, read or list in the other over the RPCs; the dashboard
// shows each caller the records of its namespaces only, refuses a caller of none, and keeps
// Bull Board (every namespace's jobs) for callers of every served namespace.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Code, ConnectError } from "@connectrpc/connect";
import { recordName } from "@oaas/crd";
import { StatusCode } from "@oaas/proto";
import { freePort, useTestNamespace, waitCrmChildReady, waitFor, type CrmChild } from "@oaas/testkit";
import { expect } from "chai";
import { useCrmSuite } from "../support/crm-suite.ts";
import { deploymentClient } from "../support/clients.ts";
import { unit } from "../support/fixtures.ts";
import { getRecord, releaseAll } from "../support/records.ts";

const admin = "served-admin-token-0123456789";
const deployerA = "served-deployer-a-token-0123456789";
const viewerA = "served-viewer-a-token-0123456789";
const viewerC = "served-viewer-c-token-0123456789";

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "ok";
  } catch (error) {
    return Code[ConnectError.from(error).code].toLowerCase();
  }
}

describe("crm serving several namespaces (OPRC_CRM_ALLOWED_NAMESPACES=a,b)", function () {
  this.timeout(300_000);
  // The CRM lives in the suite's namespace (its Lease) and serves a and b, not its own.
  const suite = useCrmSuite({ namespace: "served-home" });
  const a = useTestNamespace("served-a");
  const b = useTestNamespace("served-b");
  const c = useTestNamespace("served-c");
  let dir = "";
  let crm: CrmChild;
  let dashboard = "";

  before(function () {
    dir = mkdtempSync(path.join(tmpdir(), "oaas-served-"));
    writeFileSync(
      path.join(dir, "tokens"),
      [
        `${admin},root,admin`,
        `${deployerA},ci-a,deployer,${a.name}`,
        `${viewerA},sre-a,viewer,${a.name}`,
        `${viewerC},sre-c,viewer,${c.name}`,
      ].join("\n"),
      { mode: 0o600 },
    );
    writeFileSync(path.join(dir, "dashboard"), "[viewer] browser:browser-password\n", { mode: 0o600 });
  });
  // Before the namespaces go (their after hooks): no finalizer may hold a record.
  afterEach(async function () {
    for (const ns of [a.name, b.name, c.name]) await releaseAll(suite.kube, ns);
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it("converges and deletes records in each served namespace; refuses every other, whoever asks", async function () {
    const dashboardPort = await freePort();
    crm = await suite.crm(["all"], {
      OPRC_CRM_ALLOWED_NAMESPACES: `${a.name},${b.name}`,
      OPRC_CRM_AUTH_TOKENS_FILE: path.join(dir, "tokens"),
      OPRC_CRM_DASHBOARD_AUTH_FILE: path.join(dir, "dashboard"),
      OPRC_CRM_DASHBOARD_PORT: String(dashboardPort),
    });
    dashboard = `http://127.0.0.1:${dashboardPort}`;
    await waitCrmChildReady(crm);
    const client = deploymentClient("grpc", crm.url);
    const as = (token: string, namespace?: string) => ({
      headers: {
        authorization: `Bearer ${token}`,
        ...(namespace === undefined ? {} : { "x-namespace": namespace }),
      },
    });

    for (const ns of [a.name, b.name]) {
      const answer = await client.deploy({ deploymentUnit: unit(`shop-${ns}`) }, as(admin, ns));
      expect(answer.status, ns).to.equal(StatusCode.OK);
    }
    // Converged in both: the watcher of each namespace enqueued it, the reconciler wrote status.
    for (const ns of [a.name, b.name])
      await waitFor(
        async () => (await getRecord(suite.kube, ns, `shop-${ns}`))?.status?.phase === "Available",
        {
          description: `record shop-${ns} Available in ${ns}`,
          timeoutMs: 150_000,
          intervalMs: 500,
        },
      );

    // Not served: a third namespace and the CRM's own (the default of a call without x-namespace).
    for (const [what, namespace] of [
      ["a namespace not served", c.name],
      ["no x-namespace (the CRM's own, not served)", undefined],
    ] as const) {
      expect(
        await codeOf(client.deploy({ deploymentUnit: unit("shop-x") }, as(admin, namespace))),
        what,
      ).to.equal("permissiondenied");
      expect(await codeOf(client.listClassRuntimes({}, as(admin, namespace))), what).to.equal(
        "permissiondenied",
      );
    }
    expect(await getRecord(suite.kube, c.name, "shop-x"), "nothing written in c").to.equal(undefined);

    // Listing names the requested namespace only (CONTRACT: x-namespace, else the default).
    const listed = await client.listClassRuntimes({}, as(admin, b.name));
    expect(listed.items.map((i) => i.id)).to.deep.equal([`shop-${b.name}`]);

    // The deletion completes in each: the finalizer is removed once the children are gone.
    for (const ns of [a.name, b.name]) {
      const deleted = await client.deleteDeployment({ deploymentId: `shop-${ns}` }, as(admin, ns));
      expect(deleted.status, ns).to.equal(StatusCode.OK);
    }
    for (const ns of [a.name, b.name])
      await waitFor(async () => (await getRecord(suite.kube, ns, `shop-${ns}`)) === undefined, {
        description: `record shop-${ns} gone from ${ns}`,
        timeoutMs: 120_000,
        intervalMs: 500,
      });
  });

  it("a deployer limited to a: everything in a, nothing in b (PERMISSION_DENIED whether or not the record exists)", async function () {
    crm = await suite.crm(["all"], {
      OPRC_CRM_ALLOWED_NAMESPACES: `${a.name},${b.name}`,
      OPRC_CRM_AUTH_TOKENS_FILE: path.join(dir, "tokens"),
    });
    await waitCrmChildReady(crm);
    const client = deploymentClient("connect", crm.url);
    const as = (token: string, namespace: string) => ({
      headers: { authorization: `Bearer ${token}`, "x-namespace": namespace },
    });
    expect((await client.deploy({ deploymentUnit: unit("mine") }, as(deployerA, a.name))).status).to.equal(
      StatusCode.OK,
    );
    expect((await client.deploy({ deploymentUnit: unit("theirs") }, as(admin, b.name))).status).to.equal(
      StatusCode.OK,
    );
    const refusedInB = {
      deploy: client.deploy({ deploymentUnit: unit("theirs") }, as(deployerA, b.name)),
      "delete (exists)": client.deleteDeployment({ deploymentId: "theirs" }, as(deployerA, b.name)),
      "delete (absent)": client.deleteDeployment({ deploymentId: "nobody" }, as(deployerA, b.name)),
      "status (exists)": client.getDeploymentStatus({ deploymentId: "theirs" }, as(deployerA, b.name)),
      "status (absent)": client.getDeploymentStatus({ deploymentId: "nobody" }, as(deployerA, b.name)),
      get: client.getClassRuntime({ deploymentId: "theirs" }, as(deployerA, b.name)),
      list: client.listClassRuntimes({}, as(deployerA, b.name)),
    };
    for (const [what, call] of Object.entries(refusedInB))
      expect(await codeOf(call), what).to.equal("permissiondenied");
    expect((await getRecord(suite.kube, b.name, "theirs"))?.metadata.deletionTimestamp).to.equal(undefined);
    // In a, the same principal reads and lists its own record.
    expect(
      (await client.getDeploymentStatus({ deploymentId: "mine" }, as(deployerA, a.name))).status,
    ).to.equal(StatusCode.OK);
    const listed = await client.listClassRuntimes({}, as(deployerA, a.name));
    expect(listed.items.map((i) => i.id)).to.deep.equal(["mine"]);
  });

  it("the dashboard: each caller sees the records of its namespaces; none of them: 403; Bull Board needs all", async function () {
    const dashboardPort = await freePort();
    crm = await suite.crm(["all"], {
      OPRC_CRM_ALLOWED_NAMESPACES: `${a.name},${b.name}`,
      OPRC_CRM_AUTH_TOKENS_FILE: path.join(dir, "tokens"),
      OPRC_CRM_DASHBOARD_AUTH_FILE: path.join(dir, "dashboard"),
      OPRC_CRM_DASHBOARD_PORT: String(dashboardPort),
    });
    dashboard = `http://127.0.0.1:${dashboardPort}`;
    await waitFor(async () => (await fetch(`${dashboard}/healthz`).catch(() => undefined))?.status === 200, {
      description: "dashboard /healthz 200",
      timeoutMs: 120_000,
      intervalMs: 250,
    });
    // Records in both served namespaces, whatever the previous test left.
    const client = deploymentClient("grpc", crm.url);
    for (const ns of [a.name, b.name])
      await client.deploy(
        { deploymentUnit: unit(`page-${ns}`) },
        { headers: { authorization: `Bearer ${admin}`, "x-namespace": ns } },
      );
    const get = async (url: string, token: string) => {
      const response = await fetch(`${dashboard}${url}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, text: await response.text() };
    };
    const pageA = `/records/${a.name}/${recordName(`page-${a.name}`)}`;
    const pageB = `/records/${b.name}/${recordName(`page-${b.name}`)}`;

    const all = await get("/records?all=true", admin);
    expect(all.status).to.equal(200);
    expect(all.text).to.include(`page-${a.name}`).and.include(`page-${b.name}`);

    const onlyA = await get("/records?all=true", viewerA);
    expect(onlyA.status).to.equal(200);
    expect(onlyA.text).to.include(`page-${a.name}`);
    expect(onlyA.text, "b's record hidden from a viewer of a").to.not.include(`page-${b.name}`);
    expect((await get(pageA, viewerA)).status).to.equal(200);
    expect((await get(pageB, viewerA)).status, "b's record page").to.equal(403);
    expect((await get(`/records/${b.name}/nobody`, viewerA)).status, "absent in b").to.equal(403);
    // Bull Board shows every served namespace's jobs: a viewer of a only may not use it.
    expect((await get("/api/queues", viewerA)).status).to.equal(403);
    expect((await get("/api/queues", admin)).status).to.equal(200);
    // Basic users of the dashboard's own file have every served namespace.
    const browser = await fetch(`${dashboard}/records?all=true`, {
      headers: { authorization: `Basic ${Buffer.from("browser:browser-password").toString("base64")}` },
    });
    expect(browser.status).to.equal(200);
    expect(await browser.text()).to.include(`page-${b.name}`);

    // A viewer of a namespace this CRM does not serve: nothing at all.
    for (const url of ["/records", pageA, "/api/queues", "/"])
      expect((await get(url, viewerC)).status, url).to.equal(403);
  });
});
