// The ingress's RPC inventory under authentication: every RPC the running server
// registered declares a need in access.ts, and each RPC x principal x protocol answers what
// that need says: nothing, a wrong token, a forged or expired JWT -> UNAUTHENTICATED; a role
// too low, or a principal limited to another namespace -> PERMISSION_DENIED; enough -> the
// call is served (whatever the empty request then earns: INVALID_ARGUMENT, NOT_FOUND, OK).
// Real ingress on the real API server, tokens file and a local JWKS issuer; each group of
// refused calls comes from its own loopback address, so the failed-authentication burst
// (tested in auth-flows.test.ts) does not turn a 401 into a 429 here.
import type { DescMethod } from "@bufbuild/protobuf";
import { startLocalIssuer, testCluster, useTestNamespace, type LocalIssuer } from "@oaas/testkit";
import { expect } from "chai";
import { accessOf, isDeclared, rpcAccess, type RpcAccess } from "../../src/ingress/access.ts";
import {
  authEnv,
  call,
  fromNewSource,
  protocols,
  standardTokens,
  tokens,
  tokensFile,
} from "../support/auth.ts";
import { installCrd, startTestIngress, type TestIngress } from "../support/ingress.ts";
import { releaseAll, waitForRecordsServed } from "../support/records.ts";

type Expected = "served" | "unauthenticated" | "permissiondenied";

interface Caller {
  readonly name: string;
  readonly headers: () => Promise<Record<string, string>>;
  readonly expect: (access: RpcAccess) => Expected;
}

const rank = { public: -1, metrics: 0, viewer: 1, deployer: 2, admin: 3 } as const;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
/** A known principal of `role`: served when the RPC needs at most that role. */
const holding =
  (role: "viewer" | "deployer" | "admin") =>
  (access: RpcAccess): Expected =>
    rank[access.need] <= rank[role] ? "served" : "permissiondenied";
const refusedUnlessPublic = (access: RpcAccess): Expected =>
  access.need === "public" ? "served" : "unauthenticated";

