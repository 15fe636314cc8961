// A role's health and metrics listener (roles/health-server.ts) with the process gate built
// from real settings (process/gate.ts): /metrics wants a token with `metrics` or higher when
// a tokens file is configured and stays open while the CRM runs open (profile dev with
// nothing configured, or OPRC_CRM_AUTH_DISABLED=true). A real HTTP listener on 127.0.0.1;
// readiness is a fixed answer (what it checks is the API server's business, tested elsewhere).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { parseCrmConfig } from "@oaas/config";
import { createLogger, createMetrics } from "@oaas/telemetry";
import { expect } from "chai";
import { createCrmAuth, warnOpen } from "../../src/process/gate.ts";
import { startHealthServer, type HealthServer } from "../../src/roles/health-server.ts";

const metricsToken = "scrape-0123456789abcdef";

describe("role health server: /metrics behind the process gate", function () {
  let dir: string;
  const servers: HealthServer[] = [];
  const logs: string[] = [];
  const logger = createLogger({
    service: "health-server-auth-test",
    level: "info",
    stream: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString("utf8"));
        done();
      },
    }),
  });

  before(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "crm-health-auth-"));
    fs.writeFileSync(path.join(dir, "tokens"), `${metricsToken},prometheus,metrics\n`, { mode: 0o600 });
  });
  after(async function () {
    await Promise.all(servers.map((server) => server.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const serve = async (env: Record<string, string>) => {
    const metrics = createMetrics({ serviceName: "health-server-auth-test" });
    const config = parseCrmConfig(env);
    const auth = await createCrmAuth(config, logger, metrics);
    // As the program does once per process (no hourly timer here: crm-gate.test.ts fires it).
    warnOpen(config, logger, () => () => undefined);
    const server = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      readiness: { check: () => Promise.resolve({ ready: true, reason: "ok" }), stop: () => undefined },
      metrics,
      gate: auth.gate,
    });
    servers.push(server);
    return `http://127.0.0.1:${server.port}`;
  };
  const status = async (url: string, authorization?: string, method = "GET") =>
    (await fetch(url, { method, ...(authorization ? { headers: { authorization } } : {}) })).status;

  const rows: { name: string; env: Record<string, string>; want: Record<string, number> }[] = [
    {
      name: "a tokens file configured",
      env: { OPRC_CRM_PROFILE: "dev", OPRC_CRM_AUTH_TOKENS_FILE: "tokens" },
      want: { none: 401, wrong: 401, metrics: 200, basic: 401, head: 401 },
    },
    {
      name: "profile dev with nothing configured (open)",
      env: { OPRC_CRM_PROFILE: "dev" },
      want: { none: 200, wrong: 200, metrics: 200, basic: 200, head: 200 },
    },
    {
      name: "profile full with authentication disabled on purpose (open)",
      env: {
        OPRC_CRM_PROFILE: "full",
        OPRC_CRM_AUTH_DISABLED: "true",
        OPRC_CRM_SECURITY_MTLS: "false",
        OPRC_CRM_FEATURES_PROMETHEUS: "false",
      },
      want: { none: 200, wrong: 200, metrics: 200, basic: 200, head: 200 },
    },
  ];
  for (const row of rows)
    it(`with ${row.name}: /metrics ${JSON.stringify(row.want)}, /healthz and /readyz open, unknown paths 404`, async function () {
      const env = Object.fromEntries(
        Object.entries(row.env).map(([k, v]) => [k, k.endsWith("_FILE") ? path.join(dir, v) : v]),
      );
      const base = await serve(env);
      expect({
        none: await status(`${base}/metrics`),
        wrong: await status(`${base}/metrics`, "Bearer wrong-0123456789abcdef"),
        metrics: await status(`${base}/metrics`, `Bearer ${metricsToken}`),
        basic: await status(`${base}/metrics`, `Basic ${Buffer.from("a:b").toString("base64")}`),
        head: await status(`${base}/metrics`, undefined, "HEAD"),
      }).to.deep.equal(row.want);
      expect(await status(`${base}/healthz`)).to.equal(200);
      expect(await status(`${base}/readyz`)).to.equal(200);
      expect(await status(`${base}/metrics/../admin`)).to.equal(404);
      expect(await status(`${base}/nothing`, `Bearer ${metricsToken}`)).to.equal(404);
      expect(await status(`${base}/metrics`, undefined, "POST")).to.equal(404);
    });

  it("warns while open, naming the setting to change, and never logs a token", function () {
    const text = logs.join("");
    expect(text).to.contain("no authentication configured (profile dev)");
    expect(text).to.contain("OPRC_CRM_AUTH_DISABLED=true");
    expect(text).not.to.contain(metricsToken);
  });

  it("refuses to start with a tokens file it cannot read, naming the variable", async function () {
    let caught: unknown;
    try {
      await serve({ OPRC_CRM_PROFILE: "dev", OPRC_CRM_AUTH_TOKENS_FILE: path.join(dir, "missing") });
    } catch (error) {
      caught = error;
    }
    expect(String(caught)).to.contain("OPRC_CRM_AUTH_TOKENS_FILE=");
  });
});
