// Every HTTP route the READMEs name is one the PM or the CRM serves: the README named
// /api/v1/ready, a 404 (the PM's readiness is /ready). Route-looking strings are
// taken from the READMEs (backticked, with a method, or starting /api/v1/, /health, /ready
// or /metrics; the prefix /api/v1 alone is not a route) and asked of the real PM (in process, memory storage) and of the CRM
// ingress's plain-HTTP handler (in process).
import http from "node:http";
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createMetrics, type Metrics } from "@oaas/telemetry";
import { repoRoot } from "@oaas/testkit";
import { expect } from "chai";
import type { Readiness } from "../../../crm/src/health/readiness.ts";
import { httpEndpoints } from "../../../crm/src/ingress/http-endpoints.ts";
import { startTestPm, type TestPm } from "../support/pm.ts";
import { createAuthenticator, createGate } from "@oaas/auth";

/** A gate that lets everything through (OPRC_CRM_AUTH_DISABLED=true). */
const openGate = createGate({ authenticate: createAuthenticator({ disabled: true }), realm: "test" });

const readmes = ["README.md", "services/pm/README.md", "services/cli/README.md"];

interface NamedRoute {
  readonly file: string;
  readonly method: string;
  readonly path: string;
}

/** The routes a markdown text names: `METHOD /path` or `/api/...`-like spans in backticks. */
export function routesIn(file: string, text: string): NamedRoute[] {
  const found: NamedRoute[] = [];
  for (const [, span = ""] of text.matchAll(/`([^`\n]+)`/g)) {
    const match = /^(?:(GET|POST|PUT|DELETE|PATCH|HEAD) )?(\/[^\s[?]*)/.exec(span);
    if (!match) continue;
    const [, method, path = ""] = match;
    if (method === undefined && !/^\/(api\/v\d+\/|health|ready|metrics)/.test(path)) continue;
    found.push({ file, method: method ?? "GET", path });
  }
  return found;
}

/** A concrete URL path for a route pattern: each {param} becomes a value. */
const concrete = (path: string) => path.replace(/\{[^}]+\}/g, "readme-check");

describe("README routes exist on the PM or the CRM", function () {
  this.timeout(30_000);
  let pm: TestPm;
  let crm: http.Server;
  let crmBase = "";
  let metrics: Metrics;

  before(async function () {
    pm = await startTestPm();
    metrics = createMetrics({ serviceName: "readme-routes" });
    const readiness: Readiness = {
      check: () => Promise.resolve({ ready: true, reason: "ok" }),
      stop: () => undefined,
    };
    // Which routes exist, not who may call them: the CRM's probes with its gate open.
    const handler = httpEndpoints(readiness, metrics, openGate);
    crm = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => crm.listen(0, "127.0.0.1", resolve));
    crmBase = `http://127.0.0.1:${(crm.address() as AddressInfo).port}`;
  });
  after(async function () {
    await pm.close();
    crm.closeAllConnections();
    await new Promise((resolve) => crm.close(resolve));
    await metrics.shutdown();
  });

  /** Whether the PM or the CRM has a route for it (any answer but their "no route" 404). */
  async function served(route: NamedRoute): Promise<boolean> {
    const path = concrete(route.path);
    const body = route.method === "POST" || route.method === "PUT" ? {} : undefined;
    const atPm = await pm.request(route.method, path, body);
    if (!(atPm.status === 404 && atPm.text.includes('"no route '))) return true;
    const atCrm = await fetch(crmBase + path, { method: route.method });
    return !(atCrm.status === 404 && (await atCrm.text()) === "not found\n");
  }

  it("the READMEs name routes (the extraction finds the tables)", function () {
    const all = readmes.flatMap((f) => routesIn(f, readFileSync(join(repoRoot, f), "utf8")));
    expect(all.length).to.be.greaterThan(30);
    expect(all).to.deep.include({ file: "services/pm/README.md", method: "GET", path: "/ready" });
  });

  for (const file of readmes)
    it(`every route ${file} names is served`, async function () {
      const missing: string[] = [];
      for (const route of routesIn(file, readFileSync(join(repoRoot, file), "utf8")))
        if (!(await served(route))) missing.push(`${route.method} ${route.path}`);
      expect(missing).to.deep.equal([]);
    });

  it("a route neither serves is caught (the fault this guards: /api/v1/ready)", async function () {
    const named = routesIn("x.md", "`GET /api/v1/ready`, `/api/v1/records/{id}/nope`, `POST /packages`");
    for (const route of named) expect(await served(route), route.path).to.equal(false);
    expect(await served({ file: "x.md", method: "GET", path: "/ready" })).to.equal(true);
    expect(await served({ file: "x.md", method: "GET", path: "/readyz" })).to.equal(true);
  });
});
