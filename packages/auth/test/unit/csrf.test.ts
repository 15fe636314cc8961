import { expect } from "chai";
import type { AuthMethod } from "../../src/index.ts";
import { csrfRefusal } from "../../src/index.ts";

describe("CSRF check of writes with ambient credentials", function () {
  const rows: {
    name: string;
    method: string;
    via: AuthMethod;
    headers: Record<string, string>;
    refused: boolean;
  }[] = [
    {
      name: "a read",
      method: "GET",
      via: "basic",
      headers: { origin: "https://evil.example" },
      refused: false,
    },
    { name: "a bearer write from anywhere", method: "PUT", via: "token", headers: {}, refused: false },
    {
      name: "a same-origin browser write",
      method: "PUT",
      via: "basic",
      headers: { host: "dash:8089", "sec-fetch-site": "same-origin" },
      refused: false,
    },
    {
      name: "a cross-site browser write",
      method: "PUT",
      via: "basic",
      headers: { host: "dash:8089", "sec-fetch-site": "cross-site" },
      refused: true,
    },
    {
      name: "a same-site (other subdomain) write",
      method: "POST",
      via: "basic",
      headers: { host: "dash:8089", "sec-fetch-site": "same-site" },
      refused: true,
    },
    {
      name: "Origin matching Host",
      method: "POST",
      via: "basic",
      headers: { host: "dash:8089", origin: "https://dash:8089" },
      refused: false,
    },
    {
      name: "Origin of another host",
      method: "POST",
      via: "basic",
      headers: { host: "dash:8089", origin: "https://evil.example" },
      refused: true,
    },
    {
      name: "Origin null",
      method: "POST",
      via: "basic",
      headers: { host: "dash:8089", origin: "null" },
      refused: true,
    },
    {
      name: "a client-certificate write from another site (browsers resend certificates too)",
      method: "PUT",
      via: "mtls",
      headers: { host: "dash:8089", "sec-fetch-site": "cross-site" },
      refused: true,
    },
    { name: "a JWT write from anywhere", method: "PUT", via: "jwt", headers: {}, refused: false },
    {
      name: "neither header",
      method: "DELETE",
      via: "basic",
      headers: { host: "dash:8089" },
      refused: true,
    },
  ];
  for (const row of rows)
    it(`${row.refused ? "refuses" : "allows"} ${row.name}`, function () {
      const refusal = csrfRefusal({ method: row.method, via: row.via, headers: row.headers });
      expect(refusal !== undefined).to.equal(row.refused);
    });
});
