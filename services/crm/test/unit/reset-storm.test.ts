// One client's timeouts must not close the HTTP/2 session its other calls share:
// grpc-js and connect-node reset the stream of every call whose deadline passes,
// and Node's HTTP/2 stack (nghttp2's rapid-reset limit: 1000 resets, 33/s) used to end the
// whole session with GOAWAY INTERNAL_ERROR after about a thousand, failing every call in
// flight on it with INTERNAL "Session closed with error code 2". A flood far above any
// real client still ends the session, with ENHANCE_YOUR_CALM (reset-budget.ts). Real
// sockets on 127.0.0.1 through the ingress's listener and request pipeline; no cluster.
import http2 from "node:http2";
import { ConnectError, Code } from "@connectrpc/connect";
import * as grpc from "@grpc/grpc-js";
import { DeploymentService } from "@oaas/proto";
import { createLogger, createMetrics } from "@oaas/telemetry";
import { waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { listen, type Listener } from "../../src/ingress/listener.ts";
import { clientResetRate, nghttp2ResetRate, ResetBudget } from "../../src/ingress/reset-budget.ts";
import { rpcHandler } from "../../src/ingress/rpc-handler.ts";
import { grpcJsCall, grpcJsClient, type GrpcJsClient } from "../support/clients.ts";

/** Storm calls per round, with these deadlines (ms): the five, twice. */
const stormDeadlinesMs = [1, 2, 3, 5, 8, 1, 2, 3, 5, 8];
/** Rounds: 2400 resets, well past the 1000 (+33/s) nghttp2 allowed before. */
const stormRounds = 240;

describe("crm ingress: a storm of client timeouts leaves the session open", function () {
  this.timeout(120_000);
  const metrics = createMetrics({ serviceName: "t" });
  const calm: (string | undefined)[] = [];
  let listener: Listener;
  let strict: Listener;

  before(async function () {
    const handler = rpcHandler({
      routes: (router) =>
        router.service(DeploymentService, {
          // Slower than every storm deadline, so each storm call ends with the client's reset.
          async deleteDeployment(_req, context) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, 30);
              context.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), {
                once: true,
              });
            });
            if (context.signal.aborted) throw new ConnectError("gone", Code.Canceled);
            return {};
          },
          getDeploymentStatus() {
            return { message: "RUNNING" };
          },
        }),
      logger: createLogger({ service: "t", level: "warn" }),
      metrics,
      fallback: (_req, res) => {
        res.statusCode = 404;
        res.end();
      },
      shutdownSignal: new AbortController().signal,
    });
    listener = await listen(handler, { port: 0, host: "127.0.0.1" });
    strict = await listen(handler, {
      port: 0,
      host: "127.0.0.1",
      resetRate: { burst: 200, perSecond: 1 },
      onCalm: (remote) => calm.push(remote),
    });
  });
  after(async function () {
    await listener.close(1000);
    await strict.close(1000);
    await metrics.shutdown();
  });

  it(`${stormRounds} rounds of ${stormDeadlinesMs.length} calls with 1..8 ms deadlines on one grpc-js channel: every bystander call on it succeeds`, async function () {
    const client: GrpcJsClient = grpcJsClient(
      "oaas.deployment.DeploymentService",
      `127.0.0.1:${listener.port}`,
    );
    try {
      const storm: Record<string, number> = {};
      const bystander: Record<string, number> = {};
      const failures: string[] = [];
      const state = { stormDone: false };
      const bystanders = (async () => {
        while (!state.stormDone) {
          const r = await grpcJsCall(
            client,
            "GetDeploymentStatus",
            { deployment_id: "b" },
            { deadlineMs: 10_000 },
          );
          const name = grpc.status[r.code];
          bystander[name] = (bystander[name] ?? 0) + 1;
          if (r.code !== grpc.status.OK) failures.push(`${name}: ${r.details}`);
        }
      })();
      for (let round = 0; round < stormRounds; round++) {
        const results = await Promise.all(
          stormDeadlinesMs.map((ms) =>
            grpcJsCall(client, "DeleteDeployment", { deployment_id: "s" }, { deadlineMs: ms }),
          ),
        );
        for (const r of results) {
          const name = grpc.status[r.code];
          storm[name] = (storm[name] ?? 0) + 1;
          if (r.code !== grpc.status.DEADLINE_EXCEEDED) failures.push(`storm ${name}: ${r.details}`);
        }
      }
      state.stormDone = true;
      await bystanders;
      expect(failures, JSON.stringify({ storm, bystander })).to.deep.equal([]);
      expect(storm["DEADLINE_EXCEEDED"]).to.equal(stormRounds * stormDeadlinesMs.length);
      expect(bystander["OK"], "bystander calls made during the storm").to.be.greaterThan(5);
    } finally {
      client.close();
    }
  });

  it("a rapid-reset flood past the session's budget gets GOAWAY ENHANCE_YOUR_CALM, not INTERNAL_ERROR", async function () {
    const session = http2.connect(`http://127.0.0.1:${strict.port}`);
    session.on("error", () => undefined);
    let goaway: number | undefined;
    session.on("goaway", (code: number) => (goaway = code));
    let sent = 0;
    // Open streams, let their HEADERS go out, then reset them all, as the attack does,
    // until the server says stop (a reset of a stream whose HEADERS were not sent yet
    // never leaves the client).
    for (let batch = 0; batch < 40 && goaway === undefined && !session.destroyed; batch++) {
      const streams = Array.from({ length: 25 }, () => {
        const stream = session.request({
          ":method": "POST",
          ":path": "/oaas.deployment.DeploymentService/DeleteDeployment",
          "content-type": "application/grpc",
          te: "trailers",
        });
        stream.on("error", () => undefined);
        return stream;
      });
      await new Promise((resolve) => setImmediate(resolve));
      for (const stream of streams) stream.close(http2.constants.NGHTTP2_CANCEL);
      sent += streams.length;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await waitFor(() => goaway !== undefined, { description: "the server's GOAWAY", timeoutMs: 10_000 });
    expect(goaway).to.equal(http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
    expect(sent, "resets before the GOAWAY").to.be.greaterThan(200);
    expect(calm).to.have.length(1);
    session.destroy();
  });

  it("ResetBudget: a burst, then the refill rate; the defaults sit far above a client's timeouts", function () {
    const budget = new ResetBudget({ burst: 3, perSecond: 2 });
    expect([0, 0, 0, 0].map((t) => budget.take(t))).to.deep.equal([true, true, true, false]);
    expect(budget.take(400), "0.8 token after 400 ms").to.equal(false);
    expect(budget.take(500), "one whole token after 500 ms more").to.equal(true);
    expect(budget.take(10_000) && budget.take(10_000) && budget.take(10_000)).to.equal(true);
    expect(budget.take(10_000), "never above the burst").to.equal(false);
    expect(clientResetRate.burst).to.be.at.least(10 * 1000);
    expect(nghttp2ResetRate.burst).to.be.greaterThan(clientResetRate.burst);
    expect(nghttp2ResetRate.perSecond).to.be.greaterThan(clientResetRate.perSecond);
  });
});
