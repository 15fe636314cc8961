import { expect } from "chai";
import { AuthFileError, parseAuthFile } from "../../../src/dashboard/auth-file.ts";

describe("dashboard credentials file", function () {
  const rows: { name: string; given: string; users?: Record<string, string>; tokens?: string[] }[] = [
    { name: "one user", given: "admin:s3cret\n", users: { admin: "s3cret" } },
    { name: "a password with colons", given: "admin:a:b:c", users: { admin: "a:b:c" } },
    { name: "a token", given: "token:abc.def", tokens: ["abc.def"] },
    {
      name: "users, tokens, comments, blank lines and CRLF",
      given: "# rotated 2026-11\r\nadmin:pw\r\n\r\n  \ntoken:t1\r\nsre:pw2\ntoken:t2",
      users: { admin: "pw", sre: "pw2" },
      tokens: ["t1", "t2"],
    },
    { name: "spaces inside a password are kept", given: "admin: pw ", users: { admin: " pw " } },
  ];
  for (const row of rows)
    it(`parses ${row.name}`, function () {
      const credentials = parseAuthFile(row.given);
      expect(Object.fromEntries(credentials.users)).to.deep.equal(row.users ?? {});
      expect(credentials.tokens).to.deep.equal(row.tokens ?? []);
    });

  const bad: { name: string; given: string; line?: number; match: RegExp }[] = [
    { name: "an empty file", given: "", match: /no credentials/ },
    { name: "only comments", given: "# nothing\n\n", match: /no credentials/ },
    { name: "a line without a colon", given: "admin:pw\nhunter2\n", line: 2, match: /expected/ },
    { name: "an empty user", given: ":pw", line: 1, match: /empty user/ },
    { name: "an empty password", given: "admin:", line: 1, match: /empty password/ },
    { name: "an empty token", given: "token:", line: 1, match: /empty token/ },
    { name: "a user twice", given: "a:1\na:2", line: 2, match: /twice/ },
  ];
  for (const row of bad)
    it(`rejects ${row.name}, naming the line but never its content`, function () {
      let caught: unknown;
      try {
        parseAuthFile(row.given);
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
