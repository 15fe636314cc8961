// The PM's circuit breaker and retries against a real Connect server (the CRM's own
// listener, test/support/stand-in-crm.ts) and real transport failures (a closed port, a
// TLS handshake with a cleartext server, a peer that resets the connection): answers
// about the request never open a healthy cluster's breaker (five
// RESOURCE_EXHAUSTED lists used to cut a cluster off for 60 s), failures of the cluster
// do, and an open breaker tries the cluster again within seconds. Also the paging of
// ListClassRuntimes when the CRM says a page is too large.
import net from "node:net";
import { Code, ConnectError } from "@connectrpc/connect";
import { create } from "@bufbuild/protobuf";
import { DeploymentUnitSchema } from "@oaas/proto";
import { waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { parsePmConfig } from "../../src/config/index.ts";
import { CrmError, deployOutcome } from "../../src/crm/errors.ts";
import { listEveryPage } from "../../src/crm/list-pages.ts";
import { CrmManager, openRecheckMs } from "../../src/crm/manager.ts";
import { RuntimeService } from "../../src/services/runtimes.ts";
import { startStandInCrm, type StandInCrm } from "../support/stand-in-crm.ts";

const ctx = { correlationId: "breaker-test" };

/** What GetDeploymentStatus of the stand-in answers next. */
let answer: Code | "ok" = "ok";
let statusCalls = 0;

function units(n: number) {
  return Array.from({ length: n }, (_, i) =>
    create(DeploymentUnitSchema, { id: `u-${String(i).padStart(3, "0")}`, packageName: "p", classKey: "c" }),
  );
}

/** A CrmManager over `urls` (cluster name -> URL): threshold 5, 2 retries 10 ms apart. */
function manager(urls: Record<string, string>): CrmManager {
  const env: Record<string, string> = {
    OPRC_PM_CRM_CLUSTERS: Object.keys(urls).join(","),
    CRM_CIRCUIT_BREAKER_FAILURE_THRESHOLD: "5",
    CRM_DEFAULT_RETRY_ATTEMPTS: "2",
    OPRC_PM_RETRY_BASE_MS: "10",
    CRM_HEALTH_CHECK_INTERVAL: "0",
    // The client alone is under test here: no REST routes, so none to authenticate.
    OPRC_PM_AUTH_DISABLED: "true",
  };
  for (const [name, url] of Object.entries(urls)) env[`OPRC_PM_CRM_${name.toUpperCase()}_URL`] = url;
  const config = parsePmConfig(env);
  return new CrmManager({ crm: config.crm, deploy: config.deploy });
}

/** The CrmError of a call that must fail. */
async function failure(call: Promise<unknown>): Promise<CrmError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof CrmError)) throw new Error(`expected a CrmError, got ${String(error)}`);
  return error;
}

