// The gate: 401 with a challenge for missing or unknown credentials, 403 naming the missing
// role or namespace, 429 after a burst of failures from one source while the right token is
// still served, and mTLS identities only from the allowlist.
import { expect } from "chai";
import {
  certificateIdentities,
  createAuthenticator,
  createGate,
  failedAuthLimiter,
  fixedSource,
  parseClientsFile,
  parseTokensFile,
  readCredential,
  roleSatisfies,
  type Refusal,
} from "../../src/index.ts";

const admin = "admin-token-0123456789";
const viewer = "viewer-token-0123456789";
const teamA = "deployer-a-token-0123456789";
const tokens = parseTokensFile(
  `${admin},root,admin\n${viewer},watcher,viewer\n${teamA},ci-a,deployer,team-a`,
);

function gate(burst = 20) {
  const refused: Refusal[] = [];
  const check = createGate({
    realm: "test",
    authenticate: createAuthenticator({
      tokens: fixedSource(tokens),
      clients: fixedSource(parseClientsFile("CN=pm,deployer\nURI:spiffe://c/ops,admin")),
    }),
    limiter: failedAuthLimiter({ burst, windowSecs: 60, blockSecs: 60 }),
    onRefused: (refusal) => refused.push(refusal),
  });
  return { check, refused };
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}`, source: "10.0.0.9" });

describe("auth: gate", () => {
  it("orders roles metrics < viewer < deployer < admin; public needs nothing", () => {
    expect(roleSatisfies("viewer", "metrics")).to.equal(true);
    expect(roleSatisfies("metrics", "viewer")).to.equal(false);
    expect(roleSatisfies("deployer", "admin")).to.equal(false);
    expect(roleSatisfies("admin", "deployer")).to.equal(true);
    expect(roleSatisfies("metrics", "public")).to.equal(true);
  });

  it("answers 401 with a Bearer challenge when no credential is sent, and invalid_token for a wrong one", async () => {
    const { check } = gate();
    const none = await check({ source: "a" }, "viewer");
    expect(none).to.include({ ok: false, status: 401 });
    if (none.ok) throw new Error("unreachable");
    expect(none.headers["www-authenticate"]).to.equal('Bearer realm="test"');
    const wrong = await check(bearer("not-a-token-at-all-000"), "viewer");
    if (wrong.ok) throw new Error("a wrong token passed");
    expect(wrong.status).to.equal(401);
    expect(wrong.headers["www-authenticate"]).to.include('error="invalid_token"');
    expect(wrong.message).not.to.include("not-a-token");
    const garbled = await check({ authorization: "Token abc def", source: "a" }, "viewer");
    expect(garbled).to.include({ ok: false, status: 401 });
  });

  it("answers 403 naming the missing role or namespace, never 401, for a known principal", async () => {
    const { check } = gate();
    const viewerDeploys = await check(bearer(viewer), "deployer", "team-a");
    expect(viewerDeploys).to.include({ ok: false, status: 403 });
    if (viewerDeploys.ok) throw new Error("unreachable");
    expect(viewerDeploys.message).to.include("deployer role");
    expect(viewerDeploys.principal?.name, "the refused principal, for the audit line").to.equal("watcher");
    const outOfScope = await check(bearer(teamA), "deployer", "team-b");
    expect(outOfScope).to.include({ ok: false, status: 403 });
    expect(await check(bearer(teamA), "deployer", "team-a")).to.include({ ok: true });
    const rootAnywhere = await check(bearer(admin), "admin", "team-z");
    expect(rootAnywhere.ok && rootAnywhere.principal.name).to.equal("root");
  });

  it("serves public routes without a credential", async () => {
    expect(await gate().check({ source: "a" }, "public")).to.include({ ok: true });
  });

  it("throttles a source after a burst of failures but keeps serving the right token from it", async () => {
    const { check, refused } = gate(5);
    const codes: number[] = [];
    for (let i = 0; i < 50; i++) {
      const result = await check(bearer(`guess-${i}-0123456789abcdef`), "viewer");
      codes.push(result.ok ? 200 : result.status);
    }
    expect(codes.slice(0, 5)).to.deep.equal([401, 401, 401, 401, 401]);
    expect(new Set(codes.slice(5))).to.deep.equal(new Set([429]));
    const throttled = await check(bearer("guess-x-0123456789abcdef"), "viewer");
    if (throttled.ok) throw new Error("unreachable");
    expect(Number(throttled.headers["retry-after"])).to.be.greaterThan(0);
    expect(await check(bearer(viewer), "viewer")).to.include({ ok: true });
    expect(refused.filter((r) => r === "throttled").length).to.be.greaterThan(40);
    expect(await check({ ...bearer("other-guess-0123456789"), source: "10.0.0.10" }, "viewer")).to.include({
      status: 401,
    });
  });

  it("accepts a client certificate only when one of its identities is on the allowlist", async () => {
    const { check } = gate();
    const pm = certificateIdentities({ subject: { CN: "pm" }, subjectaltname: "DNS:pm.oaas.svc" });
    const result = await check({ peerIdentities: pm, source: "a" }, "deployer");
    expect(result.ok && result.principal).to.deep.equal({
      name: "CN=pm",
      role: "deployer",
      namespaces: "*",
      via: "mtls",
    });
    const ops = certificateIdentities({
      subject: null,
      subjectaltname: "URI:spiffe://c/ops, IP Address:10.1.1.1",
    });
    expect(ops).to.deep.equal(["URI:spiffe://c/ops", "IP:10.1.1.1"]);
    expect(await check({ peerIdentities: ops, source: "a" }, "admin")).to.include({ ok: true });
    const stranger = certificateIdentities({ subject: { CN: "someone" } });
    expect(await check({ peerIdentities: stranger, source: "a" }, "viewer")).to.include({
      ok: false,
      status: 401,
    });
    // A header wins over the certificate, and a wrong header is never rescued by it.
    expect(
      await check(
        { peerIdentities: pm, authorization: "Bearer wrong-0123456789abcdef", source: "a" },
        "viewer",
      ),
    ).to.include({
      ok: false,
      status: 401,
    });
  });

  it("reads Basic credentials per RFC 7617 and refuses malformed ones", () => {
    expect(readCredential(`Basic ${Buffer.from("ops:pa:ss").toString("base64")}`)).to.deep.equal({
      kind: "basic",
      user: "ops",
      password: "pa:ss",
    });
    expect(readCredential("Basic !!!")).to.deep.equal({ kind: "malformed" });
    expect(readCredential("bearer abc")).to.deep.equal({ kind: "bearer", token: "abc" });
    expect(readCredential(undefined)).to.deep.equal({ kind: "none" });
  });

  it("lets every request through as anonymous admin only when explicitly disabled", async () => {
    const check = createGate({ realm: "t", authenticate: createAuthenticator({ disabled: true }) });
    const result = await check({ source: "a" }, "admin", "any");
    expect(result.ok && result.principal).to.include({ name: "anonymous", via: "disabled" });
    const closed = createGate({ realm: "t", authenticate: createAuthenticator({}) });
    expect(await closed({ source: "a" }, "viewer")).to.include({ status: 401 });
  });
});
