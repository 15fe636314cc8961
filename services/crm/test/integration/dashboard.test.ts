// The dashboard role end to end: real Redis (BullMQ queues with jobs a real Worker ran,
// one of which threw), a real API server (DeploymentRecords in a fresh namespace), the
// history written to real Redis, and a real headless Chromium that logs in, opens the
// reconcile queue, a failed job, the record page it links to and the not-Available list.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { parseCrmConfig } from "@oaas/config";
import { KubeClient } from "@oaas/kube";
import { queueNames } from "@oaas/queue";
import { createLogger, createMetrics, type Metrics } from "@oaas/telemetry";
import {
  createTestNamespace,
  testCluster,
  testRedis,
  waitFor,
  type TestNamespace,
  type TestRedis,
} from "@oaas/testkit";
import { Queue, Worker } from "bullmq";
import { expect } from "chai";
import type { Redis } from "ioredis";
import type { Browser } from "playwright-core";
import { idleTitle } from "../../src/dashboard/board.ts";
import { startDashboard, type Dashboard } from "../../src/dashboard/index.ts";
import { createCrmAuth } from "../../src/process/gate.ts";
import { unconsumedQueues } from "../../src/roles/role-names.ts";
import { launchChromium, putRecordWithStatus, testOutputDir } from "../support/dashboard.ts";
import { installCrd } from "../support/ingress.ts";
import { redisTestHistory } from "../support/redis-history.ts";

/** RFC 3339 with milliseconds, `seconds` before now. */
const ago = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString();
const xss = `<script>window.__pwned = true</script><img src=x onerror="window.__pwned=true">`;
const user = "sre";
const password = "correct horse:battery staple";
const token = "t0k3n-for-tools";
/** An explicit admin of the read-only dashboard (a line without `[role]` is a viewer there). */
const admin = { user: "ops", password: "ops-Pa55word" };

