// The tokens and client-identities files: accepted shapes, and refusals that name the line
// but never echo it (a malformed line most likely holds a token).
import { expect } from "chai";
import { AuthFileError, parseClientsFile, parseTokensFile } from "../../src/index.ts";

const token = "0123456789abcdef0123";

describe("auth: tokens file", () => {
  it("reads token, user, role and an optional namespace scope (quoted list, one name, or *)", () => {
    const entries = parseTokensFile(
      [
        "# comment",
        "",
        `${token},alice,admin`,
        `${token}x,bob,deployer,"team-a, team-b"`,
        `${token}y,carol,viewer,team-c`,
        `${token}z,dan,metrics,*`,
      ].join("\r\n"),
    );
    expect(entries).to.deep.equal([
      { token, user: "alice", role: "admin", namespaces: "*" },
      { token: `${token}x`, user: "bob", role: "deployer", namespaces: ["team-a", "team-b"] },
      { token: `${token}y`, user: "carol", role: "viewer", namespaces: ["team-c"] },
      { token: `${token}z`, user: "dan", role: "metrics", namespaces: "*" },
    ]);
  });

  const refusals: [string, string, number | undefined][] = [
    ["short token", "short,alice,admin", 1],
    ["empty user", `${token},,admin`, 1],
    ["unknown role", `${token},alice,root`, 1],
    ["missing role", `${token},alice`, 1],
    ["too many fields", `${token},alice,admin,a,b`, 1],
    ["bad namespace", `${token},alice,admin,"Team_A"`, 1],
    ["token twice", `${token},alice,admin\n${token},bob,viewer`, 2],
    ["user twice", `${token},alice,admin\n${token}x,alice,viewer`, 2],
    ["no tokens", "# nothing\n\n", undefined],
    ["unclosed quote", `${token},alice,admin,"a`, 1],
  ];
  for (const [name, text, line] of refusals)
    it(`refuses ${name}${line === undefined ? "" : ` naming line ${line}`} without quoting the file`, () => {
      let caught: unknown;
      try {
        parseTokensFile(text);
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(AuthFileError);
      const error = caught as AuthFileError;
      expect(error.line).to.equal(line);
      expect(error.message).not.to.include(token.slice(0, 10));
    });
});

describe("auth: client identities file", () => {
  it("reads CN, DNS, URI and IP identities with roles and scopes", () => {
    expect(
      parseClientsFile(
        'CN=pm,deployer\nDNS:pm.oaas.svc,viewer,"a,b"\nURI:spiffe://c/pm,admin\nIP:10.0.0.1,metrics',
      ),
    ).to.deep.equal([
      { identity: "CN=pm", role: "deployer", namespaces: "*" },
      { identity: "DNS:pm.oaas.svc", role: "viewer", namespaces: ["a", "b"] },
      { identity: "URI:spiffe://c/pm", role: "admin", namespaces: "*" },
      { identity: "IP:10.0.0.1", role: "metrics", namespaces: "*" },
    ]);
  });
  it("refuses another identity form, a repeated identity and an empty file", () => {
    expect(() => parseClientsFile("pm,deployer")).to.throw(AuthFileError, "line 1");
    expect(() => parseClientsFile("CN=pm,deployer\nCN=pm,viewer")).to.throw(AuthFileError, "line 2");
    expect(() => parseClientsFile("")).to.throw(AuthFileError, "no identities");
  });
});
