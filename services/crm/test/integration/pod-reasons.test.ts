// Status that says why within seconds, on a real `crm all` process, a
// real API server, scheduler and controller-manager with KWOK nodes, and real Redis. A
// record whose pod cannot be scheduled, and one whose pod cannot pull its image, read
// Degraded with the pod's reason (in the conditions and in per-function status, as
// RecordDetailService, hence `oaasctl status`, shows them) within 30 s, long before the
// Deployment's 600 s progress deadline; the reason clears once the spec is fixed.
//
// How the pods get there: the scheduler itself refuses a pod that asks for more CPU than
// any node has (PodScheduled=False Unschedulable). KWOK runs no kubelet and pulls no
// image, so the test writes the kubelet's part: once KWOK made the pod Running (it leaves
// a pod that has a podIP alone), the test sets its status to what a kubelet writes while
// it waits to create the container (ContainerCreating), then to ErrImagePull. The second
// write changes nothing the Deployment counts, so no child event wakes the CRM: only its
// recheck of a workload that is not available reads the reason. A quota refusal never
// reaches a pod: the ReplicaSet's FailedCreate, which the Deployment carries, says it.
import { findCondition, ownerLabel, recordName, type DeploymentRecord } from "@oaas/crd";
import { listObjects, pods, type KubeClient, type KubeObject, type ResourceType } from "@oaas/kube";
import { waitCrmChildReady as waitReady, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { deploymentClient, recordDetailClient } from "../support/clients.ts";
import { useCrmSuite } from "../support/crm-suite.ts";
import { fn, unit, withCpuRequest, withFunctions, withImage } from "../support/fixtures.ts";
import { getRecord } from "../support/records.ts";

const deployments: ResourceType = { group: "apps", version: "v1", plural: "deployments", namespaced: true };

interface PodObject extends KubeObject {
  spec?: { containers?: { name: string; image?: string }[] };
  status?: { podIP?: string; conditions?: { type: string; status: string }[] };
}

describe("crm: pod reasons in the record's status within seconds", function () {
  this.timeout(180_000);
  const suite = useCrmSuite({ namespace: "podwhy" });
  let kube: KubeClient;
  before(function () {
    kube = suite.kube;
  });

  async function record(id: string): Promise<DeploymentRecord | undefined> {
    return getRecord(kube, suite.namespace, id);
  }
  /** Waits until the record's Degraded condition is `status` with `reason` (any reason when undefined). */
  async function degraded(
    id: string,
    status: "True" | "False",
    reason: string | undefined,
    timeoutMs: number,
  ) {
    return waitFor(
      async () => {
        const r = await record(id);
        const c = findCondition(r?.status?.conditions, "Degraded");
        return c?.status === status && (reason === undefined || c.reason === reason) && r ? r : undefined;
      },
      {
        description: `${id}: Degraded=${status}${reason ? ` ${reason}` : ""}`,
        timeoutMs,
        intervalMs: 250,
      },
    );
  }
  async function podsOf(id: string): Promise<PodObject[]> {
    const [deployment] = await listObjects<KubeObject & { spec?: { selector?: { matchLabels?: object } } }>(
      kube,
      deployments,
      suite.namespace,
      { labelSelector: `${ownerLabel}=${recordName(id)}` },
    );
    const labels = Object.entries(deployment?.spec?.selector?.matchLabels ?? {}).map(
      ([k, v]) => `${k}=${String(v)}`,
    );
    if (labels.length === 0) return [];
    return listObjects<PodObject>(kube, pods, suite.namespace, { labelSelector: labels.join(",") });
  }
  /** Writes a pod's status as a kubelet waiting on its container would (keeps podIP, so KWOK leaves it). */
  async function setWaiting(pod: PodObject, reason: string, message: string): Promise<void> {
    const container = pod.spec?.containers?.[0];
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    await kube.request({
      method: "PATCH",
      path: `/api/v1/namespaces/${suite.namespace}/pods/${pod.metadata?.name ?? ""}/status`,
      contentType: "application/merge-patch+json",
      body: {
        status: {
          phase: "Pending",
          conditions: [
            { type: "PodScheduled", status: "True", lastTransitionTime: now },
            { type: "Initialized", status: "True", lastTransitionTime: now },
            { type: "Ready", status: "False", reason: "ContainersNotReady", lastTransitionTime: now },
            {
              type: "ContainersReady",
              status: "False",
              reason: "ContainersNotReady",
              lastTransitionTime: now,
            },
          ],
          containerStatuses: [
            {
              name: container?.name,
              image: container?.image,
              imageID: "",
              ready: false,
              started: false,
              restartCount: 0,
              state: { waiting: { reason, message } },
            },
          ],
        },
      },
    });
  }

  it("a pod no node can take: Degraded Unschedulable with the scheduler's message within 30 s; clears once fixed", async function () {
    const crm = await suite.crm(["all"]);
    await waitReady(crm);
    const client = deploymentClient("connect", crm.url);
    const id = "podwhy-big";
    // More CPU than any KWOK node offers (32): the scheduler refuses it.
    const spec = (cpu: string) => unit(id, withFunctions(fn("fn", withCpuRequest(cpu))));
    await client.deploy({ deploymentUnit: spec("1000") });
    const started = Date.now();

    const stuck = await degraded(id, "True", "Unschedulable", 30_000);
    const took = Date.now() - started;
    const condition = findCondition(stuck.status?.conditions, "Degraded");
    expect(condition?.message).to.match(
      /cannot be scheduled: 0\/\d+ nodes are available: .*Insufficient cpu/,
    );
    expect(condition?.message).to.contain("lower the function's cpu/memory requests");
    expect(stuck.status?.phase).to.equal("Degraded");
    // Per-function status, as RecordDetailService (and so the PM and `oaasctl status`) gives it.
    const detail = await recordDetailClient("connect", crm.url).getStatusDetail({ deploymentId: id });
    const fnStatus = detail.functions.find((f) => f.functionKey === "fn");
    expect(fnStatus).to.include({ ready: false, reason: "Unschedulable" });
    expect(fnStatus?.message).to.contain("Insufficient cpu");
    console.log(`      Unschedulable read after ${took} ms`);

    await client.deploy({ deploymentUnit: spec("100m") });
    const fixed = await degraded(id, "False", undefined, 90_000);
    await waitFor(
      async () => findCondition((await record(id))?.status?.conditions, "Available")?.status === "True",
      {
        description: `${id} Available after the fix`,
        timeoutMs: 90_000,
      },
    );
    expect(findCondition(fixed.status?.conditions, "Degraded")?.reason).to.equal("AsExpected");
  });

  it("an image that cannot be pulled: Degraded ImagePullBackOff with the image within 30 s, with no child event; clears once fixed", async function () {
    const crm = await suite.crm(["all"]);
    await waitReady(crm);
    const client = deploymentClient("connect", crm.url);
    const id = "podwhy-pull";
    const image = "registry.example/podwhy/missing:1";
    await client.deploy({ deploymentUnit: unit(id, withFunctions(fn("fn", withImage(image)))) });
    await waitFor(
      async () => findCondition((await record(id))?.status?.conditions, "Available")?.status === "True",
      {
        description: `${id} Available`,
        timeoutMs: 90_000,
      },
    );
    const [pod] = await podsOf(id);
    expect(pod?.status?.podIP, "KWOK gave the pod an IP").to.be.a("string");
    if (!pod) throw new Error("no pod");

    // The kubelet creating the container: the Deployment loses its available replica (an event).
    await setWaiting(pod, "ContainerCreating", "");
    await waitFor(
      async () => findCondition((await record(id))?.status?.conditions, "Available")?.status === "False",
      {
        description: `${id} not Available`,
        timeoutMs: 30_000,
      },
    );
    expect(findCondition((await record(id))?.status?.conditions, "Degraded")?.status).to.equal("False");

    // The pull fails: nothing the Deployment counts changes.
    await setWaiting(pod, "ErrImagePull", `failed to pull and unpack image "${image}": not found`);
    const started = Date.now();
    const stuck = await degraded(id, "True", "ImagePullBackOff", 30_000);
    const took = Date.now() - started;
    const condition = findCondition(stuck.status?.conditions, "Degraded");
    expect(condition?.message).to.contain(`cannot pull image "${image}"`);
    expect(condition?.message).to.contain("redeploy with a fixed image");
    expect(stuck.status?.functions?.[0]).to.include({
      function_key: "fn",
      ready: false,
      reason: "ImagePullBackOff",
    });
    console.log(`      ImagePullBackOff read after ${took} ms`);

    await client.deploy({
      deploymentUnit: unit(id, withFunctions(fn("fn", withImage("registry.example/podwhy/fixed:2")))),
    });
    await degraded(id, "False", undefined, 90_000);
    const available = await waitFor(
      async () => {
        const r = await record(id);
        return findCondition(r?.status?.conditions, "Available")?.status === "True" ? r : undefined;
      },
      { description: `${id} Available after the fix`, timeoutMs: 90_000 },
    );
    expect(available.status?.functions?.[0]).to.include({ ready: true, reason: "Available" });
  });
  it("a ResourceQuota that refuses the pod: Degraded FailedCreate naming the quota within 30 s; clears once fixed", async function () {
    const quotaPath = `/api/v1/namespaces/${suite.namespace}/resourcequotas`;
    await kube.request({
      method: "POST",
      path: quotaPath,
      body: { metadata: { name: "no-pods" }, spec: { hard: { pods: "0" } } },
    });
    const crm = await suite.crm(["all"]);
    await waitReady(crm);
    const client = deploymentClient("connect", crm.url);
    const id = "podwhy-quota";
    await client.deploy({ deploymentUnit: unit(id, withFunctions(fn("fn"))) });
    const stuck = await degraded(id, "True", "FailedCreate", 30_000);
    expect(findCondition(stuck.status?.conditions, "Degraded")?.message).to.match(/exceeded quota: no-pods/);

    // The ReplicaSet's retries back off; a new spec makes a new one that creates at once.
    await kube.request({ method: "DELETE", path: `${quotaPath}/no-pods` });
    await client.deploy({
      deploymentUnit: unit(id, withFunctions(fn("fn", withImage("registry.example/podwhy/quota:2")))),
    });
    await degraded(id, "False", undefined, 90_000);
  });
});
