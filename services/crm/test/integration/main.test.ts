// The `crm` program as a process: roles, configuration errors, and a graceful SIGTERM
// that closes open HTTP/2 sessions (a health Watch keeps one open) instead of hanging.
import fs from "node:fs";
import http2 from "node:http2";
import os from "node:os";
import path from "node:path";
import {
  createTestNamespace,
  freePort,
  startCrmProcess,
  testCluster,
  waitFor,
  type CrmProcess,
} from "@oaas/testkit";
import { expect } from "chai";
import { plannedRoles } from "../../src/roles/role-names.ts";
import { installCrd } from "../support/ingress.ts";
import { crm } from "../support/process.ts";

describe("crm program", function () {
  this.timeout(60_000);

  it("roles not built yet exit 2; unknown roles print usage and exit 2", async function () {
    for (const role of plannedRoles) {
      const planned = crm([role], {});
      expect(await planned.exited).to.equal(2);
      expect(planned.output()).to.contain(`crm ${role}: not built yet`);
    }
    const bogus = crm(["bogus"], {});
    expect(await bogus.exited).to.equal(2);
    expect(bogus.output()).to.match(
      /usage: crm <ingress\|watcher\|reconciler\|analyzer\|enforcer\|dashboard\|all\|/,
    );
  });

  it("an invalid setting exits 1 naming the variable", async function () {
    const run = crm(["ingress"], { OPRC_CRM_HTTP_PORT: "99999" });
    expect(await run.exited).to.equal(1);
    expect(run.output()).to.contain("OPRC_CRM_HTTP_PORT");
  });

  it("a tokens file it cannot read exits 1 naming the variable, before touching Kubernetes", async function () {
    const run = crm(["watcher"], { OPRC_CRM_AUTH_TOKENS_FILE: "/nonexistent/oaas-tokens" });
    expect(await run.exited).to.equal(1);
    expect(run.output()).to.contain("OPRC_CRM_AUTH_TOKENS_FILE=/nonexistent/oaas-tokens");
  });

  for (const role of ["ingress", "all"]) {
    it(`crm ${role} serves, then stops on SIGTERM with an HTTP/2 stream open`, async function () {
      const { kubeconfig, kc } = await testCluster();
      // Ready means the CRD is served: a fresh test cluster has none until a suite installs it.
      await installCrd(kc);
      const port = await freePort();
      const run = crm([role], {
        KUBECONFIG: kubeconfig,
        OPRC_CRM_HTTP_PORT: String(port),
        OPRC_CRM_K8S_NAMESPACE: "default",
      });
      try {
        await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200, {
          description: "crm to be ready",
          timeoutMs: 30_000,
        });
        const session = http2.connect(`http://127.0.0.1:${port}`);
        session.on("error", () => undefined);
        const watch = session.request({
          ":method": "POST",
          ":path": "/grpc.health.v1.Health/Watch",
          "content-type": "application/grpc",
          te: "trailers",
        });
        watch.on("error", () => undefined);
        watch.end(Buffer.from([0, 0, 0, 0, 0]));
        // The Watch must deliver its first status; a stream that ends without one fails.
        const first = await new Promise<Buffer>((resolve, reject) => {
          watch.once("data", resolve);
          watch.once("end", () => reject(new Error("the Watch stream ended without a message")));
        });
        expect(first.length, "a gRPC message (5-byte envelope and a status)").to.be.greaterThan(5);
        const started = performance.now();
        run.child.kill("SIGTERM");
        expect(await run.exited).to.equal(0);
        expect(performance.now() - started, "stopped before the 5 s grace period").to.be.below(2000);
        expect(run.output()).to.contain('"message":"ingress stopped"');
        session.destroy();
      } finally {
        if (run.child.exitCode === null) run.child.kill("SIGKILL");
      }
    });
  }

  it("crm all running open says so once per process, though its ingress, dashboard and other roles all serve", async function () {
    const { kubeconfig, kc } = await testCluster();
    await installCrd(kc);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crm-open-once-"));
    const ns = await createTestNamespace("crm-open-once");
    let all: CrmProcess | undefined;
    try {
      fs.writeFileSync(path.join(dir, "dashboard"), "sre:s3cret-0123456789\n", { mode: 0o600 });
      const dashboardPort = await freePort();
      // Profile dev with no credentials: the CRM runs open (the dashboard keeps its own users).
      all = await startCrmProcess({
        kubeconfig,
        namespace: ns.name,
        env: {
          OPRC_CRM_DASHBOARD_AUTH_FILE: path.join(dir, "dashboard"),
          OPRC_CRM_DASHBOARD_PORT: String(dashboardPort),
        },
      });
      await waitFor(
        async () =>
          (await fetch(`http://127.0.0.1:${dashboardPort}/readyz`).catch(() => undefined))?.status === 200,
        { description: "the dashboard of crm all to be ready", timeoutMs: 30_000 },
      );
      const running = all;
      const warnings = () =>
        running
          .output()
          .split("\n")
          .filter((l) => l.includes('"level":"warn"') && l.includes("no authentication configured"));
      expect(warnings()).to.have.length(1);
    } finally {
      await all?.release();
      await ns.cleanup();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
