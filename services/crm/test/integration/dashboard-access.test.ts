// Who may use which dashboard route, over HTTP against a real dashboard (real Redis, real API
// server): every route the Fastify server registered (its own and Bull Board's, read from the
// server, not a hand list) has a declared need, and is answered accordingly for no
// credential, wrong ones, a metrics token, viewers and admins, by Basic and by bearer.
// Also: the CRM tokens file rotated reaches the dashboard within 2 s, and writes leave
// audit lines naming who did what.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { failedAuthLimiter } from "@oaas/auth";
import { parseCrmConfig } from "@oaas/config";
import { KubeClient } from "@oaas/kube";
import { queueNames } from "@oaas/queue";
import { createLogger, createMetrics } from "@oaas/telemetry";
import { createTestNamespace, testCluster, testRedis, waitFor, type TestRedis } from "@oaas/testkit";
import { Queue } from "bullmq";
import { expect } from "chai";
import type { Redis } from "ioredis";
import { startDashboard, type Dashboard } from "../../src/dashboard/index.ts";
import { createCrmAuth } from "../../src/process/gate.ts";
import { installCrd } from "../support/ingress.ts";
import { redisTestHistory } from "../support/redis-history.ts";

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
const bearer = (token: string) => `Bearer ${token}`;
const tokens = {
  metrics: "scrape-0123456789abcdef",
  viewer: "viewer-0123456789abcdef",
  admin: "admin-0123456789abcdefgh",
  rotated: "rotated-0123456789abcdef",
  otherTeam: "team-b-0123456789abcdef",
};
const tokensFile = (viewerToken: string) =>
  `${tokens.metrics},prometheus,metrics\n${viewerToken},grafana,viewer\n${tokens.admin},root,admin\n${tokens.otherTeam},team-b,viewer,team-b\n`;

