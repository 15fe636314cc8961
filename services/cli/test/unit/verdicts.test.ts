// --wait stops early on a reason waiting will not cure (verdicts.ts blockingReasons): the
// rule table, and deploy/status --wait in process against the PM stub (a real HTTP
// server standing in for the PM). A quota-blocked rollout waited out its 5 minutes and
// ended "last: DEPLOYING (default=DEGRADED)" although the record named the quota.
import { expect } from "chai";
import type { DeploymentWithClusters } from "@oaas/pm-api";
import { statusViews, type StatusView } from "../../src/status-view.ts";
import { blockingReason, deploymentVerdict, statusVerdict } from "../../src/verdicts.ts";
import { runInProcess } from "../support/io.ts";
import { startPmStub, type PmStub } from "../support/pm-stub.ts";

const quota =
  'pods "shop-cart-add-7-5d8f" is forbidden: exceeded quota: small, requested: cpu=500m, used: cpu=1, limited: cpu=1';

/** A record of one cluster as the PM's deployment-status gives it. */
function record(summary: string, reason: string, message: string, cluster = "a"): StatusView[] {
  return statusViews(
    {
      id: "d",
      deployment_id: "d",
      phase: summary,
      last_updated: "2026-01-01T00:00:00Z",
      status_resource_refs: [],
      cluster,
      status: summary,
      conditions: [
        { type: "Available", status: "False", reason, message },
        { type: "Degraded", status: summary === "DEGRADED" ? "True" : "False", reason, message },
      ],
      functions: [{ function_key: "add", ready: false, reason, message }],
    },
    "d",
  );
}

/** A GET /deployments/{key} answer: one cluster "a" with its status. */
function deploymentOf(
  condition: DeploymentWithClusters["condition"],
  status: string,
): DeploymentWithClusters {
  return {
    key: "d",
    package_name: "p",
    class_key: "c",
    target_env: "",
    target_clusters: ["a"],
    target_envs: ["a"],
    nfr_requirements: {},
    functions: [],
    condition,
    clusters: [
      { cluster: "a", unit_id: "d-a", state: "DEPLOYED", updated_at: "2026-01-01T00:00:00Z", status },
    ],
  };
}

describe("--wait: blocking reasons", function () {
  const rows: [string, string, string, string, boolean][] = [
    ["a quota refusing the pods", "DEGRADED", "FailedCreate", quota, true],
    [
      "pods forbidden by a LimitRange",
      "DEGRADED",
      "FailedCreate",
      'pods "x" is forbidden: maximum cpu',
      true,
    ],
    ["a FailedCreate that is no refusal", "DEGRADED", "FailedCreate", "serviceaccount not found yet", false],
    ["a rollout past its deadline", "DEGRADED", "ProgressDeadlineExceeded", "ReplicaSet has timed out", true],
    ["an image that cannot be pulled", "DEGRADED", "ImagePullBackOff", "Back-off pulling image", true],
    ["an invalid image name", "DEGRADED", "InvalidImageName", "couldn't parse image name", true],
    ["a failed Knative revision", "DEGRADED", "RevisionFailed", "Container failed", true],
    ["a spec the CRM refuses", "ERROR", "InvalidSpec", "functions[0]: image missing", true],
    ["a name held by another record", "ERROR", "NameConflict", "Service x exists", true],
    ["pods still starting", "PROGRESSING", "RollingOut", "0/1 replicas updated", false],
    ["a crash that may pass", "DEGRADED", "CrashLoopBackOff", "back-off restarting", false],
    // A reason left from the previous spec: the CRM summarizes stale conditions as progressing.
    ["a quota reason of an older spec", "PROGRESSING", "FailedCreate", quota, false],
  ];
  for (const [name, summary, reason, message, blocks] of rows)
    it(`${name}: ${blocks ? "stops" : "waits"}`, function () {
      const [view] = record(summary, reason, message);
      const found = view ? blockingReason(view) : undefined;
      if (!blocks) return expect(found).to.equal(undefined);
      expect(found?.reason).to.equal(reason);
      expect(found?.where).to.match(/^cluster a, condition (Available|Degraded)$/);
      return expect(found?.message).to.equal(message);
    });

  it("deploy verdict: the reason shows per cluster while waiting, and a blocking one fails", function () {
    const deployment = deploymentOf("DEPLOYING", "DEGRADED");
    expect(deploymentVerdict(deployment, record("PROGRESSING", "RollingOut", "0/1"))).to.deep.equal({
      kind: "waiting",
      state: "DEPLOYING (a=DEGRADED/RollingOut)",
    });
    const blocked = deploymentVerdict(deployment, record("DEGRADED", "FailedCreate", quota));
    expect(blocked.kind).to.equal("failed");
    expect(blocked.state).to.equal("DEPLOYING (a=DEGRADED/FailedCreate)");
    expect(blocked.kind === "failed" ? blocked.reason : "").to.contain(`FailedCreate: ${quota}`);
  });

  it("status verdict: the same rule", function () {
    const verdict = statusVerdict(record("DEGRADED", "ProgressDeadlineExceeded", "timed out"));
    expect(verdict.kind).to.equal("failed");
  });
});

describe("--wait against the PM stub: a blocked rollout ends early naming the reason", function () {
  this.timeout(30_000);
  let pm: PmStub;
  beforeEach(async function () {
    pm = await startPmStub();
    pm.packages.set("shop", { name: "shop", classes: [{ key: "cart" }], functions: [] });
    pm.deploymentScript = { pollsBeforeFinal: 0, final: "DEPLOYING" };
    pm.statusPollsBeforeAvailable = 100;
    pm.blocked = { reason: "FailedCreate", message: quota, afterPolls: 1 };
  });
  afterEach(async function () {
    await pm.close();
  });

  it("deploy --wait: prints the reason as it changes and exits 4 at once, not at --timeout", async function () {
    const started = Date.now();
    const run = await runInProcess(
      ["deploy", "shop", "cart", "--wait", "--timeout", "5m", "--poll-interval", "20ms"],
      { OAAS_PM_URL: pm.url },
    );
    expect(run.code, run.stderr).to.equal(4);
    expect(Date.now() - started).to.be.below(10_000);
    const lines = run.stderr.trim().split("\n");
    expect(lines[0]).to.match(/deployment\/shop-cart: DEPLOYING \(default=PROGRESSING\/WaitingForPods\)$/);
    expect(lines.at(-1)).to.contain("error: deployment/shop-cart failed: DEPLOYING (default=");
    expect(lines.at(-1)).to.contain(`FailedCreate: ${quota}`);
    expect(lines.at(-1)).to.contain("a ResourceQuota refuses the pods");
  });

  it("status --wait: the same", async function () {
    await runInProcess(["deploy", "shop", "cart"], { OAAS_PM_URL: pm.url });
    const run = await runInProcess(
      ["status", "shop-cart", "--wait", "--timeout", "5m", "--poll-interval", "20ms"],
      { OAAS_PM_URL: pm.url },
    );
    expect(run.code, run.stderr).to.equal(4);
    expect(run.stderr).to.contain(`FailedCreate: ${quota}`);
  });
});
