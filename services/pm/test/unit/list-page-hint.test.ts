// How the PM shrinks a ListClassRuntimes page the CRM refused as too large: it reads the
// limit from the oaas.crm.v1.PageTooLarge error detail, never from the status message's
// wording, and halves the page when the detail is absent (a CRM older than it). Against
// the CRM's own listener serving stand-in answers (test/support/stand-in-crm.ts); the CRM
// side's detail on a real ingress is in services/pm/test/integration/large-records.test.ts.
import { create } from "@bufbuild/protobuf";
import { DeploymentUnitSchema } from "@oaas/proto";
import { expect } from "chai";
import { parsePmConfig } from "../../src/config/index.ts";
import { listEveryPage } from "../../src/crm/list-pages.ts";
import { CrmManager } from "../../src/crm/manager.ts";
import { startStandInCrm, type StandInCrm } from "../support/stand-in-crm.ts";

const ctx = { correlationId: "page-hint-test" };
const held = Array.from({ length: 23 }, (_, i) =>
  create(DeploymentUnitSchema, { id: `u-${String(i).padStart(3, "0")}`, packageName: "p", classKey: "c" }),
);

function manager(url: string): CrmManager {
  const config = parsePmConfig({
    OPRC_PM_CRM_CLUSTERS: "a",
    OPRC_PM_CRM_A_URL: url,
    CRM_HEALTH_CHECK_INTERVAL: "0",
    // The client alone is under test here: no REST routes, so none to authenticate.
    OPRC_PM_AUTH_DISABLED: "true",
  });
  return new CrmManager({ crm: config.crm, deploy: config.deploy });
}

describe("pm crm client: the page size a CRM names when a page is too large", function () {
  this.timeout(30_000);
  const crms: StandInCrm[] = [];
  after(async function () {
    await Promise.all(crms.map((c) => c.close()));
  });

  async function pagesAsked(pageHint: boolean): Promise<StandInCrm["listRequests"]> {
    const crm = await startStandInCrm({ status: () => ({}), list: () => held, maxPage: 4, pageHint });
    crms.push(crm);
    const m = manager(crm.url);
    try {
      const all = await listEveryPage(m, "a", {}, ctx);
      expect(all.map((u) => u.id)).to.deep.equal(held.map((u) => u.id));
      expect(m.breakerState("a")).to.equal("closed");
      return crm.listRequests;
    } finally {
      m.close();
    }
  }

  it("the PageTooLarge detail's max_limit: the next page asks exactly that many", async function () {
    expect(await pagesAsked(true)).to.deep.equal([
      { offset: 0, limit: 100 },
      ...[0, 4, 8, 12, 16, 20].map((offset) => ({ offset, limit: 4 })),
    ]);
  });

  it("no detail (an older CRM; its message still says 'limit <= 4'): half the page until one fits", async function () {
    expect(await pagesAsked(false)).to.deep.equal([
      { offset: 0, limit: 100 },
      { offset: 0, limit: 50 },
      { offset: 0, limit: 25 },
      { offset: 0, limit: 12 },
      { offset: 0, limit: 6 },
      ...[0, 3, 6, 9, 12, 15, 18, 21].map((offset) => ({ offset, limit: 3 })),
    ]);
  });
});
