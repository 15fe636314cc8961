import { expect } from "chai";
import { csrfRefusal } from "../../../src/dashboard/csrf.ts";

describe("dashboard CSRF check of writes", function () {
  const rows: {
    name: string;
    method: string;
    scheme: "basic" | "bearer";
    headers: Record<string, string>;
    refused: boolean;
  }[] = [
    {
      name: "a read",
      method: "GET",
      scheme: "basic",
      headers: { origin: "https://evil.example" },
      refused: false,
    },
    { name: "a bearer write from anywhere", method: "PUT", scheme: "bearer", headers: {}, refused: false },
    {
      name: "a same-origin browser write",
      method: "PUT",
      scheme: "basic",
      headers: { host: "dash:8089", "sec-fetch-site": "same-origin" },
      refused: false,
    },
    {
      name: "a cross-site browser write",
      method: "PUT",
      scheme: "basic",
      headers: { host: "dash:8089", "sec-fetch-site": "cross-site" },
      refused: true,
    },
    {
      name: "a same-site (other subdomain) write",
      method: "POST",
      scheme: "basic",
      headers: { host: "dash:8089", "sec-fetch-site": "same-site" },
      refused: true,
    },
    {
      name: "Origin matching Host",
      method: "POST",
      scheme: "basic",
      headers: { host: "dash:8089", origin: "https://dash:8089" },
      refused: false,
    },
    {
      name: "Origin of another host",
      method: "POST",
      scheme: "basic",
      headers: { host: "dash:8089", origin: "https://evil.example" },
      refused: true,
    },
    {
      name: "Origin null",
      method: "POST",
      scheme: "basic",
      headers: { host: "dash:8089", origin: "null" },
      refused: true,
    },
    {
      name: "neither header",
      method: "DELETE",
      scheme: "basic",
      headers: { host: "dash:8089" },
      refused: true,
    },
  ];
  for (const row of rows)
    it(`${row.refused ? "refuses" : "allows"} ${row.name}`, function () {
      const refusal = csrfRefusal({ method: row.method, scheme: row.scheme, headers: row.headers });
      expect(refusal !== undefined).to.equal(row.refused);
    });
});
