// `oaasctl status` of a record whose pods cannot run: the pod's reason
// and what to do reach the person through the conditions (with their age) and the
// per-function rows, as the PM answers them (GET /deployment-status/{id}). Pure.
import type { DeploymentStatus } from "@oaas/pm-api";
import { expect } from "chai";
import { blockingReason } from "../../src/verdicts.ts";
import { statusViews } from "../../src/status-view.ts";
import { statusText } from "../../src/views.ts";

const now = Date.parse("2026-12-07T12:00:00Z");
const pullMessage =
  'function fn: Deployment shop-fn: 1 of 1 pod(s) ImagePullBackOff; pod shop-fn-7d9-x: container fn cannot pull image "reg/shop:v2" (ErrImagePull: not found). Check that the image name and tag exist in the registry and that the pull secret grants access, then redeploy with a fixed image.';

const answer: DeploymentStatus = {
  id: "shop",
  phase: "Degraded",
  last_updated: "2026-12-07T11:57:00Z",
  cluster: "default",
  deployment_id: "shop",
  status: "DEGRADED",
  message: `DEGRADED (Degraded): ${pullMessage}`,
  status_resource_refs: [],
  conditions: [
    {
      type: "Available",
      status: "False",
      reason: "ImagePullBackOff",
      last_transition_time: "2026-12-07T11:40:00Z",
    },
    {
      type: "Degraded",
      status: "True",
      reason: "ImagePullBackOff",
      message: pullMessage,
      last_transition_time: "2026-12-07T11:57:00Z",
    },
  ],
  functions: [
    { function_key: "fn", ready: false, reason: "ImagePullBackOff", message: pullMessage.slice(13) },
  ],
};

describe("oaasctl status: a record whose pods cannot run", function () {
  const text = statusText(statusViews(answer, "shop"), now);
  const line = (start: string) => text.split("\n").find((l) => l.startsWith(start)) ?? "";

  it("the Degraded condition row: its reason, since when (3m) and the pod's message", function () {
    const row = line("Degraded");
    expect(row).to.match(/^Degraded\s+True\s+ImagePullBackOff\s+3m\s+function fn: Deployment shop-fn/);
    expect(row).to.contain('cannot pull image "reg/shop:v2" (ErrImagePull: not found)');
  });

  it("the function row: not ready, the reason, and what to do", function () {
    const row = line("fn ");
    expect(row).to.match(/^fn\s+False\s+ImagePullBackOff\s+-\s+Deployment shop-fn/);
    expect(row).to.contain("redeploy with a fixed image");
  });

  it("`--wait` stops on it at once: an image that cannot be pulled does not pull itself", function () {
    const [view] = statusViews(answer, "shop");
    if (!view) throw new Error("no view");
    expect(blockingReason(view)).to.include({
      reason: "ImagePullBackOff",
      where: "cluster default, condition Available",
    });
  });
});