describe("crm ingress: every RPC x principal x protocol under authentication", function () {
  this.timeout(180_000);
  const ns = useTestNamespace("crm-auth-inv");
  let ing: TestIngress;
  let issuer: LocalIssuer;
  let file: ReturnType<typeof tokensFile>;
  let namespace = "";

  before(async function () {
    namespace = ns.name;
    await installCrd((await testCluster()).kc);
    issuer = await startLocalIssuer({ audience: "oaas-crm" });
    file = tokensFile(standardTokens());
    ing = await startTestIngress({ namespace: ns.name, env: authEnv(file.path, issuer) });
    await waitForRecordsServed(ing.kube, ns.name);
  });
  after(async function () {
    await releaseAll(ing.kube, namespace);
    await ing.close();
    await issuer.close();
    file.remove();
  });

  const callers: readonly Caller[] = [
    { name: "no credential", headers: () => Promise.resolve({}), expect: refusedUnlessPublic },
    {
      name: "wrong token",
      headers: () => Promise.resolve(bearer("wrong-token-0123456789abcdef")),
      expect: refusedUnlessPublic,
    },
    {
      name: "JWT signed by an unknown key",
      headers: async () =>
        bearer(await issuer.sign({ sub: "mallory", oaas_role: "admin" }, { foreignKey: true })),
      expect: refusedUnlessPublic,
    },
    {
      name: "expired JWT",
      headers: async () =>
        bearer(
          await issuer.sign(
            { sub: "late", oaas_role: "admin" },
            { expiresAt: Math.floor(Date.now() / 1000) - 3600 },
          ),
        ),
      expect: refusedUnlessPublic,
    },
    {
      name: "viewer token",
      headers: () => Promise.resolve(bearer(tokens.viewer)),
      expect: holding("viewer"),
    },
    {
      name: "viewer JWT",
      headers: async () => bearer(await issuer.sign({ sub: "jwt-viewer", oaas_role: "viewer" })),
      expect: holding("viewer"),
    },
    {
      name: "deployer",
      headers: () => Promise.resolve(bearer(tokens.deployer)),
      expect: holding("deployer"),
    },
    {
      // ci-a may act in team-a only; the RPCs here act in the CRM's namespace.
      name: "deployer limited to team-a",
      headers: () => Promise.resolve(bearer(tokens.scoped)),
      expect: (access) => (access.namespaced ? "permissiondenied" : holding("deployer")(access)),
    },
    { name: "admin", headers: () => Promise.resolve(bearer(tokens.admin)), expect: holding("admin") },
  ];

  it("every RPC the server registered declares its need, and the table names nothing it does not serve", function () {
    const served = ing.ingress.rpcs.map((m: DescMethod) => `${m.parent.typeName}/${m.name}`);
    expect(served.filter((rpc) => !isDeclared(...(rpc.split("/") as [string, string])))).to.deep.equal([]);
    expect(Object.keys(rpcAccess).sort()).to.deep.equal([...served].sort());
    // The rules in words, checked apart from the table: writes need a deployer,
    // reads a viewer, only the probes are public.
    expect(accessOf("oaas.deployment.DeploymentService", "Deploy")).to.include({
      need: "deployer",
      write: true,
    });
    expect(accessOf("oaas.deployment.DeploymentService", "DeleteDeployment")).to.include({
      need: "deployer",
    });
    expect(accessOf("oaas.crm.v1.RecordDetailService", "GetHistory").need).to.equal("viewer");
    expect(
      served.filter((rpc) => rpcAccess[rpc]?.need === "public").every((rpc) => /Health/.test(rpc)),
    ).to.equal(true);
  });

  for (const protocol of protocols)
    it(`${protocol}: each RPC answers each principal as its need says`, async function () {
      const wrong: string[] = [];
      let calls = 0;
      for (const caller of callers) {
        const source = await fromNewSource(ing.port);
        try {
          for (const method of ing.ingress.rpcs) {
            const access = accessOf(method.parent.typeName, method.name);
            const answer = await call(protocol, source.port, method, await caller.headers());
            calls++;
            const want = caller.expect(access);
            const got =
              answer.code === "unauthenticated" || answer.code === "permissiondenied"
                ? answer.code
                : "served";
            if (got !== want || answer.code === "resourceexhausted")
              wrong.push(
                `${caller.name} ${method.parent.typeName}/${method.name}: ${answer.code} ${answer.message}`,
              );
          }
        } finally {
          await source.close();
        }
      }
      expect(wrong).to.deep.equal([]);
      expect(calls).to.equal(callers.length * ing.ingress.rpcs.length);
    });

  it("Connect JSON over HTTP: 401 with a Bearer challenge, 403 naming what is missing, never whether a record exists", async function () {
    const url = (rpc: string) => `${ing.url}/oaas.deployment.DeploymentService/${rpc}`;
    const post = (rpc: string, headers: Record<string, string>, body: unknown) =>
      fetch(url(rpc), {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
    const none = await post("GetDeploymentStatus", {}, { deploymentId: "x" });
    expect(none.status).to.equal(401);
    expect(none.headers.get("www-authenticate")).to.equal('Bearer realm="oaas-crm"');
    expect(((await none.json()) as { code: string }).code).to.equal("unauthenticated");
    const wrong = await post("GetDeploymentStatus", bearer("wrong-token-0123456789abcdef"), {
      deploymentId: "x",
    });
    expect(wrong.headers.get("www-authenticate")).to.contain('error="invalid_token"');
    const viewerDeletes = await post("DeleteDeployment", bearer(tokens.viewer), { deploymentId: "x" });
    expect(viewerDeletes.status).to.equal(403);
    expect(((await viewerDeletes.json()) as { message: string }).message).to.contain(
      "needs the deployer role",
    );
    // Another namespace: the same 403 whether or not a record is there; nothing is looked up.
    const elsewhere = { ...bearer(tokens.admin), "x-namespace": "kube-system" };
    const answers = await Promise.all(
      ["kube-apiserver", "never-existed"].map(async (id) => {
        const res = await post("GetDeploymentStatus", elsewhere, { deploymentId: id });
        return [res.status, await res.json()];
      }),
    );
    expect(answers[0]).to.deep.equal(answers[1]);
    expect(answers[0]).to.deep.equal([
      403,
      { code: "permission_denied", message: "root may not act in namespace kube-system" },
    ]);
  });
});
