// Rotation without a restart (the tokens file replaced the way the kubelet swaps a mounted
// Secret) and OIDC JWTs verified against a local issuer the test starts (discovery + JWKS,
// @oaas/testkit startLocalIssuer).
import { startLocalIssuer, type LocalIssuer } from "@oaas/testkit";
import { expect } from "chai";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createAuthenticator, jwtVerifier, parseTokensFile, watchFile } from "../../src/index.ts";

async function until(check: () => Promise<boolean>, deadlineMs: number): Promise<void> {
  const end = performance.now() + deadlineMs;
  while (!(await check())) {
    if (performance.now() > end) throw new Error(`condition not met within ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("auth: tokens file rotation", () => {
  let dir = "";
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "oaas-auth-"));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it("refuses the old token and accepts the new one within the recheck bound, keeping the last good file on a bad write", async () => {
    const path = join(dir, "tokens.csv");
    await writeFile(path, "old-token-0123456789abcdef,ops,admin\n");
    const errors: unknown[] = [];
    const tokens = await watchFile(path, parseTokensFile, { recheckMs: 50, onError: (e) => errors.push(e) });
    const authenticate = createAuthenticator({ tokens });
    const ok = async (token: string) => (await authenticate({ authorization: `Bearer ${token}` })).ok;
    expect(await ok("old-token-0123456789abcdef")).to.equal(true);
    // Replace atomically, as a Secret volume update does.
    await writeFile(join(dir, "next"), "new-token-0123456789abcdef,ops,admin\n");
    await rename(join(dir, "next"), path);
    await until(async () => !(await ok("old-token-0123456789abcdef")), 2_000);
    expect(await ok("new-token-0123456789abcdef")).to.equal(true);
    await writeFile(join(dir, "bad"), "garbage\n");
    await rename(join(dir, "bad"), path);
    await until(async () => (await ok("new-token-0123456789abcdef")) && errors.length > 0, 2_000);
    expect(await ok("new-token-0123456789abcdef")).to.equal(true);
    expect(errors).to.have.length(1);
  });

  it("rejects at start when the file is missing or holds no token", async () => {
    let caught: unknown;
    await watchFile(join(dir, "absent"), parseTokensFile).catch((error: unknown) => (caught = error));
    expect(caught).to.be.instanceOf(Error);
  });
});

describe("auth: OIDC JWTs against a local issuer", () => {
  let local: LocalIssuer;
  let issuer = "";
  before(async () => {
    local = await startLocalIssuer();
    issuer = local.issuer;
  });
  after(() => local.close());
  const sign = (claims: Record<string, unknown>, expiresAt?: string) =>
    local.sign(claims, expiresAt === undefined ? {} : { expiresAt });

  it("maps sub and the role claim to a principal, and refuses expired, foreign, wrong-audience and role-less tokens", async () => {
    const authenticate = createAuthenticator({
      jwt: jwtVerifier({
        issuer,
        audience: "oaas",
        roleClaim: "oaas_role",
        namespacesClaim: "oaas_namespaces",
      }),
    });
    const outcome = async (token: string) => authenticate({ authorization: `Bearer ${token}` });
    const good = await outcome(
      await sign({ sub: "alice", oaas_role: ["viewer", "deployer"], oaas_namespaces: ["a"] }),
    );
    expect(good.ok && good.principal).to.deep.equal({
      name: "alice",
      role: "deployer",
      namespaces: ["a"],
      via: "jwt",
    });
    expect((await outcome(await sign({ sub: "alice", oaas_role: "admin" }, "-1h"))).ok).to.equal(false);
    expect((await outcome(await sign({ sub: "alice" }))).ok).to.equal(false);
    expect((await outcome(await sign({ sub: "alice", oaas_role: "root" }))).ok).to.equal(false);
    const foreign = await local.sign({ sub: "mallory", oaas_role: "admin" }, { foreignKey: true });
    expect((await outcome(foreign)).ok).to.equal(false);
    // Signed by the issuer's own key: only the audience is wrong.
    const wrongAudience = await local.sign({ sub: "alice", oaas_role: "admin" }, { audience: "elsewhere" });
    expect((await outcome(wrongAudience)).ok).to.equal(false);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(
      JSON.stringify({ sub: "x", oaas_role: "admin", iss: issuer, aud: "oaas" }),
    ).toString("base64url")}.sig`;
    expect((await outcome(unsigned)).ok).to.equal(false);
  });
});
