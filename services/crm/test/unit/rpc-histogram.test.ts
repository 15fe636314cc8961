// grpc_server_handling_seconds uses second-scale buckets, so calls of
// different durations land in different buckets (the default OpenTelemetry boundaries
// are milliseconds and put everything from 2 ms to 1.5 s into one).
import { createClient, createRouterTransport } from "@connectrpc/connect";
import { DeploymentService } from "@oaas/proto";
import { createLogger, createMetrics } from "@oaas/telemetry";
import { expect } from "chai";
import { DeploymentError } from "../../src/deployments/errors.ts";
import { observeRpcs, rpcSecondsBuckets } from "../../src/ingress/interceptor.ts";

describe("crm RPC latency histogram", function () {
  it("calls of 0, 30 and 300 ms fall into different second-scale buckets", async function () {
    const metrics = createMetrics({ serviceName: "t" });
    const transport = createRouterTransport(
      (router) =>
        router.service(DeploymentService, {
          async getDeploymentStatus(req) {
            await new Promise((resolve) => setTimeout(resolve, Number(req.deploymentId)));
            throw new DeploymentError("notFound", "no such deployment");
          },
        }),
      { router: { interceptors: [observeRpcs(createLogger({ service: "t", level: "error" }), metrics)] } },
    );
    const client = createClient(DeploymentService, transport);
    for (const ms of ["0", "30", "300"])
      await client.getDeploymentStatus({ deploymentId: ms }).catch(() => undefined);
    const text = await metrics.render();
    await metrics.shutdown();
    const bucket = (le: string) =>
      Number(
        new RegExp(`grpc_server_handling_seconds_bucket\\{[^}]*le="${le}"[^}]*\\} (\\d+)`).exec(text)?.[1],
      );
    expect(rpcSecondsBuckets).to.include.members([0.01, 0.05, 0.1, 0.5, 1]);
    // Cumulative counts: 1 call by 10 ms, 2 by 100 ms (30 ms), 3 by 500 ms (300 ms).
    expect([bucket("0.01"), bucket("0.1"), bucket("0.5"), bucket("\\+Inf")]).to.deep.equal([1, 2, 3, 3]);
  });
});
