import { expect } from "chai";
import { parseAuthFile } from "../../../src/dashboard/auth-file.ts";
import { authenticate } from "../../../src/dashboard/auth.ts";

const credentials = parseAuthFile("admin:s3cret:x\nsre:pässword\ntoken:tok-1\ntoken:tok-2\n");
const basic = (userPass: string) => `Basic ${Buffer.from(userPass, "utf8").toString("base64")}`;

describe("dashboard authentication", function () {
  const rows: { name: string; header: string | undefined; want: ReturnType<typeof authenticate> }[] = [
    { name: "no header", header: undefined, want: { ok: false, reason: "missing" } },
    { name: "an empty header", header: " ", want: { ok: false, reason: "missing" } },
    {
      name: "basic, right",
      header: basic("admin:s3cret:x"),
      want: { ok: true, scheme: "basic", user: "admin" },
    },
    {
      name: "basic, UTF-8 password",
      header: basic("sre:pässword"),
      want: { ok: true, scheme: "basic", user: "sre" },
    },
    {
      name: "basic, lower-case scheme",
      header: basic("admin:s3cret:x").replace("Basic", "basic"),
      want: { ok: true, scheme: "basic", user: "admin" },
    },
    { name: "basic, wrong password", header: basic("admin:s3cret"), want: { ok: false, reason: "wrong" } },
    { name: "basic, unknown user", header: basic("root:s3cret:x"), want: { ok: false, reason: "wrong" } },
    {
      name: "basic, the token user is not a Basic user",
      header: basic("token:tok-1"),
      want: { ok: false, reason: "wrong" },
    },
    { name: "basic, no colon", header: basic("admin"), want: { ok: false, reason: "malformed" } },
    { name: "basic, not base64", header: "Basic !!!", want: { ok: false, reason: "malformed" } },
    {
      name: "bearer, first token",
      header: "Bearer tok-1",
      want: { ok: true, scheme: "bearer", user: "token" },
    },
    {
      name: "bearer, second token",
      header: "Bearer tok-2",
      want: { ok: true, scheme: "bearer", user: "token" },
    },
    { name: "bearer, wrong token", header: "Bearer tok-3", want: { ok: false, reason: "wrong" } },
    { name: "bearer, a prefix of a token", header: "Bearer tok-", want: { ok: false, reason: "wrong" } },
    {
      name: "bearer, a password is not a token",
      header: "Bearer s3cret:x",
      want: { ok: false, reason: "wrong" },
    },
    { name: "another scheme", header: "Digest abc", want: { ok: false, reason: "malformed" } },
    { name: "a scheme alone", header: "Bearer", want: { ok: false, reason: "malformed" } },
  ];
  for (const row of rows)
    it(row.name, function () {
      expect(authenticate(row.header, credentials)).to.deep.equal(row.want);
    });
});
