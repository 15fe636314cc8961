// oaasctl nfr as a real process against test/support's stand-in PM: crm nfr explain's text
// per cluster, --at-rps, -o json, and bad arguments that send nothing.
import { expect } from "chai";
import { oaasctl } from "../support/run-cli.ts";
import type { PmStub } from "../support/pm-stub.ts";
import { seedSamplePackage, useStubPmSuite } from "../support/oaasctl-suite.ts";

describe("oaasctl nfr against a stand-in PM over HTTP", function () {
  this.timeout(30_000);
  let pm: PmStub;
  const current = useStubPmSuite();
  beforeEach(function () {
    ({ pm } = current());
  });

  it("nfr: crm nfr explain's text per cluster, --at-rps sent as at_rps, -o json as the PM sent it; bad --at-rps exits 2 sending nothing", async function () {
    await seedSamplePackage(pm);
    expect((await oaasctl(["deploy", "hello", "greeter", "--env", "a"], pm.url)).code).to.equal(0);
    const nfr = {
      deployment_id: "hello-greeter",
      record: "hello-greeter",
      namespace: "oaas",
      at: "2026-12-07T12:00:00.000Z",
      enforcement: { enabled: true, mode: "enforce", dimensions: ["replicas"] },
      requirements: [{ component: "greet", requirements: { max_latency_ms: 200 } }],
      recommendations: [
        {
          component: "greet",
          dimension: "replicas",
          target: 3,
          unit: "replicas",
          basis: "cpu 1.2 cores",
          confidence: 0.9,
        },
      ],
      last_decisions: [],
      would_apply_now: [
        {
          component: "greet",
          dimension: "replicas",
          current: 1,
          recommended: 3,
          verdict: "hold",
          value: 3,
          checks: [{ check: "stability", verdict: "hold", reason: "stability 30/120 s" }],
          next_eligible_at: "2026-12-07T12:01:30.000Z",
          summary: "held: stability 30/120 s",
        },
      ],
      last_applied: [],
      nfr_observed: {
        type: "NfrObserved",
        status: "True",
        reason: "Observed",
        message: "1 recommendation",
        last_transition_time: "2026-12-07T11:59:00Z",
      },
    };
    const body = { id: "hello-greeter", clusters: [{ cluster: "a", deployment_id: "hello-greeter", nfr }] };
    pm.nfrs.set("hello-greeter", body);
    const text = await oaasctl(["nfr", "hello-greeter", "--at-rps", "42.5"], pm.url);
    expect(text.code, text.stderr).to.equal(0);
    expect(text.stdout).to.contain("NFR of oaas/hello-greeter at 2026-12-07T12:00:00.000Z\n");
    expect(text.stdout).to.contain("enforcement: mode enforce, dimensions [replicas], global flag on");
    expect(text.stdout).to.contain(
      "NfrObserved: True (Observed) since 2026-12-07T11:59:00Z: 1 recommendation",
    );
    expect(text.stdout).to.contain("function greet: max_latency_ms 200");
    expect(text.stdout).to.contain("function greet replicas: 3 replicas (confidence 0.90)");
    expect(text.stdout).to.contain(
      "function greet replicas: current 1, recommended 3 -> held: stability 30/120 s (next eligible at 2026-12-07T12:01:30.000Z)",
    );
    expect(text.stdout).to.contain("hold   stability: stability 30/120 s");
    const query = pm.requests.find((r) => r.path === "/api/v1/deployments/hello-greeter/nfr")?.query;
    expect(query?.get("at_rps")).to.equal("42.5");
    const json = await oaasctl(["nfr", "hello-greeter", "-o", "json"], pm.url);
    expect(JSON.parse(json.stdout)).to.deep.equal(body);

    const asked = pm.count("GET", "/api/v1/deployments/hello-greeter/nfr");
    const bad = await oaasctl(["nfr", "hello-greeter", "--at-rps", "-3"], pm.url);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain("requests per second");
    expect(pm.count("GET", "/api/v1/deployments/hello-greeter/nfr")).to.equal(asked);

    pm.nfrs.set("hello-greeter", {
      id: "hello-greeter",
      clusters: [{ cluster: "a", deployment_id: "hello-greeter", error: 'cluster "a": unavailable' }],
    });
    const failed = await oaasctl(["nfr", "hello-greeter"], pm.url);
    expect(failed.code).to.equal(1);
    expect(failed.stdout).to.contain('cluster a (hello-greeter):\nerror: cluster "a": unavailable');
  });
});