describe("pm crm client: the breaker counts the cluster's failures, never the request's", function () {
  this.timeout(60_000);
  let crm: StandInCrm;
  const held = units(23);

  before(async function () {
    crm = await startStandInCrm({
      status: () => {
        statusCalls++;
        if (answer === "ok") return { message: "RUNNING" };
        throw new ConnectError(`answered ${Code[answer]}`, answer);
      },
      list: () => held,
      maxPage: 4,
    });
  });
  after(async function () {
    await crm.close();
  });
  beforeEach(function () {
    answer = "ok";
    statusCalls = 0;
  });

  it("100 RESOURCE_EXHAUSTED, 100 INVALID_ARGUMENT and 100 INTERNAL answers: closed, none retried; then UNAVAILABLE opens it", async function () {
    const m = manager({ a: crm.url });
    try {
      for (const code of [Code.ResourceExhausted, Code.InvalidArgument, Code.Internal]) {
        answer = code;
        for (let i = 0; i < 100; i++) {
          const error = await failure(m.status("a", "x", ctx));
          expect([error.kind, error.code]).to.deep.equal(["answered", code]);
        }
        expect(m.breakerState("a"), Code[code]).to.equal("closed");
      }
      expect(statusCalls, "one attempt per call").to.equal(300);
      expect(m.retryCount("a")).to.equal(0);
      answer = Code.Unavailable;
      const first = await failure(m.status("a", "x", ctx));
      expect([first.kind, first.code]).to.deep.equal(["unreachable", Code.Unavailable]);
      expect(m.retryCount("a"), "UNAVAILABLE is retried").to.equal(2);
      await failure(m.status("a", "x", ctx));
      expect(m.breakerState("a")).to.equal("open");
      const fast = await failure(m.status("a", "x", ctx));
      expect(fast.kind).to.equal("breaker-open");
      // The first trial call comes about 2 s after opening (not CRM_CIRCUIT_BREAKER_TIMEOUT's 60 s).
      answer = "ok";
      const opened = Date.now();
      await waitFor(
        () =>
          m.status("a", "x", ctx).then(
            () => true,
            () => false,
          ),
        { description: "a trial call that closes the breaker", timeoutMs: 10_000, intervalMs: 200 },
      );
      expect(Date.now() - opened).to.be.below(8_000);
      expect(m.breakerState("a")).to.equal("closed");
    } finally {
      m.close();
    }
  });

  it("a health probe that reaches the CRM closes an open breaker on probation; one that does not leaves it open", async function () {
    // A CRM that answers its env health, as a restarted one does.
    const healthy = await startStandInCrm({
      status: () => {
        statusCalls++;
        if (answer === "ok") return { message: "RUNNING" };
        throw new ConnectError(`answered ${Code[answer]}`, answer);
      },
      health: { availability: 1, nodes: 2 },
    });
    const port = await closedPort();
    const m = manager({ a: healthy.url, gone: `http://127.0.0.1:${port}` });
    const open = async (name: string) => {
      await failure(m.status(name, "x", ctx));
      await failure(m.status(name, "x", ctx));
      expect(m.breakerState(name), name).to.equal("open");
    };
    try {
      answer = Code.Unavailable;
      await open("a");
      await open("gone");
      // The CRM is back (a restart): a probe closes the breaker, the next call is served.
      answer = "ok";
      const probed = await m.health("a", { fresh: true });
      expect([probed.reachable, probed.breaker]).to.deep.equal([true, "closed"]);
      expect(await m.status("a", "x", ctx)).to.not.equal(undefined);
      const gone = await m.health("gone", { fresh: true });
      expect([gone.reachable, gone.breaker]).to.deep.equal([false, "open"]);
      expect((await failure(m.status("gone", "x", ctx))).kind).to.equal("breaker-open");

      // Open again; past the recheck period a call probes first and is served at once.
      answer = Code.Unavailable;
      await open("a");
      answer = "ok";
      const recheckFrom = Date.now();
      await waitFor(() => Date.now() - recheckFrom > openRecheckMs, {
        description: "the recheck period over",
        timeoutMs: 10_000,
        intervalMs: 100,
      });
      let calls = statusCalls;
      expect(await m.status("a", "x", ctx)).to.not.equal(undefined);
      expect(statusCalls - calls, "served at once, no trial wait").to.equal(1);
      expect(m.breakerState("a")).to.equal("closed");

      // Health answers but the calls still fail: on probation, one failure opens it again.
      answer = Code.Unavailable;
      await open("a");
      const reopenFrom = Date.now();
      await waitFor(() => Date.now() - reopenFrom > openRecheckMs, {
        description: "the recheck period over",
        timeoutMs: 10_000,
        intervalMs: 100,
      });
      calls = statusCalls;
      await failure(m.status("a", "x", ctx));
      expect(statusCalls - calls, "one attempt, not threshold x retries").to.equal(1);
      expect(m.breakerState("a")).to.equal("open");
    } finally {
      m.close();
      await healthy.close();
    }
  });

  it("transport failures (ECONNREFUSED, TLS, a reset connection) are the cluster's: unreachable, retried, counted", async function () {
    const port = await closedPort();
    const resetter = net.createServer((socket) => socket.once("data", () => socket.resetAndDestroy()));
    await new Promise<void>((resolve) => resetter.listen(0, "127.0.0.1", resolve));
    const resetPort = (resetter.address() as net.AddressInfo).port;
    const m = manager({
      refused: `http://127.0.0.1:${port}`,
      tls: crm.url.replace("http:", "https:"),
      reset: `http://127.0.0.1:${resetPort}`,
    });
    try {
      for (const name of ["refused", "tls", "reset"]) {
        const error = await failure(m.status(name, "x", ctx));
        expect(error.kind, `${name}: ${error.message}`).to.equal("unreachable");
        expect(error.verdict?.row, error.message).to.equal("TRANSPORT");
        expect(error.message).to.match(
          name === "refused" ? /Unavailable: connect ECONNREFUSED/ : /\(connection failed\)/,
        );
        // Deploy's outcome stays unknown: an earlier attempt may have gone out before this one.
        expect(deployOutcome(error)).to.equal("unknown");
        expect(m.retryCount(name), name).to.equal(2);
        await failure(m.status(name, "x", ctx));
        expect(m.breakerState(name), name).to.equal("open");
      }
      expect((await failure(m.status("refused", "x", ctx))).message).to.match(/circuit breaker open/);
    } finally {
      m.close();
      resetter.close();
    }
  });

  it("calls the PM's own caller cancels are never counted", async function () {
    const m = manager({ a: crm.url });
    try {
      answer = Code.Unavailable; // would count, but the caller has gone first
      for (let i = 0; i < 10; i++) {
        const stop = new AbortController();
        stop.abort();
        const error = await failure(m.statusDetail("a", "x", ctx, stop.signal));
        expect(error.verdict?.row).to.equal("CALLER");
      }
      expect(m.breakerState("a")).to.equal("closed");
    } finally {
      m.close();
    }
  });

  it("ListClassRuntimes: pages through every record, smaller when the CRM says a page is too large", async function () {
    const m = manager({ a: crm.url });
    try {
      crm.listRequests.length = 0;
      const all = await listEveryPage(m, "a", {}, ctx);
      expect(all.map((u) => u.id)).to.deep.equal(held.map((u) => u.id));
      // 100 refused, then pages of the 4 the CRM named: 0, 4, ... 20 (the last one short).
      expect(crm.listRequests).to.deep.equal([
        { offset: 0, limit: 100 },
        ...[0, 4, 8, 12, 16, 20].map((offset) => ({ offset, limit: 4 })),
      ]);
      expect(m.breakerState("a")).to.equal("closed");
      crm.listRequests.length = 0;
      const page = await new RuntimeService(m).list({ offset: 3, limit: 2 }, ctx);
      expect(page.items.map((i) => i.id)).to.deep.equal(["u-003", "u-004"]);
      expect(crm.listRequests.at(-1), "stops once offset + limit are in").to.deep.equal({
        offset: 4,
        limit: 4,
      });
      const late = await failure(listEveryPage(m, "a", {}, ctx, { deadlineMs: 1 }));
      expect([late.kind, late.code]).to.deep.equal(["answered", Code.DeadlineExceeded]);
      expect(late.message).to.match(/listing took longer than 1 ms/);
      expect(m.breakerState("a")).to.equal("closed");
    } finally {
      m.close();
    }
  });
});

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
