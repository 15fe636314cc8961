// Audit lines and refusal metrics: a scripted sequence of writes by two principals (plus a
// viewer and a caller without credentials who are refused) yields exactly one audit line
// per write, naming who, what, on which object, how it ended and the correlation id; reads
// yield none. Refusals are counted by refusal and reason on /metrics.
import { openWarningIntervalMs, type Repeater } from "@oaas/auth";
import { freePort } from "@oaas/testkit";
import { expect } from "chai";
import { shopPackage } from "../support/fixtures.ts";
import { bearer, startTestPm, testTokens, type TestPm } from "../support/pm.ts";

interface AuditLine {
  message: string;
  principal: string;
  role: string;
  action: string;
  object: string;
  outcome: string;
  code: string;
  correlation_id: string;
}

describe("pm auth: audit lines and refusal metrics", function () {
  this.timeout(30_000);
  let pm: TestPm;
  before(async function () {
    pm = await startTestPm();
  });
  after(async function () {
    await pm.close();
  });

  it("one line per write, naming exactly the principals and actions of the sequence", async function () {
    const as = (token: string) => ({ authorization: token === "" ? "" : bearer(token) });
    const steps = [
      ["POST", "/api/v1/packages", shopPackage("audited"), as(testTokens.admin), 201],
      ["GET", "/api/v1/packages/audited", undefined, as(testTokens.deployer), 200],
      ["POST", "/api/v1/packages/audited", shopPackage("audited"), as(testTokens.deployer), 200],
      ["DELETE", "/api/v1/packages/audited", undefined, as(testTokens.viewer), 403],
      ["POST", "/api/v1/packages", shopPackage("sneaky"), as(""), 401],
      ["POST", "/api/v1/packages", { name: 7 }, as(testTokens.deployer), 400],
      ["DELETE", "/api/v1/packages/audited", undefined, as(testTokens.deployer), 204],
    ] as const;
    const ids: string[] = [];
    for (const [method, path, body, headers, want] of steps) {
      const answer = await pm.request(method, path, body, headers);
      expect(answer.status, `${method} ${path}: ${answer.text}`).to.equal(want);
      if (method !== "GET") ids.push(answer.headers.get("x-correlation-id") ?? "");
    }
    const audit = pm.logs.filter((l) => l.message === "audit") as unknown as AuditLine[];
    const rows = audit.map((l) => [l.principal, l.role, l.action, l.object, l.outcome, l.code]);
    expect(rows).to.deep.equal([
      ["admin", "admin", "POST /api/v1/packages", "package/audited", "succeeded", "201"],
      ["deployer", "deployer", "POST /api/v1/packages/:name", "package/audited", "succeeded", "200"],
      ["viewer", "viewer", "DELETE /api/v1/packages/:name", "package/audited", "denied", "403"],
      ["unauthenticated", "-", "POST /api/v1/packages", "package/-", "denied", "401"],
      ["deployer", "deployer", "POST /api/v1/packages", "package/-", "failed", "400"],
      ["deployer", "deployer", "DELETE /api/v1/packages/:name", "package/audited", "succeeded", "204"],
    ]);
    expect(audit.map((l) => l.correlation_id)).to.deep.equal(ids);
    for (const token of Object.values(testTokens)) expect(JSON.stringify(pm.logs)).not.to.contain(token);
  });

  it("counts refusals by refusal and reason; /metrics needs the metrics role", async function () {
    expect((await pm.request("GET", "/metrics", undefined, { authorization: "" })).status).to.equal(401);
    await pm.request("GET", "/api/v1/packages", undefined, {
      authorization: "Bearer nope-0123456789abcdef0123",
    });
    await pm.request("GET", "/api/v1/packages", undefined, { authorization: bearer(testTokens.metrics) });
    // A write by a principal limited to namespaces: 403 from the PM's own namespace rule.
    const scoped = await pm.request("POST", "/api/v1/packages", shopPackage("scoped"), {
      authorization: bearer(testTokens.scoped),
    });
    expect(scoped.status, scoped.text).to.equal(403);
    const scrape = await pm.request("GET", "/metrics", undefined, {
      authorization: bearer(testTokens.metrics),
    });
    expect(scrape.status).to.equal(200);
    const count = (labels: string) =>
      Number(
        new RegExp(`^oaas_auth_refusals_total\\{${labels}[,}].* (\\d+)$`, "m").exec(scrape.text)?.[1] ?? "0",
      );
    expect(count('refusal="unauthenticated",reason="missing"')).to.be.greaterThan(0);
    expect(count('refusal="unauthenticated",reason="unknown"')).to.be.greaterThan(0);
    expect(count('refusal="forbidden",reason="role"')).to.be.greaterThan(0);
    expect(count('refusal="forbidden",reason="namespace"')).to.equal(1);
  });
});

describe("pm auth: /metrics on its own port (METRICS_PORT)", function () {
  this.timeout(30_000);
  it("needs the metrics role there too", async function () {
    const port = await freePort();
    const pm = await startTestPm({ METRICS_PORT: String(port) });
    try {
      const url = `http://127.0.0.1:${port}/metrics`;
      const none = await fetch(url);
      expect(none.status).to.equal(401);
      expect(none.headers.get("www-authenticate")).to.match(/^Bearer realm=/);
      const viewer = await fetch(url, { headers: { authorization: bearer(testTokens.viewer) } });
      expect(viewer.status).to.equal(200);
      // The refusal just above, counted by the one gate.
      expect(await viewer.text()).to.contain(
        'oaas_auth_refusals_total{refusal="unauthenticated",reason="missing"',
      );
    } finally {
      await pm.close();
    }
  });
});

describe("pm auth: running open is said at startup and every hour after", function () {
  this.timeout(30_000);
  it("warns once at startup, once per tick of its hourly timer (injected), and stops on close", async function () {
    // The timer is injected: the test fires the hourly ticks instead of waiting an hour.
    let tick: (() => void) | undefined;
    let everyMs: number | undefined;
    let stopped = false;
    const repeat: Repeater = (fn, ms) => {
      tick = fn;
      everyMs = ms;
      return () => (stopped = true);
    };
    const pm = await startTestPm({ OPRC_PM_AUTH_DISABLED: "true" }, { openWarningRepeat: repeat });
    const warnings = () =>
      pm.logs.filter((l) => l.level === "warn" && l.message.startsWith("authentication is disabled"));
    try {
      expect(warnings()).to.have.length(1);
      expect(everyMs).to.equal(openWarningIntervalMs).and.to.equal(3_600_000);
      tick?.();
      tick?.();
      expect(warnings()).to.have.length(3);
      expect(warnings()[2]).to.include({ setting: "OPRC_PM_AUTH_DISABLED=true" });
    } finally {
      await pm.close();
    }
    expect(stopped, "the timer is stopped with the PM").to.equal(true);
  });
});
