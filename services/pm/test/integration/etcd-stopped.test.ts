// The PM on a real etcd that stops answering (SIGSTOP: connections stay open, nothing
// comes back). Before, /ready hung and GET /api/v1/packages/hello took 32 s to answer 503;
// now every store call is bounded by ETCD_TIMEOUT and readiness by 0.9 s.
import { randomBytes } from "node:crypto";
import { startTestEtcd, waitFor, type TestEtcd } from "@oaas/testkit";
import { expect } from "chai";
import { errorOf, startTestPm, type TestPm } from "../support/pm.ts";

describe("pm on an etcd that stopped answering (SIGSTOP)", function () {
  this.timeout(120_000);
  let etcd: TestEtcd;
  let pm: TestPm;
  let stopped = false;
  const resume = () => {
    if (stopped) process.kill(etcd.process.pid, "SIGCONT");
    stopped = false;
  };

  before(async function () {
    etcd = await startTestEtcd();
    pm = await startTestPm({
      STORAGE_TYPE: "etcd",
      ETCD_ENDPOINTS: etcd.endpoint,
      ETCD_KEY_PREFIX: `/oaas-pm-test/${randomBytes(4).toString("hex")}`,
      // ETCD_TIMEOUT left to its default (3 s): that is what this suite holds to.
    });
    const created = await pm.request("POST", "/api/v1/packages", { name: "hello" });
    expect(created.status, created.text).to.equal(201);
  });
  after(async function () {
    resume(); // a stopped process cannot exit on SIGTERM
    await pm.close();
    await etcd.stop();
  });

  /** The answer and how long it took, ms. */
  async function timed(method: string, path: string, body?: unknown) {
    const started = performance.now();
    const answer = await pm.request(method, path, body);
    return { answer, ms: performance.now() - started };
  }

  it("answers 503 within the deadline, /ready within a second saying why, and recovers", async function () {
    expect((await pm.request("GET", "/ready")).status).to.equal(200);
    process.kill(etcd.process.pid, "SIGSTOP");
    stopped = true;

    const ready = await timed("GET", "/ready");
    expect(ready.answer.status).to.equal(503);
    expect(ready.ms).to.be.below(1000);
    expect(errorOf(ready.answer)).to.contain("storage not ready: etcd did not answer within 0.9 s");

    // Each route that reads or writes the store: 503 within ETCD_TIMEOUT (3 s) plus slack.
    const calls: [string, string, unknown?][] = [
      ["GET", "/api/v1/packages/hello"],
      ["GET", "/api/v1/packages"],
      ["POST", "/api/v1/packages", { name: "other" }],
      ["GET", "/api/v1/deployments"],
    ];
    for (const [method, path, body] of calls) {
      const { answer, ms } = await timed(method, path, body);
      expect(answer.status, `${method} ${path}: ${answer.text}`).to.equal(503);
      expect(ms, `${method} ${path}`).to.be.below(4500);
      expect(errorOf(answer), `${method} ${path}`).to.match(/etcd/);
    }

    resume();
    await waitFor(async () => (await pm.request("GET", "/ready")).status === 200, {
      timeoutMs: 30_000,
      description: "the PM ready again after etcd continued",
    });
    const hello = await pm.request("GET", "/api/v1/packages/hello");
    expect(hello.status, hello.text).to.equal(200);
  });
});