describe("crm dashboard (real Redis, API server and Chromium)", function () {
  this.timeout(180_000);
  let ns: TestNamespace;
  let redisServer: TestRedis;
  let redis: Redis;
  let kube: KubeClient;
  let queue: Queue;
  let metrics: Metrics;
  let dashboard: Dashboard;
  let writable: Dashboard | undefined;
  let browser: Browser;
  let authDir: string;
  let outDir: string;
  let failedJobId: string;
  const logText: string[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  const base = () => `http://127.0.0.1:${dashboard.port}/ops/crm/`;
  const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString("base64")}`;

  before(async function () {
    outDir = testOutputDir("dashboard");
    const { kc } = await testCluster();
    await installCrd(kc);
    kube = await KubeClient.create(kc);
    cleanups.push(() => kube.close());
    ns = await createTestNamespace("dash");
    cleanups.push(() => ns.cleanup());
    await putRecordWithStatus(kube, ns.name, "shop", [
      {
        type: "Available",
        status: "False",
        reason: "ImagePullFailed",
        message: `image not found; ${xss}`,
        observedGeneration: 1,
      },
      {
        type: "Progressing",
        status: "False",
        reason: "ImagePullFailed",
        message: "rollout stalled",
        observedGeneration: 1,
      },
      {
        type: "Degraded",
        status: "True",
        reason: "ImagePullFailed",
        message: `image not found; ${xss}`,
        observedGeneration: 1,
      },
    ]);
    await putRecordWithStatus(kube, ns.name, "healthy", [
      {
        type: "Available",
        status: "True",
        reason: "Ready",
        message: "1 of 1 function ready",
        observedGeneration: 1,
      },
      {
        type: "Progressing",
        status: "False",
        reason: "RolloutComplete",
        message: "done",
        observedGeneration: 1,
      },
      { type: "Degraded", status: "False", reason: "NoProblems", message: "", observedGeneration: 1 },
    ]);

    redisServer = await testRedis();
    cleanups.push(() => redisServer.cleanup());
    redis = redisServer.connect();
    queue = new Queue(queueNames.reconcile, { connection: redis, prefix: redisServer.prefix });
    cleanups.push(() => queue.close());
    for (const name of ["healthy", "shop", "healthy"])
      await queue.add("reconcile", {
        namespace: ns.name,
        name,
        uid: "u-1",
        reason: "resync",
        correlationId: "corr-1",
      });
    // A real worker; it throws for "shop" so that job fails (attempts: 1, BullMQ's default).
    const worker = new Worker(
      queueNames.reconcile,
      (job) => {
        const data = job.data as { name: string };
        if (data.name === "shop")
          return Promise.reject(new Error("reconcile failed: image ghcr.io/oaas/example:1 not found"));
        return Promise.resolve("done");
      },
      { connection: redisServer.connect(), prefix: redisServer.prefix },
    );
    await waitFor(
      async () => {
        const counts = await queue.getJobCounts("failed", "completed");
        return counts["failed"] === 1 && counts["completed"] === 2;
      },
      { description: "one failed and two completed reconcile jobs", timeoutMs: 30_000 },
    );
    await worker.close();
    const [failed] = await queue.getFailed();
    if (!failed?.id) throw new Error("no failed job");
    failedJobId = failed.id;

    const history = redisTestHistory(redis, redisServer.prefix);
    await history.append(ns.name, "shop", {
      type: "accepted",
      time: ago(600),
      message: "accepted from Deploy",
      correlationId: "corr-1",
    });
    await history.append(ns.name, "shop", {
      type: "applied",
      time: ago(599),
      message: "applied 2 objects",
      objects: ["Deployment/shop-fn", "Service/shop-fn"],
      generation: 1,
      workerId: "reconciler-a-1",
    });
    await history.append(ns.name, "shop", {
      type: "failed",
      time: ago(595),
      reason: "ImagePullFailed",
      message: `pull failed ${xss}`,
      correlationId: "corr-1",
    });

    authDir = fs.mkdtempSync(path.join(os.tmpdir(), "oaas-dashboard-auth-"));
    cleanups.push(() => fs.promises.rm(authDir, { recursive: true, force: true }));
    fs.writeFileSync(
      path.join(authDir, "credentials"),
      `# test credentials\n${user}:${password}\ntoken:${token}\n[admin] ${admin.user}:${admin.password}\n`,
      { mode: 0o600 },
    );
    const logger = createLogger({
      service: "crm-dashboard-test",
      level: "debug",
      stream: new Writable({
        write(chunk: Buffer, _encoding, done) {
          logText.push(chunk.toString("utf8"));
          done();
        },
      }),
    });
    metrics = createMetrics({ serviceName: "oaas-crm-dashboard-test" });
    cleanups.push(() => metrics.shutdown());
    // Profile dev with nothing configured: the CRM runs open, the dashboard still wants its credentials.
    const auth = await createCrmAuth(parseCrmConfig({ OPRC_CRM_PROFILE: "dev" }), logger, metrics);
    const deps = {
      redis,
      prefix: redisServer.prefix,
      queueNames: Object.values(queueNames),
      idleQueues: unconsumedQueues(),
      history,
      kube,
      namespaces: [ns.name],
      logger,
      metrics,
      auth,
    };
    dashboard = await startDashboard({
      ...deps,
      options: {
        port: 0,
        host: "127.0.0.1",
        basePath: "/ops/crm",
        authFile: path.join(authDir, "credentials"),
        authRecheckMs: 100,
      },
    });
    cleanups.push(() => dashboard.close());
    writable = await startDashboard({
      ...deps,
      options: {
        port: 0,
        host: "127.0.0.1",
        basePath: "/",
        authFile: path.join(authDir, "credentials"),
        readOnly: false,
      },
    });
    const started = writable;
    cleanups.push(() => started.close());
    browser = await launchChromium();
    cleanups.push(() => browser.close());
  });

  after(async function () {
    // What before() made, undone in reverse order, even when before() failed half-way.
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("an SRE logs in, sees the reconcile queue's jobs, opens the failed one and follows it to the record's history", async function () {
    const context = await browser.newContext({ httpCredentials: { username: user, password } });
    const page = await context.newPage();
    // Every request the page makes, to check that none leaves the process (no CDN, no fonts).
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    try {
      const first = await page.goto(base());
      expect(first?.status()).to.equal(200);
      // The overview lists every CRM queue; the reconcile queue holds the jobs added above.
      for (const name of Object.values(queueNames))
        await page.getByRole("link", { name, exact: true }).first().waitFor({ timeout: 20_000 });
      // Queues whose role is not built say so, instead of Bull Board's "No workers".
      for (const [queue, why] of unconsumedQueues())
        await page.getByText(idleTitle(queue, why)).first().waitFor({ timeout: 20_000 });
      await page.screenshot({ path: path.join(outDir, "0-queues.png"), fullPage: true });
      // Every queue of a built role: no worker of any runs in this test.
      expect(await page.getByText("No workers").count()).to.equal(
        Object.keys(queueNames).length - unconsumedQueues().size,
      );
      for (const [queue, why] of unconsumedQueues()) {
        expect(why).to.match(/^(analyzer|enforcer) not built\/enabled/);
        await page.goto(`${base()}queue/${queue}`);
        await page.getByText(why).first().waitFor({ timeout: 20_000 });
        expect(await page.getByText("No workers").count(), queue).to.equal(0);
      }
      await page.goto(`${base()}queue/reconcile`);
      // No reconciler runs in this test: that queue warns, as it should.
      await page.getByText("No workers").first().waitFor({ timeout: 20_000 });
      await page.goto(`${base()}queue/reconcile?status=completed`);
      await page.getByText("#1", { exact: true }).first().waitFor({ timeout: 20_000 });
      await page.goto(`${base()}queue/reconcile?status=failed`);
      await page.getByText(`#${failedJobId}`).first().waitFor({ timeout: 20_000 });
      await page.screenshot({ path: path.join(outDir, "1-failed-jobs.png"), fullPage: true });
      await page.goto(`${base()}queue/reconcile/${failedJobId}`);
      await page
        .getByText("reconcile failed: image ghcr.io/oaas/example:1 not found")
        .first()
        .waitFor({ timeout: 20_000 });
      await page.screenshot({ path: path.join(outDir, "2-failed-job.png"), fullPage: true });

      // The job view links to the record's page (Bull Board opens such links in a new tab).
      const link = page.getByRole("link", { name: `Record ${ns.name}/shop: status and history` });
      const href = await link.getAttribute("href");
      expect(href).to.equal(`/ops/crm/records/${ns.name}/shop`);
      const recordResponse = await page.goto(new URL(href ?? "", page.url()).toString());
      expect(recordResponse?.status()).to.equal(200);
      expect(await page.locator("#phase").innerText()).to.equal("Degraded");
      expect(await page.locator("#reason").innerText()).to.equal("ImagePullFailed");
      const conditions = await page.locator("#conditions").innerText();
      expect(conditions).to.contain("Available").and.to.contain("ImagePullFailed").and.to.contain("<script>");
      const history = await page.locator("#history tr").allInnerTexts();
      expect(history).to.have.length(4); // header + 3 entries, newest first
      expect(history[1]).to.contain("failed").and.to.contain("pull failed <script>");
      expect(history[2]).to.contain("applied 2 objects").and.to.contain("Deployment/shop-fn");
      expect(history[3]).to.contain("accepted from Deploy").and.to.contain("corr-1");
      await page.screenshot({ path: path.join(outDir, "3-record-history.png"), fullPage: true });

      await page.getByRole("link", { name: "Records not Available" }).click();
      const list = await page.locator("#records").innerText();
      expect(list).to.contain("shop").and.to.contain("ImagePullFailed").and.to.contain("image not found");
      expect(list).not.to.contain("healthy");
      await page.screenshot({ path: path.join(outDir, "4-not-available.png"), fullPage: true });

      // Record fields were shown as text: no injected script or handler ran.
      expect(await page.evaluate(() => (globalThis as { __pwned?: boolean }).__pwned)).to.equal(undefined);
      expect(dialogs).to.deep.equal([]);
      // Every asset came from the dashboard process: nothing left 127.0.0.1.
      expect(requested.length).to.be.greaterThan(5);
      expect(requested.filter((url) => new URL(url).hostname !== "127.0.0.1")).to.deep.equal([]);
    } finally {
      await context.close();
    }
    for (const shot of ["1-failed-jobs", "2-failed-job", "3-record-history", "4-not-available"])
      expect(fs.statSync(path.join(outDir, `${shot}.png`)).size).to.be.greaterThan(5_000);
  });

  it("a wrong password gets 401 in the browser and from tools; the right ones and the token get in", async function () {
    const context = await browser.newContext({ httpCredentials: { username: user, password: "wrong" } });
    try {
      const page = await context.newPage();
      const response = await page.goto(base());
      expect(response?.status()).to.equal(401);
    } finally {
      await context.close();
    }
    const get = (authorization?: string) =>
      fetch(`${base()}api/queues`, authorization ? { headers: { authorization } } : {});
    const none = await get();
    expect(none.status).to.equal(401);
    expect(none.headers.get("www-authenticate")).to.match(/^Basic realm=/);
    expect((await get(basic(user, "wrong"))).status).to.equal(401);
    expect((await get(basic("nobody", password))).status).to.equal(401);
    expect((await get("Bearer not-the-token")).status).to.equal(401);
    expect((await fetch(`${base()}records`)).status).to.equal(401);
    expect((await get(basic(user, password))).status).to.equal(200);
    expect((await get(`Bearer ${token}`)).status).to.equal(200);
    // The secrets never reach the logs.
    const logs = logText.join("");
    expect(logs).not.to.contain(password);
    expect(logs).not.to.contain(token);
    expect(logs).not.to.contain(Buffer.from(`${user}:${password}`).toString("base64"));
  });

  it("read-only by default: retrying the failed job is refused (viewer 403, admin 405) and the job stays failed", async function () {
    const retry = (authorization: string) =>
      fetch(`${base()}api/queues/${queueNames.reconcile}/${failedJobId}/retry`, {
        method: "PUT",
        headers: { authorization, origin: `http://127.0.0.1:${dashboard.port}` },
      });
    const viewer = await retry(basic(user, password));
    expect(viewer.status).to.equal(403);
    expect(await viewer.text()).to.contain("needs the admin role");
    expect((await retry(basic(admin.user, admin.password))).status).to.equal(405);
    expect(await (await queue.getJob(failedJobId))?.getState()).to.equal("failed");
  });

  it("with writes enabled, a cross-site retry is refused (403) and a same-origin one retries the job", async function () {
    if (!writable) throw new Error("writable dashboard not started");
    const url = `http://127.0.0.1:${writable.port}/api/queues/${queueNames.reconcile}/${failedJobId}/retry`;
    const crossSite = await fetch(url, {
      method: "PUT",
      headers: { authorization: basic(user, password), origin: "https://evil.example" },
    });
    expect(crossSite.status).to.equal(403);
    expect(await (await queue.getJob(failedJobId))?.getState()).to.equal("failed");
    const sameOrigin = await fetch(url, {
      method: "PUT",
      headers: { authorization: basic(user, password), origin: `http://127.0.0.1:${writable.port}` },
    });
    expect(sameOrigin.status).to.equal(204);
    expect(await (await queue.getJob(failedJobId))?.getState()).to.equal("waiting");
  });

  it("serves /healthz, /readyz and /metrics without credentials", async function () {
    const root = `http://127.0.0.1:${dashboard.port}`;
    expect((await fetch(`${root}/healthz`)).status).to.equal(200);
    const ready = await fetch(`${root}/readyz`);
    expect(ready.status).to.equal(200);
    expect(await ready.json()).to.deep.equal({ ready: true, reason: "ok" });
    const text = await (await fetch(`${root}/metrics`)).text();
    expect(text).to.match(/oaas_crm_dashboard_requests_total\{[^}]*code="401"[^}]*\} [1-9]/);
    expect(text).to.match(
      /oaas_crm_auth_refusals_total\{(?=[^}]*refusal="unauthenticated")(?=[^}]*reason="unknown")[^}]*\} [1-9]/,
    );
    expect(text).to.match(
      /oaas_crm_auth_refusals_total\{(?=[^}]*refusal="forbidden")(?=[^}]*reason="role")[^}]*\} [1-9]/,
    );
  });

  it("picks up rotated credentials from the file", async function () {
    const file = path.join(authDir, "credentials");
    fs.writeFileSync(file, `${user}:rotated\n`);
    const get = (p: string) => fetch(`${base()}records`, { headers: { authorization: basic(user, p) } });
    await waitFor(async () => (await get("rotated")).status === 200, {
      description: "the rotated password accepted",
      timeoutMs: 10_000,
    });
    expect((await get(password)).status).to.equal(401);
    fs.writeFileSync(file, `${user}:${password}\ntoken:${token}\n[admin] ${admin.user}:${admin.password}\n`);
  });
});
