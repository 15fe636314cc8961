// Every role's own HTTP routes with authentication configured (OPRC_CRM_AUTH_TOKENS_FILE), on
// real `crm <role>` processes against the test cluster and Redis: the probes stay open,
// /metrics wants a bearer token with the `metrics` role or higher (as controller-runtime's
// metrics endpoint), and an unknown path is the same 404 whoever asks.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { useCrmSuite } from "../support/crm-suite.ts";

const tokens = { metrics: "scrape-0123456789abcdef", viewer: "viewer-0123456789abcdef" };

describe("crm roles: /metrics needs a metrics token, probes stay open", function () {
  this.timeout(300_000);
  const suite = useCrmSuite({ namespace: "role-auth" });
  let dir: string;

  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "crm-role-auth-"));
    fs.writeFileSync(
      path.join(dir, "tokens"),
      `${tokens.metrics},prometheus,metrics\n${tokens.viewer},grafana,viewer\n`,
      { mode: 0o600 },
    );
    fs.writeFileSync(path.join(dir, "dashboard"), "sre:s3cret-pw\n", { mode: 0o600 });
  });
  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // The analyzer and the enforcer serve the same listener as the watcher and the reconciler
  // (program.ts: every role but the ingress and the dashboard); four processes keep the
  // suite within what a shared runner starts in time. `crm all` covers the ingress listener.
  it("watcher, reconciler, dashboard and all (ingress listener and dashboard): none/wrong 401, metrics/viewer 200 on /metrics; /healthz open; unknown paths 404", async function () {
    const auth = { OPRC_CRM_AUTH_TOKENS_FILE: path.join(dir, "tokens") };
    const dashboardPort = await freePort();
    const allDashboardPort = await freePort();
    const [watcher, reconciler, dashboard, all] = await Promise.all([
      suite.crm(["watcher"], auth),
      suite.crm(["reconciler"], auth),
      suite.crm(["dashboard"], {
        ...auth,
        OPRC_CRM_DASHBOARD_AUTH_FILE: path.join(dir, "dashboard"),
        OPRC_CRM_DASHBOARD_PORT: String(dashboardPort),
      }),
      // `crm all`: the ingress listener serves /metrics, the dashboard its own; one gate.
      suite.crm(["all"], {
        ...auth,
        OPRC_CRM_DASHBOARD_AUTH_FILE: path.join(dir, "dashboard"),
        OPRC_CRM_DASHBOARD_PORT: String(allDashboardPort),
      }),
    ]);
    const urls: Record<string, string> = {
      watcher: watcher.url,
      reconciler: reconciler.url,
      dashboard: `http://127.0.0.1:${dashboardPort}`,
      all: all.url,
      "all's dashboard": `http://127.0.0.1:${allDashboardPort}`,
    };
    const children = { watcher, reconciler, dashboard, all, "all's dashboard": all };
    await Promise.all(
      Object.entries(children).map(([role, crm]) =>
        waitFor(
          async () => {
            if (crm.child.exitCode !== null) throw new Error(`${role} exited:\n${crm.output().slice(-3000)}`);
            const url = urls[role] ?? "";
            return (await fetch(`${url}/healthz`).catch(() => undefined))?.status === 200;
          },
          { description: `${role} /healthz 200`, timeoutMs: 180_000, intervalMs: 250 },
        ),
      ),
    );
    const get = async (url: string, token?: string) => {
      const response = await fetch(
        url,
        token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
      );
      return {
        status: response.status,
        body: await response.text(),
        challenge: response.headers.get("www-authenticate"),
      };
    };
    for (const [role, url] of Object.entries(urls)) {
      const none = await get(`${url}/metrics`);
      expect(none.status, `${role} /metrics without a token`).to.equal(401);
      expect(none.challenge, role).to.match(/Bearer realm=/);
      expect(none.body, role).not.to.contain("# TYPE");
      expect((await get(`${url}/metrics`, "wrong-0123456789abcdef")).status, `${role} wrong token`).to.equal(
        401,
      );
      const scraped = await get(`${url}/metrics`, tokens.metrics);
      expect(scraped.status, `${role} metrics token`).to.equal(200);
      expect(scraped.body, role).to.contain("oaas_crm_auth_refusals_total");
      expect((await get(`${url}/metrics`, tokens.viewer)).status, `${role} viewer token`).to.equal(200);
      expect((await get(`${url}/healthz`)).status, `${role} /healthz`).to.equal(200);
      expect((await get(`${url}/readyz`)).status, `${role} /readyz is no 401`).not.to.equal(401);
    }
    // The plain roles' listener: an unknown path is the same 404 with or without a credential.
    for (const role of ["watcher", "reconciler", "all"]) {
      const stranger = await get(`${urls[role]}/debug/pprof`);
      const insider = await get(`${urls[role]}/debug/pprof`, tokens.viewer);
      expect([stranger.status, insider.status], role).to.deep.equal([404, 404]);
      expect(stranger.body).to.equal(insider.body);
    }
  });
});
