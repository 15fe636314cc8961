// A deployment's state following its cluster, and concurrent updates, at the PM's REST
// surface, in process. The CRM is a stand-in (support/stand-in-crm.ts: the CRM's own
// listener serving scripted answers), because the faults here are an answer lost after
// the CRM applied a unit, or refused on purpose, at exact moments; the integration suite
// pm-crm.test.ts runs the real CRM on a cluster.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { DeploymentMappings } from "@oaas/pm-api";
import { DeploymentUnitSchema, StatusCode, type DeploymentUnit } from "@oaas/proto";
import { waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { shopPackage } from "../support/fixtures.ts";
import { errorOf, startTestPm, type TestPm } from "../support/pm.ts";
import { startStandInCrm, type StandInCrm } from "../support/stand-in-crm.ts";

/** How the stand-in answers Deploy. */
type Mode = "ok" | "apply-then-lose" | "down" | "refuse" | "fail-with";

describe("pm: a deployment's state follows its cluster (UNKNOWN outcomes settled by the resync)", function () {
  this.timeout(60_000);
  let pm: TestPm;
  let crm: StandInCrm;
  let mode: Mode = "ok";
  /** What the cluster holds: unit id -> the unit last applied. */
  const records = new Map<string, DeploymentUnit>();
  let deploys = 0;
  /** The code of a "fail-with" answer. */
  let failCode = Code.Internal;

  before(async function () {
    crm = await startStandInCrm({
      health: { availability: 0.99, nodes: 3 },
      deploy: (unit) => {
        deploys++;
        if (mode === "down") throw new ConnectError("connection refused", Code.Unavailable);
        if (mode === "refuse") throw new ConnectError("functions[0]: invalid", Code.InvalidArgument);
        if (mode === "fail-with") throw new ConnectError(`failed with ${Code[failCode]}`, failCode);
        records.set(unit.id, unit);
        // Applied, and the answer lost on the way back (the ingress killed mid-call).
        if (mode === "apply-then-lose")
          throw new ConnectError("http/2 stream closed with error code CANCEL (0x8)", Code.Canceled);
      },
      delete: (id) => {
        if (!records.delete(id)) throw new ConnectError(`no deployment "${id}"`, Code.NotFound);
      },
      status: (id) => {
        const unit = records.get(id);
        if (!unit) throw new ConnectError(`no deployment "${id}"`, Code.NotFound);
        return {
          status: StatusCode.OK,
          message: "RUNNING (Available): every function is ready",
          deployment: create(DeploymentUnitSchema, {
            id,
            packageName: unit.packageName,
            classKey: unit.classKey,
          }),
        };
      },
    });
    pm = await startTestPm({
      OPRC_PM_CRM_CLUSTERS: "a",
      OPRC_PM_CRM_A_URL: crm.url,
      OPRC_PM_CRM_A_TIMEOUT: "2",
      CRM_DEFAULT_RETRY_ATTEMPTS: "0",
      CRM_CIRCUIT_BREAKER_FAILURE_THRESHOLD: "1000",
      CRM_HEALTH_CHECK_INTERVAL: "0",
      // The resync every second: the test waits for it, never for a fixed time.
      OPRC_PM_STATUS_REFRESH_SECS: "1",
    });
    expect((await pm.request("POST", "/api/v1/packages", shopPackage())).status).to.equal(201);
  });
  after(async function () {
    await pm.close();
    await crm.close();
  });
  afterEach(async function () {
    mode = "ok";
    for (const d of await pm.storage.listDeployments()) await pm.storage.deleteDeployment(d.key);
    records.clear();
  });

  /** get, mappings and status of one key, as a client reads them. */
  async function views(key: string) {
    const get = await pm.request("GET", `/api/v1/deployments/${key}`);
    const mappings = await pm.request("GET", `/api/v1/deployments/${key}/cluster-mappings`);
    const status = await pm.request("GET", `/api/v1/deployment-status/${key}`);
    return {
      condition: (get.json as { condition: string }).condition,
      mapping: (mappings.json as DeploymentMappings).mappings[0]?.state,
      status: (status.json as { status?: string }).status ?? `HTTP ${status.status}`,
      etag: get.headers.get("etag"),
    };
  }

  it("an answer lost after the CRM applied: 202 UNKNOWN (never DOWN), then RUNNING everywhere once the resync asks", async function () {
    mode = "apply-then-lose";
    const posted = await pm.request("POST", "/api/v1/deployments", {
      key: "lost",
      package_name: "shop",
      class_key: "cart",
    });
    expect(posted.status, posted.text).to.equal(202);
    expect(posted.json).to.include({ condition: "UNKNOWN" });
    expect((posted.json as { unknown_clusters: string[] }).unknown_clusters).to.deep.equal(["a"]);
    const stored = await pm.storage.getMappings("lost");
    expect(stored.map((m) => m.state)).to.deep.equal(["UNKNOWN"]);
    mode = "ok";
    const settled = await waitFor(
      async () => {
        const v = await views("lost");
        return v.condition === "RUNNING" && v;
      },
      { description: "lost settled RUNNING", timeoutMs: 20_000 },
    );
    expect(settled).to.include({ condition: "RUNNING", mapping: "DEPLOYED", status: "RUNNING" });
  });

  it("a CRM that never got it: UNKNOWN while it is down, then sent again and RUNNING when it is back", async function () {
    mode = "down";
    const posted = await pm.request("POST", "/api/v1/deployments", {
      key: "later",
      package_name: "shop",
      class_key: "cart",
    });
    expect(posted.status, posted.text).to.equal(202);
    expect(records.has("later-a")).to.equal(false);
    // While the cluster does not answer, the resync changes nothing and says UNKNOWN.
    const before = deploys;
    await waitFor(() => deploys > before, { description: "the resync sent it again", timeoutMs: 10_000 });
    expect((await pm.storage.getDeployment("later"))?.condition).to.equal("UNKNOWN");
    mode = "ok";
    await waitFor(async () => (await views("later")).condition === "RUNNING", {
      description: "later RUNNING",
      timeoutMs: 20_000,
    });
    expect(records.get("later-a")?.classKey).to.equal("cart");
    expect(await views("later")).to.include({ condition: "RUNNING", mapping: "DEPLOYED", status: "RUNNING" });
  });

  it("a CRM that refuses: 502, DOWN with the reason, FAILED mapping; a 503 means nothing was stored", async function () {
    mode = "refuse";
    const refused = await pm.request("POST", "/api/v1/deployments", {
      key: "bad",
      package_name: "shop",
      class_key: "cart",
    });
    expect(refused.status, refused.text).to.equal(502);
    const v = await views("bad");
    expect(v).to.include({ condition: "DOWN", mapping: "FAILED" });
    // The cluster runs it after all (whatever put it there): never "not deployed" then.
    records.set(
      "bad-a",
      create(DeploymentUnitSchema, { id: "bad-a", packageName: "shop", classKey: "cart" }),
    );
    expect(await views("bad")).to.include({ condition: "RUNNING", mapping: "DEPLOYED", status: "RUNNING" });
    // A cluster the PM cannot size from (unknown cluster name -> 400; nothing stored).
    const unknown = await pm.request("POST", "/api/v1/deployments", {
      key: "nowhere",
      package_name: "shop",
      class_key: "cart",
      target_clusters: ["ghost"],
    });
    expect(unknown.status).to.equal(400);
    expect(errorOf(unknown)).to.contain('target_clusters[0]: unknown cluster "ghost"');
    expect(await pm.storage.getDeployment("nowhere")).to.equal(undefined);
  });

  it("each failure code is classed once: a deliberate refusal is 502 FAILED, anything else may have been applied and is 202 UNKNOWN", async function () {
    const rows: [Code, number, string][] = [
      [Code.InvalidArgument, 502, "FAILED"],
      [Code.FailedPrecondition, 502, "FAILED"],
      [Code.AlreadyExists, 502, "FAILED"],
      [Code.PermissionDenied, 502, "FAILED"],
      // A reset stream surfaces as ABORTED or CANCELLED; a half-applied call as INTERNAL.
      [Code.Aborted, 202, "UNKNOWN"],
      [Code.Internal, 202, "UNKNOWN"],
      [Code.Unknown, 202, "UNKNOWN"],
      [Code.DeadlineExceeded, 202, "UNKNOWN"],
      [Code.Unavailable, 202, "UNKNOWN"],
    ];
    mode = "fail-with";
    for (const [code, status, state] of rows) {
      failCode = code;
      const key = `code-${Code[code].toLowerCase()}`;
      const res = await pm.request("POST", "/api/v1/deployments", {
        key,
        package_name: "shop",
        class_key: "cart",
      });
      expect(res.status, `${Code[code]}: ${res.text}`).to.equal(status);
      expect(
        (await pm.storage.getMappings(key)).map((m) => m.state),
        Code[code],
      ).to.deep.equal([state]);
      await pm.storage.deleteDeployment(key);
    }
  });

  it("If-Match: an update naming the generation it read wins; a concurrent one naming the same is 412 and changes nothing", async function () {
    const body = { key: "upd", package_name: "shop", class_key: "cart", target_env: "local" };
    expect((await pm.request("POST", "/api/v1/deployments", body)).status).to.equal(201);
    const etag = (await views("upd")).etag;
    expect(etag).to.equal('"1"');
    const put = (targetEnv: string) =>
      pm.request(
        "PUT",
        "/api/v1/deployments/upd",
        { ...body, target_env: targetEnv },
        { "if-match": etag ?? "" },
      );
    const [first, second] = await Promise.all([put("one"), put("two")]);
    const statuses = [first.status, second.status].sort();
    expect(statuses, `${first.text} | ${second.text}`).to.deep.equal([200, 412]);
    const winner = first.status === 200 ? "one" : "two";
    const stored = await pm.storage.getDeployment("upd");
    expect(stored).to.include({ target_env: winner, generation: 2 });
    const loser = first.status === 412 ? first : second;
    expect(errorOf(loser)).to.match(/generation 2, not 1/);
    // A list naming the current generation matches; a weak tag is the same generation.
    expect(
      (await pm.request("PUT", "/api/v1/deployments/upd", body, { "if-match": '"1", "2"' })).status,
    ).to.equal(200);
    expect(
      (await pm.request("PUT", "/api/v1/deployments/upd", body, { "if-match": 'W/"3"' })).status,
    ).to.equal(200);
    // Malformed If-Match: 400 naming the header; no If-Match: last write wins as before.
    const bad = await pm.request("PUT", "/api/v1/deployments/upd", body, { "if-match": "abc" });
    expect(bad.status).to.equal(400);
    expect(errorOf(bad)).to.contain("If-Match");
    expect((await pm.request("PUT", "/api/v1/deployments/upd", body)).status).to.equal(200);
    expect((await pm.storage.getDeployment("upd"))?.generation).to.equal(5);
    // A redeploy that changes nothing sends the very same unit (created_at is the
    // deployment's, not the request's), so the CRM's record gets no new generation.
    const sent = records.get("upd-a");
    expect((await pm.request("PUT", "/api/v1/deployments/upd", body)).status).to.equal(200);
    expect(records.get("upd-a")).to.not.equal(sent); // a new message arrived...
    expect(records.get("upd-a")).to.deep.equal(sent); // ...saying exactly the same
  });

  it("listing one function with NFRs deploys every function the class binds", async function () {
    const posted = await pm.request("POST", "/api/v1/deployments", {
      key: "partial",
      package_name: "shop",
      class_key: "cart",
      functions: [{ function_key: "cart-total", nfr_requirements: { max_latency_ms: 100 } }],
    });
    expect(posted.status, posted.text).to.equal(201);
    const sent = records.get("partial-a");
    expect(sent?.functions.map((f) => f.functionKey)).to.deep.equal(["cart-add", "cart-total"]);
    const unbound = await pm.request("POST", "/api/v1/deployments", {
      key: "unbound",
      package_name: "shop",
      class_key: "cart",
      functions: [{ function_key: "ghost" }],
    });
    expect(unbound.status).to.equal(400);
    expect(errorOf(unbound)).to.contain(
      'functions[0].function_key: "ghost" is not a function class "cart" binds',
    );
  });
});

describe("pm: packages validate embedded deployments and keep what deployments use", function () {
  this.timeout(60_000);
  let pm: TestPm;
  let crm: StandInCrm;
  before(async function () {
    crm = await startStandInCrm({
      health: { availability: 0.99, nodes: 3 },
      deploy: () => undefined,
      delete: () => undefined,
      status: () => ({ status: StatusCode.OK, message: "RUNNING (Available)" }),
    });
    pm = await startTestPm({
      OPRC_PM_CRM_CLUSTERS: "a",
      OPRC_PM_CRM_A_URL: crm.url,
      CRM_HEALTH_CHECK_INTERVAL: "0",
      OPRC_PM_STATUS_REFRESH_SECS: "0",
    });
  });
  after(async function () {
    await pm.close();
    await crm.close();
  });

  it("an embedded deployment is checked like a POST of it: 400 naming the field, nothing stored", async function () {
    const cases: { name: string; deployment: Record<string, unknown>; field: string }[] = [
      {
        name: "unknown cluster",
        deployment: { class_key: "cart", target_clusters: ["ghost"] },
        field: "deployments[0].target_clusters[0]",
      },
      { name: "unknown class", deployment: { class_key: "ghost" }, field: "class_key" },
      {
        name: "a function the class does not bind",
        deployment: { class_key: "cart", functions: [{ function_key: "nope" }] },
        field: "deployments[0].functions[0].function_key",
      },
    ];
    for (const c of cases) {
      const res = await pm.request("POST", "/api/v1/packages", {
        ...shopPackage("emb"),
        deployments: [{ package_name: "emb", ...c.deployment }],
      });
      expect(res.status, `${c.name}: ${res.text}`).to.equal(400);
      expect(errorOf(res), c.name).to.contain(c.field);
      expect(await pm.storage.getPackage("emb"), c.name).to.equal(undefined);
      expect(await pm.storage.listDeployments(), c.name).to.deep.equal([]);
    }
  });

  it("renaming or dropping a class or a bound function under a live deployment is 409 naming it", async function () {
    expect((await pm.request("POST", "/api/v1/packages", shopPackage("live"))).status).to.equal(201);
    const posted = await pm.request("POST", "/api/v1/deployments", {
      package_name: "live",
      class_key: "cart",
    });
    expect(posted.status, posted.text).to.equal(201);
    type Cls = { key: string; function_bindings: { name: string; function_key: string }[] };
    const base = shopPackage("live") as { classes: [Cls]; functions: { key: string }[] };
    const edits: { name: string; edit: (p: typeof base) => void; want: RegExp }[] = [
      { name: "class renamed", edit: (p) => (p.classes[0].key = "basket"), want: /uses class "cart"/ },
      {
        name: "binding dropped",
        edit: (p) => p.classes[0].function_bindings.pop(),
        want: /uses function\(s\) "cart-total"/,
      },
    ];
    for (const e of edits) {
      const next = structuredClone(base);
      e.edit(next);
      const res = await pm.request("POST", "/api/v1/packages/live", next);
      expect(res.status, `${e.name}: ${res.text}`).to.equal(409);
      expect(errorOf(res), e.name).to.match(e.want).and.contain('deployment "live-cart"');
      expect((await pm.storage.getPackage("live"))?.classes[0]?.key, e.name).to.equal("cart");
    }
    // A change that keeps what the deployment uses is fine.
    const kept = structuredClone(base);
    kept.functions.push({ key: "extra" });
    expect((await pm.request("POST", "/api/v1/packages/live", kept)).status).to.equal(200);
    // Once the deployment is gone, the class can go too.
    expect((await pm.request("DELETE", "/api/v1/deployments/live-cart")).status).to.equal(200);
    const renamed = structuredClone(base);
    renamed.classes[0].key = "basket";
    expect((await pm.request("POST", "/api/v1/packages/live", renamed)).status).to.equal(200);
  });
});
