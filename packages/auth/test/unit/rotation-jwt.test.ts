// Rotation without a restart (the tokens file replaced the way the kubelet swaps a mounted
// Secret) and OIDC JWTs verified against a local issuer this test serves (discovery + JWKS).
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SignJWT, exportJWK, generateKeyPair } from "jose";
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
  let server: Server;
  let issuer = "";
  let sign: (claims: Record<string, unknown>, expiresIn?: string) => Promise<string>;
  let otherKey: Awaited<ReturnType<typeof generateKeyPair>>;

  before(async () => {
    const keys = await generateKeyPair("ES256");
    otherKey = await generateKeyPair("ES256");
    const jwk = { ...(await exportJWK(keys.publicKey)), kid: "k1", alg: "ES256", use: "sig" };
    server = createServer((request, response) => {
      response.setHeader("content-type", "application/json");
      if (request.url === "/.well-known/openid-configuration")
        response.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
      else if (request.url === "/jwks") response.end(JSON.stringify({ keys: [jwk] }));
      else response.writeHead(404).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    sign = (claims, expiresIn = "5m") =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", kid: "k1" })
        .setIssuer(issuer)
        .setAudience("oaas")
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(keys.privateKey);
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

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
    const foreign = await new SignJWT({ sub: "mallory", oaas_role: "admin" })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setIssuer(issuer)
      .setAudience("oaas")
      .setExpirationTime("5m")
      .sign(otherKey.privateKey);
    expect((await outcome(foreign)).ok).to.equal(false);
    const wrongAudience = await new SignJWT({ sub: "alice", oaas_role: "admin" })
      .setProtectedHeader({ alg: "ES256", kid: "k1" })
      .setIssuer(issuer)
      .setAudience("elsewhere")
      .setExpirationTime("5m")
      .sign(otherKey.privateKey);
    expect((await outcome(wrongAudience)).ok).to.equal(false);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(
      JSON.stringify({ sub: "x", oaas_role: "admin", iss: issuer, aud: "oaas" }),
    ).toString("base64url")}.sig`;
    expect((await outcome(unsigned)).ok).to.equal(false);
  });
});
