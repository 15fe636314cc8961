// Every route the running PM registered (read from the server, not a hand list) x every
// kind of caller -> the expected answer: 401 without or with a bad credential (unknown
// token, expired JWT, JWT signed by another key), 403 for a role below the route's need or
// a namespace-scoped principal writing, served (anything but 401/403/429) otherwise.
// Each request comes from its own loopback address, so the failed-auth throttle (per
// source) never turns an expected 401 into a 429 here; auth-limits.test.ts tests it.
import { roleSatisfies, type Need, type Role } from "@oaas/auth";
import type { AnswerChecker } from "@oaas/pm-api/answer-check";
import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { shopPackage } from "../support/fixtures.ts";
import { startLocalIssuer, type LocalIssuer } from "@oaas/testkit";
import { send } from "../support/auth-client.ts";
import {
  bearer,
  documentChecker,
  startTestPm,
  testTokens,
  testTokensFile,
  type TestPm,
} from "../support/pm.ts";

interface Caller {
  readonly name: string;
  readonly authorization: () => Promise<string | undefined>;
  /** The role it holds once authenticated; undefined: it is not authenticated. */
  readonly role?: Role;
  /** Limited to some namespaces (may not write on the PM). */
  readonly scoped?: boolean;
}

/** The answer a caller must get on a route: refused with this code, or served. */
function expected(caller: Caller, need: Need, write: boolean): 401 | 403 | "served" {
  if (need === "public") return "served";
  if (caller.role === undefined) return 401;
  if (!roleSatisfies(caller.role, need)) return 403;
  if (write && caller.scoped === true) return 403;
  return "served";
}

describe("pm auth: every registered route x every kind of caller", function () {
  this.timeout(120_000);
  let pm: TestPm;
  let issuer: LocalIssuer;
  let dir = "";
  let checker: AnswerChecker;
  let source = 0;

  before(async function () {
    issuer = await startLocalIssuer();
    dir = await mkdtemp(join(tmpdir(), "oaas-pm-auth-"));
    await writeFile(join(dir, "tokens.csv"), testTokensFile, { mode: 0o600 });
    pm = await startTestPm({
      OPRC_PM_AUTH_TOKENS_FILE: join(dir, "tokens.csv"),
      OPRC_PM_AUTH_OIDC_ISSUER: issuer.issuer,
      OPRC_PM_AUTH_OIDC_AUDIENCE: issuer.audience,
    });
    checker = await documentChecker(pm.url, bearer(testTokens.admin));
  });
  after(async function () {
    await pm.close();
    await issuer.close();
    await rm(dir, { recursive: true, force: true });
  });

  const fixed = (token: string | undefined) => () =>
    Promise.resolve(token === undefined ? undefined : bearer(token));
  const callers: Caller[] = [
    { name: "no credential", authorization: fixed(undefined) },
    { name: "unknown token", authorization: fixed("not-a-token-0123456789abcdef0123") },
    { name: "malformed header", authorization: () => Promise.resolve("Token abc") },
    {
      name: "expired JWT",
      authorization: async () =>
        bearer(
          await issuer.sign(
            { sub: "eve", oaas_role: "admin" },
            { expiresAt: Math.floor(Date.now() / 1000) - 600 },
          ),
        ),
    },
    {
      name: "JWT signed by another key",
      authorization: async () =>
        bearer(await issuer.sign({ sub: "eve", oaas_role: "admin" }, { foreignKey: true })),
    },
    { name: "metrics token", authorization: fixed(testTokens.metrics), role: "metrics" },
    { name: "viewer token", authorization: fixed(testTokens.viewer), role: "viewer" },
    { name: "deployer token", authorization: fixed(testTokens.deployer), role: "deployer" },
    {
      name: "deployer scoped to team-b",
      authorization: fixed(testTokens.scoped),
      role: "deployer",
      scoped: true,
    },
    {
      name: "viewer JWT",
      authorization: async () => bearer(await issuer.sign({ sub: "jay", oaas_role: "viewer" })),
      role: "viewer",
    },
    { name: "admin token", authorization: fixed(testTokens.admin), role: "admin" },
  ];

  it("every registered route has a declared need (the route table in @oaas/pm-api)", function () {
    const routes = pm.server.registeredRoutes;
    expect(routes.length).to.be.greaterThan(30);
    const undeclared = routes.filter((r) => r.declared === undefined).map((r) => `${r.method} ${r.url}`);
    expect(undeclared, "routes without a need").to.deep.equal([]);
    const needOf = (method: string, url: string) =>
      routes.find((r) => r.method === method && r.url === url)?.declared?.need;
    expect(needOf("GET", "/health")).to.equal("public");
    expect(needOf("GET", "/ready")).to.equal("public");
    expect(needOf("GET", "/metrics")).to.equal("metrics");
    expect(needOf("POST", "/api/v1/deployments")).to.equal("deployer");
    expect(needOf("GET", "/api/v1/deployments")).to.equal("viewer");
  });

  it("answers each caller as its role and scope allow, on every route", async function () {
    const routes = pm.server.registeredRoutes.filter((r) => r.method !== "HEAD");
    const wrong: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const declared = route.declared;
      if (declared === undefined) continue;
      const path = route.url.replace(/:(\w+)/g, "missing-$1");
      for (const caller of callers) {
        const want = expected(caller, declared.need, declared.write);
        source = (source % 250) + 1;
        const authorization = await caller.authorization();
        const answer = await send(
          pm.url,
          {
            method: route.method,
            path,
            ...(authorization !== undefined ? { authorization } : {}),
            ...(route.method === "POST" || route.method === "PUT" ? { body: {} } : {}),
            from: `127.0.${1 + Math.floor(checked / 250)}.${source}`,
          },
          checker,
        );
        checked++;
        const got = [401, 403, 429].includes(answer.status) ? answer.status : "served";
        if (got !== want)
          wrong.push(
            `${route.method} ${path} as ${caller.name}: ${answer.status} (want ${want}) ${answer.text.slice(0, 120)}`,
          );
        if (answer.status === 401)
          expect(answer.headers.get("www-authenticate")).to.match(/^Bearer realm="oaas-pm"/);
      }
    }
    expect(wrong).to.deep.equal([]);
    expect(checked).to.be.greaterThan(300);
  });

  it("a refusal never says whether the object exists; a path no route matches needs a credential too", async function () {
    const created = await pm.request("POST", "/api/v1/packages", shopPackage("exists"), {
      authorization: bearer(testTokens.admin),
    });
    expect(created.status, created.text).to.equal(201);
    const asViewer = async (path: string) =>
      send(pm.url, { method: "DELETE", path, authorization: bearer(testTokens.viewer) }, checker);
    const [present, absent] = await Promise.all([
      asViewer("/api/v1/packages/exists"),
      asViewer("/api/v1/packages/absent"),
    ]);
    expect([present.status, absent.status]).to.deep.equal([403, 403]);
    expect(present.json).to.deep.equal(absent.json);
    const unknown = await send(pm.url, { method: "GET", path: "/api/v1/no-such-route", from: "127.0.9.9" });
    expect(unknown.status).to.equal(401);
    await pm.storage.deletePackage("exists");
  });
});
