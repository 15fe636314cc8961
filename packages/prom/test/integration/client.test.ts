// The Prometheus edge against a real Prometheus (Debian package prometheus) with
// backfilled series: instant and range answers decoded, NaN and empty kept as they are,
// and every failure typed. "Hung" and "garbage" servers are small local HTTP servers
// (a real Prometheus cannot be made to hang or to answer non-JSON on demand).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import fs from "node:fs";
import { backfilledDataDir, startTestPrometheus, type TestPrometheus, freePort } from "@oaas/testkit";
import { PromClient, PromError, describe as describeError } from "../../src/index.ts";

const step = 15;
// Anchored hours back, whole minutes, so every timestamp below is exact.
const end = Math.floor(Date.now() / 60_000) * 60_000 - 3 * 3_600_000;
const start = end - 3_600_000;

function openMetrics(): string {
  const lines = ["# TYPE oaas_test_requests counter"];
  for (let t = start; t <= end; t += step * 1000) {
    lines.push(`oaas_test_requests_total{fn="a"} ${((t - start) / 1000) * 2} ${t / 1000}`);
    lines.push(`oaas_test_requests_total{fn="b"} ${((t - start) / 1000) * 5} ${t / 1000}`);
  }
  return `${lines.join("\n")}\n# EOF\n`;
}

async function rejection(promise: Promise<unknown>): Promise<PromError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(PromError);
    return error as PromError;
  }
  expect.fail("expected a PromError");
}

describe("prom: client on a real Prometheus", function () {
  this.timeout(120_000);
  let prom: TestPrometheus | undefined;
  let dataDir: string | undefined;
  let client: PromClient;

  before(async function () {
    dataDir = backfilledDataDir(openMetrics());
    prom = await startTestPrometheus({ dataDir });
    // A trailing slash on the base URL is fine.
    client = new PromClient({ url: `${prom.url}/`, timeoutMs: 5000 });
  });
  after(async function () {
    await prom?.stop();
    if (dataDir !== undefined) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers a range query as series with every step, labels kept", async function () {
    const window = { startMs: end - 600_000, endMs: end, stepMs: 30_000 };
    const series = await client.range("sum by (fn) (rate(oaas_test_requests_total[1m]))", window);
    expect(series.map((s) => s.labels["fn"]).sort()).to.deep.equal(["a", "b"]);
    for (const s of series) {
      expect(s.samples).to.have.length(21);
      expect(s.samples[0]?.t).to.equal(window.startMs);
      expect(s.samples[20]?.t).to.equal(end);
      const want = s.labels["fn"] === "a" ? 2 : 5;
      for (const p of s.samples) expect(p.v).to.be.closeTo(want, 1e-9);
    }
  });

  it("answers an instant query at the given time", async function () {
    const series = await client.instant('oaas_test_requests_total{fn="a"}', end);
    expect(series).to.have.length(1);
    expect(series[0]?.samples).to.deep.equal([{ t: end, v: 7200 }]);
  });

  it("keeps NaN as NaN and an empty result as no series (never zero)", async function () {
    const nan = await client.instant('rate(oaas_test_requests_total{fn="a"}[1m]) * 0 / 0', end);
    expect(nan[0]?.samples[0]?.v).to.be.NaN;
    expect(await client.instant('oaas_test_requests_total{fn="nope"}', end)).to.deep.equal([]);
    const scalar = await client.instant("scalar(vector(1)) * 0 / 0", end);
    expect(scalar[0]?.samples[0]?.v).to.be.NaN;
  });

  it("a bad query is an http error with Prometheus' errorType", async function () {
    const error = await rejection(client.instant("sum(", end));
    expect(error.kind).to.equal("http");
    expect(error.status).to.equal(400);
    expect(error.errorType).to.equal("bad_data");
    expect(describeError(error)).to.match(/^http 400 \(bad_data\): /);
  });

  it("run() never throws: a failure is an outcome with the reason in words", async function () {
    const window = { startMs: end - 600_000, endMs: end, stepMs: 30_000 };
    const good = await client.run(
      { namespace: "x", signal: "rps", source: "app", kind: "range", expr: "oaas_test_requests_total" },
      window,
    );
    expect(good.ok && good.series.length).to.equal(2);
    const bad = await client.run(
      { namespace: "x", signal: "rps", source: "app", kind: "instant", expr: "sum(" },
      window,
    );
    expect(bad).to.deep.include({ ok: false });
    expect(bad.ok ? "" : bad.error).to.match(/^http 400/);
  });
});

describe("prom: client failures", function () {
  this.timeout(30_000);
  const servers: http.Server[] = [];
  after(async function () {
    for (const s of servers) await new Promise((resolve) => s.close(resolve));
  });

  async function serve(handler: http.RequestListener): Promise<string> {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("nothing listening is 'down'", async function () {
    const port = await freePort();
    const error = await rejection(
      new PromClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 2000 }).instant("up", 0),
    );
    expect(error.kind).to.equal("down");
    expect(error.message).to.include(`127.0.0.1:${port}`);
  });

  it("no answer within the timeout is 'timeout'", async function () {
    const url = await serve(() => undefined); // accepts and never answers
    const started = Date.now();
    const error = await rejection(new PromClient({ url, timeoutMs: 300 }).instant("up", 0));
    expect(error.kind).to.equal("timeout");
    expect(Date.now() - started).to.be.lessThan(5000);
  });

  it("an error status without the API's body is an http error", async function () {
    const url = await serve((_req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "error", errorType: "internal", error: "boom" }));
    });
    const error = await rejection(new PromClient({ url, timeoutMs: 2000 }).instant("up", 0));
    expect(error).to.include({ kind: "http", status: 500, errorType: "internal" });
  });

  it("a 200 that is not the API's JSON is 'bad_response'", async function () {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>login</html>");
    });
    const error = await rejection(new PromClient({ url, timeoutMs: 2000 }).instant("up", 0));
    expect(error.kind).to.equal("bad_response");
  });
});
