// The browser users file: `user:password` and `token:<value>` lines as before roles existed
// (they get the default role), an optional `[role]` in front, and errors that name the line
// but never its content.
import { expect } from "chai";
import { AuthFileError, parseUsersFile, type Role } from "../../src/index.ts";

describe("users file (dashboard credentials)", function () {
  const rows: {
    name: string;
    given: string;
    users?: Record<string, { password: string; role: Role }>;
    tokens?: { token: string; role: Role }[];
  }[] = [
    { name: "one user", given: "admin:s3cret\n", users: { admin: { password: "s3cret", role: "viewer" } } },
    {
      name: "a password with colons",
      given: "admin:a:b:c",
      users: { admin: { password: "a:b:c", role: "viewer" } },
    },
    { name: "a token", given: "token:abc.def", tokens: [{ token: "abc.def", role: "viewer" }] },
    {
      name: "users, tokens, comments, blank lines and CRLF",
      given: "# rotated 2026-11\r\nadmin:pw\r\n\r\n  \ntoken:t1\r\nsre:pw2\ntoken:t2",
      users: { admin: { password: "pw", role: "viewer" }, sre: { password: "pw2", role: "viewer" } },
      tokens: [
        { token: "t1", role: "viewer" },
        { token: "t2", role: "viewer" },
      ],
    },
    {
      name: "spaces inside a password are kept",
      given: "admin: pw ",
      users: { admin: { password: " pw ", role: "viewer" } },
    },
    {
      name: "roles in brackets",
      given: "[admin] ops:pw\n[metrics]  token:scrape\n[viewer]\tsre:x",
      users: { ops: { password: "pw", role: "admin" }, sre: { password: "x", role: "viewer" } },
      tokens: [{ token: "scrape", role: "metrics" }],
    },
    {
      name: "a bracket inside a user name (no blank after it) is part of the name",
      given: "[admin]ops:pw",
      users: { "[admin]ops": { password: "pw", role: "viewer" } },
    },
  ];
  for (const row of rows)
    it(`parses ${row.name}`, function () {
      const file = parseUsersFile(row.given, "viewer");
      expect(Object.fromEntries(file.users)).to.deep.equal(row.users ?? {});
      expect(file.tokens.map(({ token, role }) => ({ token, role }))).to.deep.equal(row.tokens ?? []);
      expect(file.tokens.map(({ user }) => user)).to.deep.equal(file.tokens.map((_t, i) => `token-${i + 1}`));
    });

  it("gives lines without a role the default role", function () {
    const file = parseUsersFile("sre:pw\ntoken:t\n[viewer] ro:pw", "admin");
    expect(file.users.get("sre")?.role).to.equal("admin");
    expect(file.tokens[0]?.role).to.equal("admin");
    expect(file.users.get("ro")?.role).to.equal("viewer");
  });

  const bad: { name: string; given: string; line?: number; match: RegExp }[] = [
    { name: "an empty file", given: "", match: /no credentials/ },
    { name: "only comments", given: "# nothing\n\n", match: /no credentials/ },
    { name: "a line without a colon", given: "admin:pw\nhunter2\n", line: 2, match: /expected/ },
    { name: "an empty user", given: ":pw", line: 1, match: /empty user/ },
    { name: "an empty password", given: "admin:", line: 1, match: /empty password/ },
    { name: "an empty token", given: "token:", line: 1, match: /empty token/ },
    { name: "a user twice", given: "a:1\na:2", line: 2, match: /twice/ },
    { name: "an unknown role", given: "a:1\n[root] b:pw", line: 2, match: /unknown role/ },
  ];
  for (const row of bad)
    it(`rejects ${row.name}, naming the line but never its content`, function () {
      let caught: unknown;
      try {
        parseUsersFile(row.given, "viewer");
      } catch (error) {
        caught = error;
      }
      expect(caught).to.be.instanceOf(AuthFileError);
      const error = caught as AuthFileError;
      expect(error.message).to.match(row.match);
      expect(error.line).to.equal(row.line);
      expect(error.message).not.to.contain("hunter2");
      expect(error.message).not.to.contain("pw");
    });
});
