// A handler whose work fails after the call already ended (deadline or
// client cancel) must not leave an unhandled rejection behind. The handler here stands
// in for a Kubernetes read (a fake inside a unit; the storm suite does it for real).
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { DeploymentService } from "@oaas/proto";
import { createLogger, createMetrics } from "@oaas/telemetry";
import { waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { DeploymentError } from "../../src/deployments/errors.ts";
import { correlationGate, observeRpcs } from "../../src/ingress/interceptor.ts";

describe("crm ingress: late failures of ended calls are observed", function () {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  before(() => process.prependListener("unhandledRejection", onUnhandled));
  after(() => process.off("unhandledRejection", onUnhandled));

  it("deadlines of 1..10 ms and client cancels: no unhandled rejection, the calls end as the client asked", async function () {
    let started = 0;
    let failedLate = 0;
    const metrics = createMetrics({ serviceName: "t" });
    const transport = createRouterTransport(
      (router) =>
        router.service(DeploymentService, {
          // Ignores the signal, then fails: the shape of a Kubernetes read the deadline outran.
          async getDeploymentStatus() {
            started++;
            await new Promise((resolve) => setTimeout(resolve, 15));
            failedLate++;
            throw new DeploymentError(
              "deadlineExceeded",
              "the request ended while Kubernetes was being asked",
            );
          },
        }),
      {
        router: {
          // A slow request body: the deadline often passes before the interceptor runs.
          requestGate: async (context) => {
            correlationGate(context);
            await new Promise((resolve) => setTimeout(resolve, 5));
          },
          interceptors: [observeRpcs(createLogger({ service: "t", level: "error" }), metrics)],
        },
      },
    );
    const client = createClient(DeploymentService, transport);
    const codes: Code[] = [];
    const calls: Promise<void>[] = [];
    for (let ms = 1; ms <= 10; ms++) {
      for (let round = 0; round < 3; round++) {
        calls.push(
          client.getDeploymentStatus({ deploymentId: "x" }, { timeoutMs: ms }).then(
            () => void codes.push(Code.Unknown),
            (e: unknown) => void codes.push(ConnectError.from(e).code),
          ),
        );
        const cancel = new AbortController();
        calls.push(
          client.getDeploymentStatus({ deploymentId: "x" }, { signal: cancel.signal }).then(
            () => void codes.push(Code.Unknown),
            (e: unknown) => void codes.push(ConnectError.from(e).code),
          ),
        );
        setTimeout(() => cancel.abort(), ms);
      }
    }
    await Promise.all(calls);
    await waitFor(() => failedLate === started, {
      description: "every started handler to fail",
      timeoutMs: 5000,
    });
    // One more turn of the event loop so Node would have reported an unhandled rejection.
    await new Promise((resolve) => setImmediate(resolve));
    await metrics.shutdown();
    expect(unhandled).to.deep.equal([]);
    expect(new Set(codes)).to.deep.equal(new Set([Code.DeadlineExceeded, Code.Canceled]));
    expect(codes).to.have.length(60);
    expect(started).to.be.greaterThan(0);
  });
});
