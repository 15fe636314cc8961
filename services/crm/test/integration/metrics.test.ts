// Every CRM role's /metrics, scraped from real `crm <role>` processes on the test
// cluster and Redis: the metric names (controller-runtime's and client-go's where one
// exists) are there, and the counters move when a Deploy goes through the pipeline.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { StatusCode } from "@oaas/proto";
import { freePort, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { useCrmSuite } from "../support/crm-suite.ts";
import { deploymentClient } from "../support/clients.ts";
// One CRM process helper for every suite (packages/testkit).
import { waitCrmChildReady as waitReady, type CrmChild as CrmProcess } from "@oaas/testkit";
import { unit } from "../support/fixtures.ts";
import { namesOf, scrape, total, type Sample } from "../support/prom-text.ts";
import { getRecord } from "../support/records.ts";

/** Names each role must expose once a Deploy went through (histograms by their _count). */
const expected: Record<string, readonly string[]> = {
  ingress: [
    "grpc_server_handled_total",
    "grpc_server_handling_seconds_count",
    "rest_client_requests_total",
    "rest_client_request_duration_seconds_count",
  ],
  watcher: [
    "leader_election_master_status",
    "workqueue_adds_total",
    "workqueue_depth",
    "oaas_informer_last_event_age_seconds",
    "rest_client_requests_total",
  ],
  reconciler: [
    "controller_runtime_reconcile_total",
    "controller_runtime_reconcile_time_seconds_count",
    "controller_runtime_reconcile_errors_total",
    "oaas_crm_reconcile_runs_total",
    "workqueue_retries_total",
    "workqueue_queue_duration_seconds_count",
    "rest_client_requests_total",
  ],
  dashboard: ["oaas_crm_dashboard_requests_total"],
};

describe("crm metrics: /metrics of every role", function () {
  this.timeout(240_000);
  const suite = useCrmSuite({ namespace: "metrics" });
  let authDir: string;

  before(function () {
    authDir = fs.mkdtempSync(path.join(os.tmpdir(), "crm-metrics-"));
  });
  after(function () {
    fs.rmSync(authDir, { recursive: true, force: true });
  });

  const crm = (role: string, extra: Record<string, string> = {}): Promise<CrmProcess> =>
    suite.crm([role], extra);

  it("each role exposes its metric names, and the counters move after a Deploy", async function () {
    const authFile = path.join(authDir, "auth");
    fs.writeFileSync(authFile, "sre:s3cret\n", { mode: 0o600 });
    const dashboardPort = await freePort();
    const [ingress, watcher, reconciler, dashboard] = await Promise.all([
      crm("ingress"),
      crm("watcher"),
      crm("reconciler"),
      crm("dashboard", {
        OPRC_CRM_DASHBOARD_AUTH_FILE: authFile,
        OPRC_CRM_DASHBOARD_PORT: String(dashboardPort),
      }),
    ]);
    const dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
    await Promise.all([waitReady(ingress), waitReady(watcher), waitReady(reconciler)]);
    await waitFor(
      async () => {
        if (dashboard.child.exitCode !== null) throw new Error(`dashboard exited:\n${dashboard.output()}`);
        return (await fetch(`${dashboardUrl}/readyz`).catch(() => undefined))?.status === 200;
      },
      { description: "dashboard /readyz 200", timeoutMs: 120_000 },
    );
    const urls: Record<string, string> = {
      ingress: ingress.url,
      watcher: watcher.url,
      reconciler: reconciler.url,
      dashboard: dashboardUrl,
    };
    const scrapeAll = async (): Promise<Record<string, Sample[]>> =>
      Object.fromEntries(
        await Promise.all(
          Object.entries(urls).map(async ([role, url]) => [role, await scrape(url)] as const),
        ),
      );
    const before = await scrapeAll();

    const id = "metrics-shop";
    const answer = await deploymentClient("grpc", ingress.url).deploy({ deploymentUnit: unit(id) });
    expect(answer.status).to.equal(StatusCode.OK);
    await waitFor(
      async () => (await getRecord(suite.kube, suite.namespace, id))?.status?.phase === "Available",
      {
        description: `record ${id} Available`,
        timeoutMs: 120_000,
        intervalMs: 500,
      },
    );
    const page = await fetch(`${dashboardUrl}/`, {
      headers: { authorization: `Basic ${Buffer.from("sre:s3cret").toString("base64")}` },
    });
    expect(page.status).to.be.below(400);

    // Counters are read at scrape time; the last reconcile may still be finishing.
    const after = await waitFor(
      async () => {
        const now = await scrapeAll();
        const moved =
          total(now["reconciler"] ?? [], "controller_runtime_reconcile_total") >
          total(before["reconciler"] ?? [], "controller_runtime_reconcile_total");
        return moved ? now : false;
      },
      { description: "reconciler counters to move", timeoutMs: 30_000, intervalMs: 500 },
    );
    for (const [role, names] of Object.entries(expected)) {
      const present = namesOf(after[role] ?? []);
      for (const name of names) expect(present.has(name), `${role} exposes ${name}`).to.equal(true);
    }
    const moved = (role: string, name: string, labels: Record<string, string> = {}) =>
      total(after[role] ?? [], name, labels) - total(before[role] ?? [], name, labels);

    expect(
      moved("ingress", "grpc_server_handled_total", { grpc_method: "Deploy", grpc_code: "OK" }),
    ).to.equal(1);
    expect(moved("ingress", "rest_client_requests_total", { method: "PATCH" }), "ingress SSA").to.be.at.least(
      1,
    );
    expect(moved("watcher", "workqueue_adds_total"), "watcher enqueued").to.be.at.least(1);
    expect(total(after["watcher"] ?? [], "leader_election_master_status"), "watcher leads").to.equal(1);
    expect(
      moved("reconciler", "rest_client_requests_total", { method: "PATCH" }),
      "reconciler applies",
    ).to.be.at.least(1);
    expect(moved("reconciler", "workqueue_queue_duration_seconds_count")).to.be.at.least(1);
    expect(moved("reconciler", "controller_runtime_reconcile_time_seconds_count")).to.be.at.least(1);
    // The Deploy's record was added: its first run is counted under that reason.
    expect(
      moved("reconciler", "oaas_crm_reconcile_runs_total", { reason: "record-added" }),
      "runs by reason",
    ).to.be.at.least(1);
    expect(moved("dashboard", "oaas_crm_dashboard_requests_total"), "dashboard request").to.be.at.least(1);
  });
});