describe("crm dashboard access: every route's need, over HTTP", function () {
  this.timeout(120_000);
  let redisServer: TestRedis;
  let redis: Redis;
  let dashboard: Dashboard;
  let dir: string;
  let namespace: string;
  const logLines: Record<string, unknown>[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];

  before(async function () {
    const { kc } = await testCluster();
    await installCrd(kc);
    const kube = await KubeClient.create(kc);
    cleanups.push(() => kube.close());
    const ns = await createTestNamespace("dash-access");
    cleanups.push(() => ns.cleanup());
    namespace = ns.name;
    redisServer = await testRedis();
    cleanups.push(() => redisServer.cleanup());
    redis = redisServer.connect();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "oaas-dashboard-access-"));
    cleanups.push(() => fs.promises.rm(dir, { recursive: true, force: true }));
    fs.writeFileSync(path.join(dir, "tokens"), tokensFile(tokens.viewer), { mode: 0o600 });
    // Writes are enabled: a line without `[role]` (ops) is an admin, as before roles existed.
    fs.writeFileSync(
      path.join(dir, "users"),
      "[viewer] sre:viewer-pw\nops:admin-pw\n[admin] token:file-admin-tok\n",
      {
        mode: 0o600,
      },
    );
    const logger = createLogger({
      service: "crm-dashboard-access-test",
      level: "info",
      stream: new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (const line of chunk.toString("utf8").split("\n"))
            if (line.trim() !== "") logLines.push(JSON.parse(line) as Record<string, unknown>);
          done();
        },
      }),
    });
    const metrics = createMetrics({ serviceName: "oaas-crm-dashboard-access-test" });
    cleanups.push(() => metrics.shutdown());
    const config = parseCrmConfig({
      OPRC_CRM_PROFILE: "dev",
      OPRC_CRM_AUTH_TOKENS_FILE: path.join(dir, "tokens"),
    });
    const auth = await createCrmAuth(config, logger, metrics);
    dashboard = await startDashboard({
      redis,
      prefix: redisServer.prefix,
      queueNames: Object.values(queueNames),
      history: redisTestHistory(redis, redisServer.prefix),
      kube,
      namespaces: [namespace],
      logger,
      metrics,
      // The inventory sends hundreds of refused requests from one address: throttling is
      // @oaas/auth's own test, here every refusal must be the plain 401.
      auth: { ...auth, limiter: failedAuthLimiter({ burst: 100_000 }) },
      options: {
        port: 0,
        host: "127.0.0.1",
        basePath: "/ops/crm",
        authFile: path.join(dir, "users"),
        readOnly: false,
      },
    });
    cleanups.push(() => dashboard.close());
  });

  after(async function () {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("every route the server registered (its own and Bull Board's) declares its need", function () {
    expect(dashboard.routes.length, "routes seen by onRoute").to.be.greaterThan(40);
    const undeclared = dashboard.routes
      .filter((r) => r.need === undefined)
      .map((r) => `${r.method} ${r.url}`);
    expect(undeclared).to.deep.equal([]);
    const needOf = (method: string, url: string) =>
      dashboard.routes.find((r) => r.method === method && r.url === url)?.need;
    expect(needOf("GET", "/healthz")).to.equal("public");
    expect(needOf("GET", "/metrics")).to.equal("metrics");
    expect(needOf("GET", "/ops/crm/records")).to.equal("viewer");
    expect(needOf("PUT", "/ops/crm/api/queues/:queueName/:jobId/retry")).to.equal("admin");
    // Every write is admin's; every read at least a viewer's unless it is a probe or /metrics.
    for (const route of dashboard.routes)
      if (!["GET", "HEAD"].includes(route.method)) expect(route.need, route.url).to.equal("admin");
  });

  it("answers each route by its need: none and wrong 401 (Basic challenge), too low 403, enough passes", async function () {
    const origin = `http://127.0.0.1:${dashboard.port}`;
    const concrete = (url: string, write: boolean) =>
      url
        .replace(":queueName", write ? "no-such-queue" : queueNames.reconcile)
        .replace(":jobId", "1")
        .replace(":queueStatus", "failed")
        .replace(":schedulerId", "none")
        .replace(":namespace", namespace)
        .replace(":name", "missing")
        .replace("*", "nothing.js");
    const credentials: Record<string, string | undefined> = {
      none: undefined,
      "wrong basic": basic("sre", "not-it"),
      "wrong bearer": bearer("not-a-token-0123456789"),
      "metrics token": bearer(tokens.metrics),
      "viewer basic": basic("sre", "viewer-pw"),
      "viewer token": bearer(tokens.viewer),
      "admin basic": basic("ops", "admin-pw"),
      "admin token": bearer(tokens.admin),
      "admin file token": bearer("file-admin-tok"),
    };
    const rank: Record<string, number> = { none: -1, wrong: -1, metrics: 0, viewer: 1, admin: 3 };
    const needRank: Record<string, number> = { metrics: 0, viewer: 1, deployer: 2, admin: 3 };
    const problems: string[] = [];
    let checked = 0;
    for (const route of dashboard.routes) {
      const write = !["GET", "HEAD"].includes(route.method);
      const url = `${origin}${concrete(route.url, write)}`;
      for (const [who, authorization] of Object.entries(credentials)) {
        const response = await fetch(url, {
          method: route.method,
          headers: { ...(authorization ? { authorization } : {}), origin },
        });
        await response.arrayBuffer();
        checked += 1;
        const level = rank[who.split(" ")[0] ?? ""] ?? -1;
        // The metrics route is every role's: the CRM's tokens, not the dashboard's Basic users.
        const known =
          route.need === "metrics" ? who.endsWith("token") && who !== "admin file token" : level >= 0;
        let want: string;
        if (route.need === "public") want = "pass";
        else if (!known) want = "401";
        else want = level >= (needRank[route.need ?? "admin"] ?? 3) ? "pass" : "403";
        const got = response.status === 401 || response.status === 403 ? String(response.status) : "pass";
        if (got !== want)
          problems.push(`${route.method} ${route.url} as ${who}: ${response.status}, want ${want}`);
        if (
          got === "401" &&
          route.need !== "metrics" &&
          !/^Basic realm=/.test(response.headers.get("www-authenticate") ?? "")
        )
          problems.push(`${route.method} ${route.url} as ${who}: 401 without a Basic challenge`);
      }
    }
    expect(problems).to.deep.equal([]);
    expect(checked).to.be.greaterThan(400);
  });

  it("an unknown path answers 401 without a credential and 404 with one: nothing revealed to strangers", async function () {
    const origin = `http://127.0.0.1:${dashboard.port}`;
    expect((await fetch(`${origin}/ops/crm/secret-admin-page`)).status).to.equal(401);
    expect((await fetch(`${origin}/nothing-here`)).status).to.equal(401);
    const known = await fetch(`${origin}/ops/crm/secret-admin-page`, {
      headers: { authorization: basic("sre", "viewer-pw") },
    });
    expect(known.status).to.equal(404);
  });

  it("a token limited to other namespaces cannot open a record page of this one (403, whether or not the record exists)", async function () {
    const page = (name: string, token: string) =>
      fetch(`http://127.0.0.1:${dashboard.port}/ops/crm/records/${namespace}/${name}`, {
        headers: { authorization: bearer(token) },
      });
    for (const name of ["missing", "also-missing"]) {
      const refused = await page(name, tokens.otherTeam);
      expect(refused.status).to.equal(403);
      expect(await refused.text()).to.equal(`team-b may not act in namespace ${namespace}\n`);
    }
    expect((await page("missing", tokens.viewer)).status).to.equal(404);
  });

  it("a rotated CRM tokens file reaches the dashboard within 2 s, without a restart", async function () {
    const url = `http://127.0.0.1:${dashboard.port}/ops/crm/api/queues`;
    const status = async (token: string) =>
      (await fetch(url, { headers: { authorization: bearer(token) } })).status;
    expect(await status(tokens.viewer)).to.equal(200);
    expect(await status(tokens.rotated)).to.equal(401);
    // A kubelet Secret update: a new file swapped in (a new inode).
    fs.writeFileSync(path.join(dir, "tokens.new"), tokensFile(tokens.rotated), { mode: 0o600 });
    fs.renameSync(path.join(dir, "tokens.new"), path.join(dir, "tokens"));
    const started = performance.now();
    await waitFor(async () => (await status(tokens.rotated)) === 200, {
      description: "the rotated token accepted",
      timeoutMs: 2_500,
      intervalMs: 50,
    });
    expect(performance.now() - started, "ms until the new token works").to.be.below(2_300);
    expect(await status(tokens.viewer)).to.equal(401);
  });

  it("every write leaves one audit line: who, what, which queue or job, how it ended", async function () {
    const queue = new Queue(queueNames.reconcile, { connection: redis, prefix: redisServer.prefix });
    try {
      const job = await queue.add("reconcile", { namespace, name: "a" }, { delay: 3_600_000 });
      const url = `http://127.0.0.1:${dashboard.port}/ops/crm/api/queues/${queueNames.reconcile}/${job.id}/promote`;
      const origin = `http://127.0.0.1:${dashboard.port}`;
      const denied = await fetch(url, {
        method: "PUT",
        headers: { authorization: bearer(tokens.rotated), origin },
      });
      expect(denied.status).to.equal(403);
      const done = await fetch(url, {
        method: "PUT",
        headers: { authorization: basic("ops", "admin-pw"), origin },
      });
      expect(done.status).to.be.below(300);
      expect(await (await queue.getJob(job.id ?? ""))?.getState()).to.equal("waiting");
      const audits = logLines
        .filter((line) => line["message"] === "audit" && line["object"] === `queue/reconcile/job/${job.id}`)
        .map(({ principal, role, auth_method, action, outcome, code }) => ({
          principal,
          role,
          auth_method,
          action,
          outcome,
          code,
        }));
      expect(audits).to.deep.equal([
        {
          principal: "grafana",
          role: "viewer",
          auth_method: "token",
          action: "PUT api/queues/:queueName/:jobId/promote",
          outcome: "denied",
          code: "403",
        },
        {
          principal: "ops",
          role: "admin",
          auth_method: "basic",
          action: "PUT api/queues/:queueName/:jobId/promote",
          outcome: "succeeded",
          code: String(done.status),
        },
      ]);
      const text = JSON.stringify(logLines);
      for (const secret of [...Object.values(tokens), "admin-pw", "viewer-pw", "file-admin-tok"])
        expect(text, "no secret in the logs").not.to.contain(secret);
    } finally {
      await queue.close();
    }
  });
});
