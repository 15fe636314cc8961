// Rotation without a restart: the PM's tokens file and a cluster's CRM token file are
// replaced the way the kubelet swaps a mounted Secret (a rename); the old token is refused
// and the new one accepted within the documented 2 s, a call in flight across the swap
// still succeeds, and the next CRM call carries the new cluster token. The CRM is a
// stand-in (a real one needs a cluster; pm-crm.test.ts runs real ones).
import { create } from "@bufbuild/protobuf";
import { DeploymentUnitSchema, StatusCode } from "@oaas/proto";
import { waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shopPackage } from "../support/fixtures.ts";
import { bearer, startTestPm, type TestPm } from "../support/pm.ts";
import { startStandInCrm, type StandInCrm } from "../support/stand-in-crm.ts";

const oldToken = "old-admin-token-0123456789abcdef";
const newToken = "new-admin-token-0123456789abcdef";

describe("pm auth: rotating the tokens file and a cluster's token file", function () {
  this.timeout(60_000);
  let dir = "";
  let crm: StandInCrm;
  let pm: TestPm;
  const seen: { method: string; authorization: string | null; onBehalfOf: string | null }[] = [];
  let release: () => void = () => undefined;
  let held: Promise<void> = Promise.resolve();

  /** Replaces `name` in the directory atomically, as a Secret volume update does. */
  async function swap(name: string, text: string) {
    await writeFile(join(dir, `${name}.next`), text, { mode: 0o600 });
    await rename(join(dir, `${name}.next`), join(dir, name));
  }

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "oaas-pm-rotate-"));
    await swap("tokens.csv", `${oldToken},ops,admin\n`);
    await swap("crm-a", "crm-token-one-0123456789\n");
    crm = await startStandInCrm({
      health: { availability: 0.99, nodes: 3 },
      deploy: async (_unit, context) => {
        seen.push({
          method: "Deploy",
          authorization: context.requestHeader.get("authorization"),
          onBehalfOf: context.requestHeader.get("x-oaas-on-behalf-of"),
        });
        await held;
      },
      status: (id, context) => {
        seen.push({
          method: "Status",
          authorization: context.requestHeader.get("authorization"),
          onBehalfOf: context.requestHeader.get("x-oaas-on-behalf-of"),
        });
        return {
          status: StatusCode.OK,
          message: "RUNNING",
          deployment: create(DeploymentUnitSchema, { id, packageName: "shop", classKey: "cart" }),
        };
      },
    });
    pm = await startTestPm({
      OPRC_PM_AUTH_TOKENS_FILE: join(dir, "tokens.csv"),
      OPRC_PM_CRM_CLUSTERS: "a",
      OPRC_PM_CRM_A_URL: crm.url,
      OPRC_PM_CRM_A_TOKEN_FILE: join(dir, "crm-a"),
      CRM_DEFAULT_RETRY_ATTEMPTS: "0",
      CRM_HEALTH_CHECK_INTERVAL: "0",
      OPRC_PM_STATUS_REFRESH_SECS: "0",
    });
  });
  after(async function () {
    release();
    await pm.close();
    await crm.close();
    await rm(dir, { recursive: true, force: true });
  });

  const as = (token: string) => ({ authorization: bearer(token) });

  it("old refused and new accepted within 2 s, no restart, the call in flight finishes; the CRM gets the new cluster token", async function () {
    expect((await pm.request("POST", "/api/v1/packages", shopPackage(), as(oldToken))).status).to.equal(201);
    held = new Promise((resolve) => (release = resolve));
    const inFlight = pm.request(
      "POST",
      "/api/v1/deployments",
      { key: "rotated", package_name: "shop", class_key: "cart" },
      as(oldToken),
    );
    await waitFor(() => seen.some((s) => s.method === "Deploy"), {
      description: "the Deploy to arrive",
      timeoutMs: 10_000,
      intervalMs: 20,
    });
    expect(seen[0]).to.deep.include({ authorization: "Bearer crm-token-one-0123456789", onBehalfOf: "ops" });

    const swapped = performance.now();
    await swap("tokens.csv", `${newToken},ops,admin\n`);
    await swap("crm-a", "crm-token-two-0123456789\n");
    await waitFor(
      async () => (await pm.request("GET", "/api/v1/packages", undefined, as(oldToken))).status === 401,
      {
        description: "the old token to be refused",
        timeoutMs: 2_500,
        intervalMs: 50,
      },
    );
    const tookMs = performance.now() - swapped;
    expect(tookMs).to.be.lessThan(2_500);
    expect((await pm.request("GET", "/api/v1/packages", undefined, as(newToken))).status).to.equal(200);

    release();
    const done = await inFlight;
    expect(done.status, done.text).to.equal(201);

    // The next CRM call after the cluster token's recheck carries the new token.
    await waitFor(
      async () => {
        await pm.request("GET", "/api/v1/deployment-status/rotated", undefined, as(newToken));
        return seen.at(-1)?.authorization === "Bearer crm-token-two-0123456789";
      },
      { description: "the CRM call to carry the new cluster token", timeoutMs: 5_000, intervalMs: 100 },
    );
    expect(seen.at(-1)?.onBehalfOf).to.equal("ops");
    const reloaded = pm.logs.filter((l) => l.message === "tokens file reloaded");
    expect(reloaded).to.have.length(1);
    expect(JSON.stringify(pm.logs)).not.to.contain(newToken);
  });
});
