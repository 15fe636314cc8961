// Basic auth against the users file through the shared authenticator: the right pair gets
// the line's role, anything else is `unknown` or `malformed`, and the file's bearer tokens
// authenticate as `token-<n>`.
import { expect } from "chai";
import {
  createAuthenticator,
  fixedSource,
  parseUsersFile,
  usersBasicVerifier,
  type AuthOutcome,
} from "../../src/index.ts";

const file = parseUsersFile(
  "[admin] admin:s3cret:x\nsre:pässword\ntoken:tok-1\n[metrics] token:tok-2\n",
  "viewer",
);
const authenticate = createAuthenticator({
  basic: usersBasicVerifier(fixedSource(file)),
  tokens: fixedSource(file.tokens),
});
const basic = (userPass: string) => `Basic ${Buffer.from(userPass, "utf8").toString("base64")}`;
const as = (name: string, role: string, via: string): AuthOutcome =>
  ({ ok: true, principal: { name, role, namespaces: "*", via } }) as AuthOutcome;

describe("Basic users and file tokens", function () {
  const rows: { name: string; header: string | undefined; want: AuthOutcome }[] = [
    { name: "no header", header: undefined, want: { ok: false, failure: "missing" } },
    { name: "an empty header", header: " ", want: { ok: false, failure: "missing" } },
    { name: "basic, right", header: basic("admin:s3cret:x"), want: as("admin", "admin", "basic") },
    { name: "basic, UTF-8 password", header: basic("sre:pässword"), want: as("sre", "viewer", "basic") },
    {
      name: "basic, lower-case scheme",
      header: basic("admin:s3cret:x").replace("Basic", "basic"),
      want: as("admin", "admin", "basic"),
    },
    { name: "basic, wrong password", header: basic("admin:s3cret"), want: { ok: false, failure: "unknown" } },
    { name: "basic, unknown user", header: basic("root:s3cret:x"), want: { ok: false, failure: "unknown" } },
    {
      name: "basic, the token user is not a Basic user",
      header: basic("token:tok-1"),
      want: { ok: false, failure: "unknown" },
    },
    { name: "basic, no colon", header: basic("admin"), want: { ok: false, failure: "malformed" } },
    { name: "basic, not base64", header: "Basic !!!", want: { ok: false, failure: "malformed" } },
    { name: "bearer, first token", header: "Bearer tok-1", want: as("token-1", "viewer", "token") },
    { name: "bearer, second token", header: "Bearer tok-2", want: as("token-2", "metrics", "token") },
    { name: "bearer, wrong token", header: "Bearer tok-3", want: { ok: false, failure: "unknown" } },
    { name: "bearer, a prefix of a token", header: "Bearer tok-", want: { ok: false, failure: "unknown" } },
    {
      name: "bearer, a password is not a token",
      header: "Bearer s3cret:x",
      want: { ok: false, failure: "unknown" },
    },
    { name: "another scheme", header: "Digest abc", want: { ok: false, failure: "malformed" } },
    { name: "a scheme alone", header: "Bearer", want: { ok: false, failure: "malformed" } },
  ];
  for (const row of rows)
    it(row.name, async function () {
      expect(await authenticate({ authorization: row.header })).to.deep.equal(row.want);
    });
});
