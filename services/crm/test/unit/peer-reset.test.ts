// A client that gives up on a call over HTTP/2 resets the stream; the server must count
// that as the client leaving (CANCELLED or DEADLINE_EXCEEDED), never as INTERNAL: Node's
// HTTP/2 client resets a stream whose deadline passed with INTERNAL_ERROR, and
// connect-node reports that code to the server as INTERNAL. Found by a newcomer's
// deadline storm: 119 "rpc failed" error lines and grpc_code="Internal" for client
// timeouts. Real sockets on 127.0.0.1 (the ingress's listener), no cluster.
import { Writable } from "node:stream";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import { DeploymentService } from "@oaas/proto";
import { createLogger, createMetrics } from "@oaas/telemetry";
import { waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { abortError, correlationGate, observeRpcs } from "../../src/ingress/interceptor.ts";
import { listen, type Listener } from "../../src/ingress/listener.ts";

describe("crm ingress: a stream the client reset is the client leaving, not a server error", function () {
  this.timeout(30_000);
  const lines: { level: string; message: string; code?: string }[] = [];
  const metrics = createMetrics({ serviceName: "t" });
  let started = 0;
  let ended = 0;
  let listener: Listener;
  let client: ReturnType<typeof createClient<typeof DeploymentService>>;

  before(async function () {
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
        callback();
      },
    });
    const handler = connectNodeAdapter({
      routes: (router) =>
        router.service(DeploymentService, {
          // Waits for its signal like a slow Kubernetes call would (up to 10 s): every call
          // that reaches it ends by the client leaving.
          async getDeploymentStatus(_req, context) {
            started++;
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, 10_000);
              context.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), {
                once: true,
              });
            });
            ended++;
            if (context.signal.aborted) throw context.signal.reason;
            return {};
          },
        }),
      requestGate: correlationGate,
      interceptors: [observeRpcs(createLogger({ service: "t", level: "debug", stream }), metrics)],
    });
    listener = await listen(handler, { port: 0, host: "127.0.0.1" });
    client = createClient(
      DeploymentService,
      createGrpcTransport({ baseUrl: `http://127.0.0.1:${listener.port}` }),
    );
  });
  after(async function () {
    await listener.close(1000);
    await metrics.shutdown();
  });

  it("client deadlines of 5..40 ms and client aborts over gRPC/HTTP/2: CANCELLED or DEADLINE_EXCEEDED, no error line, no Internal", async function () {
    const calls: Promise<unknown>[] = [];
    // Short deadlines and aborts may end before the handler runs (on a busy machine most
    // do); the longer ones (250..600 ms) reach it, so the server side is always exercised.
    for (const ms of [5, 10, 15, 20, 25, 30, 35, 40, 250, 300, 350, 400, 450, 500, 550, 600]) {
      calls.push(client.getDeploymentStatus({ deploymentId: "d" }, { timeoutMs: ms }).catch(() => undefined));
      const cancel = new AbortController();
      calls.push(
        client.getDeploymentStatus({ deploymentId: "a" }, { signal: cancel.signal }).catch(() => undefined),
      );
      setTimeout(() => cancel.abort(), ms);
    }
    await Promise.all(calls);
    await waitFor(
      () => ended === started && lines.filter((l) => /^rpc( failed)?$/.test(l.message)).length === started,
      {
        description: "every started call to end on the server and be logged",
        timeoutMs: 10_000,
      },
    );
    expect(started, "calls that reached the handler").to.be.greaterThan(8);
    const codes = new Set(lines.filter((l) => /^rpc( failed)?$/.test(l.message)).map((l) => l.code));
    expect(
      [...codes].every((c) => c === "Canceled" || c === "DeadlineExceeded"),
      [...codes].join(),
    ).to.equal(true);
    expect(lines.filter((l) => l.level === "error")).to.deep.equal([]);
    const text = await metrics.render();
    expect(text).to.match(/grpc_server_handled_total\{[^}]*grpc_code="(Canceled|DeadlineExceeded)"/);
    expect(text).not.to.match(/grpc_code="Internal"/);
  });

  it("abortError: a peer reset of any code is CANCELLED naming the reset; other reasons are kept", function () {
    const reset = (message: string, code: Code) => {
      const controller = new AbortController();
      controller.abort(new ConnectError(message, code));
      return abortError(controller.signal);
    };
    const internal = reset("http/2 stream closed with error code INTERNAL_ERROR (0x2)", Code.Internal);
    expect(internal.code).to.equal(Code.Canceled);
    expect(internal.rawMessage).to.equal(
      "the client reset the stream (http/2 stream closed with error code INTERNAL_ERROR (0x2))",
    );
    expect(
      reset("http/2 stream closed with error code ENHANCE_YOUR_CALM (0xb)", Code.ResourceExhausted).code,
    ).to.equal(Code.Canceled);
    expect(reset("http/2 stream closed with error code CANCEL (0x8)", Code.Canceled).rawMessage).to.equal(
      "http/2 stream closed with error code CANCEL (0x8)",
    );
    // The server's own deadline and anything else keep their code.
    expect(reset("the operation timed out", Code.DeadlineExceeded).code).to.equal(Code.DeadlineExceeded);
    expect(reset("shutting down", Code.Unavailable).code).to.equal(Code.Unavailable);
    const plain = new AbortController();
    plain.abort();
    expect(abortError(plain.signal).code).to.equal(Code.Canceled);
  });
});
