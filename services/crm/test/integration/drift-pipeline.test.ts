// Drift repair through the whole pipeline: `crm all` (watcher, queue, reconciler) and
// `kubectl set env` on a child.
import { functionChildName } from "@oaas/crd";
import { waitCrmChildReady, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { deploymentClient, recordDetailClient } from "../support/clients.ts";
import { useCrmSuite } from "../support/crm-suite.ts";
import type { LiveDeployment } from "../support/drift.ts";
import { unit } from "../support/fixtures.ts";
import { getRecord } from "../support/records.ts";
import { deploymentsType, getChild } from "../support/reconciler.ts";
// The user's report, end to end: `crm all` (watcher, queue, reconciler) and
// `kubectl set env` on a child made three drift-repaired entries within 0.2 s and kept
// the variable, because every event of the fight was another run that "repaired" it.
describe("crm pipeline: kubectl set env on a child is put back once (watcher, queue, reconciler)", function () {
  this.timeout(240_000);
  const suite = useCrmSuite({ namespace: "drift-pipe" });

  it("HACK2 goes, exactly one drift-repaired entry in the Redis history, the record Available again", async function () {
    const kube = suite.kube;
    const all = await suite.crm(["all"]);
    await waitCrmChildReady(all);
    const id = "set-env";
    await deploymentClient("grpc", all.url).deploy({ deploymentUnit: unit(id) });
    const record = async () => getRecord(kube, suite.namespace, id);
    const phase = async () => (await record())?.status?.phase;
    await waitFor(async () => (await phase()) === "Available", {
      description: `${id} Available`,
      timeoutMs: 120_000,
      intervalMs: 300,
    });
    const r = await record();
    if (r === undefined) throw new Error("record gone");
    const name = functionChildName(r.metadata.name, "fn");
    const path = `/apis/apps/v1/namespaces/${suite.namespace}/deployments/${name}`;
    // What `kubectl set env deployment/<child> HACK2=1` sends.
    await kube.request({
      method: "PATCH",
      path,
      query: { fieldManager: "kubectl-set" },
      contentType: "application/strategic-merge-patch+json",
      body: {
        spec: {
          template: { spec: { containers: [{ name: "function", env: [{ name: "HACK2", value: "1" }] }] } },
        },
      },
    });
    const records = recordDetailClient("grpc", all.url);
    const history = async () =>
      (await records.getHistory({ deploymentId: id })).entries.map(({ type, message }) => ({
        type,
        message,
      }));
    const env = async () =>
      (
        (await getChild(kube, deploymentsType, suite.namespace, name)) as unknown as
          LiveDeployment | undefined
      )?.spec?.template?.spec?.containers?.[0]?.env ?? [];
    // Put back, rolled out again, and recorded.
    await waitFor(
      async () =>
        !(await env()).some((e) => e.name === "HACK2") &&
        (await phase()) === "Available" &&
        (await history()).some((e) => e.type === "drift-repaired"),
      {
        description: "HACK2 removed, Available again, drift-repaired recorded",
        timeoutMs: 120_000,
        intervalMs: 300,
      },
    );
    const repaired = (await history()).filter((e) => e.type === "drift-repaired");
    expect(repaired, JSON.stringify(repaired)).to.have.length(1);
    expect(repaired[0]?.message).to.contain("spec.template.spec.containers[function].env[HACK2]");
    expect((await history()).filter((e) => e.type === "failed")).to.have.length(0);
  });
});
