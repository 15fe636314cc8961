// The history route on a plain http server with an in-memory history source: status
// codes, the body shape, limit, id and namespace handling, and that other paths fall through.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { recordName } from "@oaas/crd";
import type { HistoryEntry } from "@oaas/queue";
import { expect } from "chai";
import { serveHistory, type HistorySource } from "../../src/ingress/history-route.ts";

const entry = (message: string): HistoryEntry => ({
  type: "applied",
  time: "2026-01-01T00:00:00.000Z",
  message,
});

describe("crm history route", function () {
  let server: http.Server;
  let base = "";
  const reads: { namespace: string; name: string; limit?: number }[] = [];
  let failing = false;
  const source: HistorySource = {
    read: (namespace, name, options = {}) => {
      reads.push({ namespace, name, ...(options.limit ? { limit: options.limit } : {}) });
      if (failing) return Promise.reject(new Error("connection refused"));
      return Promise.resolve(name === recordName("known-a") ? [entry("one"), entry("two")] : []);
    },
  };

  before(async function () {
    server = http.createServer((req, res) => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (!serveHistory(req.url ?? "/", send, source, "home")) {
        res.writeHead(418);
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async function () {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(function () {
    reads.length = 0;
    failing = false;
  });

  const get = async (path: string) => {
    const res = await fetch(base + path);
    return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> };
  };

  const rows = [
    {
      name: "known id: 200 with entries, oldest first, default namespace",
      path: "/api/v1/records/known-a/history",
      status: 200,
      want: { deployment_id: "known-a", namespace: "home", entries: [entry("one"), entry("two")] },
      read: { namespace: "home", name: recordName("known-a") },
    },
    {
      name: "limit and namespace are passed on",
      path: "/api/v1/records/known-a/history?limit=5&namespace=other",
      status: 200,
      read: { namespace: "other", name: recordName("known-a"), limit: 5 },
    },
    {
      name: "unknown id: 404 naming it",
      path: "/api/v1/records/nope/history",
      status: 404,
      want: { error: 'no history for deployment "nope" in namespace "home"' },
    },
    { name: "limit 0: 400", path: "/api/v1/records/known-a/history?limit=0", status: 400, error: /limit/ },
    {
      name: "limit not a number: 400",
      path: "/api/v1/records/known-a/history?limit=x",
      status: 400,
      error: /limit/,
    },
    // The id and namespace rules are the status route's and the RPCs' (record-path.ts).
    {
      name: "an id with whitespace: 400",
      path: "/api/v1/records/a%20b/history",
      status: 400,
      error: /^deployment_id: must not contain whitespace/,
    },
    {
      name: "a namespace that is not a DNS-1123 label: 400",
      path: "/api/v1/records/known-a/history?namespace=a.b",
      status: 400,
      error: /^namespace: "a\.b" is not a valid namespace name/,
    },
  ];
  for (const row of rows) {
    it(row.name, async function () {
      const { status, body } = await get(row.path);
      expect(status).to.equal(row.status);
      if (row.want) expect(body).to.deep.equal(row.want);
      if (row.read) expect(reads).to.deep.equal([row.read]);
      if (row.error) expect(body["error"]).to.match(row.error);
      if (row.status === 400) expect(reads).to.deep.equal([]);
    });
  }

  it("Redis failing: 503 with the cause", async function () {
    failing = true;
    const { status, body } = await get("/api/v1/records/known-a/history");
    expect(status).to.equal(503);
    expect(body["error"]).to.contain("connection refused");
  });

  it("other paths are left to the next handler", async function () {
    for (const path of ["/api/v1/records/a", "/api/v1/records/a/history/x", "/readyz"])
      expect((await fetch(base + path)).status, path).to.equal(418);
  });
});
