// The whole CRM pipeline as real processes on a real API server (KWOK nodes) and real
// Redis: Deploy through the ingress -> watcher -> BullMQ -> reconciler -> Available with
// Ready pods, and the record's status in full (RecordDetailService.GetStatusDetail) and
// history (GetHistory) from the same listener; Delete -> every child gone, then NOT_FOUND
// from both GetDeploymentStatus and GetStatusDetail. Also: the reconciler refuses a
// Redis that may evict, and a SIGKILLed reconciler's work is finished by another process.
import { spawn } from "node:child_process";
import { Code, ConnectError } from "@connectrpc/connect";
import { recordName, ownerLabel, type DeploymentRecord } from "@oaas/crd";
import { KubeClient, listObjects, type KubeObject, type ResourceType } from "@oaas/kube";
import { StatusCode, SummarizedStatus } from "@oaas/proto";
import { freePort, waitCrmChildReady as waitReady, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { useCrmSuite } from "../support/crm-suite.ts";
import { deploymentClient, recordDetailClient } from "../support/clients.ts";
import { fn, unit, withFunctions, withOdgm } from "../support/fixtures.ts";
import { getRecord } from "../support/records.ts";

const deployments: ResourceType = { group: "apps", version: "v1", plural: "deployments", namespaced: true };
const services: ResourceType = { group: "", version: "v1", plural: "services", namespaced: true };
const pods: ResourceType = { group: "", version: "v1", plural: "pods", namespaced: true };

interface DeploymentObject extends KubeObject {
  spec?: {
    replicas?: number;
    template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } };
  };
  status?: { readyReplicas?: number };
}
interface PodObject extends KubeObject {
  status?: { conditions?: { type: string; status: string }[] };
}

describe("crm pipeline: ingress -> watcher -> queue -> reconciler", function () {
  this.timeout(240_000);
  const suite = useCrmSuite({ namespace: "pipe", env: { OPRC_CRM_FEATURES_ODGM: "true" } });
  const namespace = {
    get name() {
      return suite.namespace;
    },
  };
  let kube: KubeClient;
  before(function () {
    kube = suite.kube;
  });
  const crm = (args: string[], extra: Record<string, string> = {}) => suite.crm(args, extra);
  async function owned<T extends KubeObject>(type: ResourceType, record: string): Promise<T[]> {
    return listObjects<T>(kube, type, namespace.name, { labelSelector: `${ownerLabel}=${record}` });
  }
  async function phase(id: string): Promise<string | undefined> {
    const record: DeploymentRecord | undefined = await getRecord(kube, namespace.name, id);
    return record?.status?.phase;
  }

  it("Deploy ends Available with Ready pods and refs; Delete leaves nothing, then NOT_FOUND", async function () {
    const all = await crm(["all"]);
    await waitReady(all);
    const client = deploymentClient("grpc", all.url);
    const id = "pipe-shop";
    const answer = await client.deploy({
      deploymentUnit: unit(id, withFunctions(fn("cart"), fn("checkout")), withOdgm("orders")),
    });
    expect(answer.status).to.equal(StatusCode.OK);
    const name = recordName(id);

    await waitFor(async () => (await phase(id)) === "Available", {
      description: `record ${name} Available`,
      timeoutMs: 120_000,
      intervalMs: 500,
    });
    const workloads = await owned<DeploymentObject>(deployments, name);
    expect(workloads.map((d) => d.metadata?.name).sort()).to.have.length(3); // 2 functions + ODGM
    for (const d of workloads) expect(d.status?.readyReplicas ?? 0, d.metadata?.name).to.be.at.least(1);
    const podList = await listObjects<PodObject>(kube, pods, namespace.name);
    const ready = podList.filter((p) =>
      p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
    );
    expect(ready.length, "Ready pods").to.be.at.least(3);

    const status = await client.getDeploymentStatus({ deploymentId: id });
    expect(status.status).to.equal(StatusCode.OK);
    expect(status.message ?? "").to.match(/^RUNNING/);
    expect(status.statusResourceRefs.length).to.be.at.least(6);
    for (const ref of status.statusResourceRefs)
      expect(ref.uid, `${ref.kind}/${ref.name}`).to.match(/^[0-9a-f-]{36}$/);

    // The same record in full from RecordDetailService on the same listener.
    const records = recordDetailClient("connect", all.url);
    const detail = await records.getStatusDetail({ deploymentId: id });
    expect(detail).to.include({
      deploymentId: id,
      namespace: namespace.name,
      summary: SummarizedStatus.RUNNING,
    });
    expect(detail.observedGeneration).to.equal(detail.generation);
    const availableCondition = detail.conditions.find((c) => c.type === "Available");
    expect(availableCondition).to.include({ status: "True" });
    expect(availableCondition?.reason).to.match(/^[A-Z][A-Za-z]+$/);
    expect(Date.parse(availableCondition?.lastTransitionTime ?? "")).to.be.above(0);
    expect(detail.functions.map((f) => [f.functionKey, f.ready])).to.deep.equal([
      ["cart", true],
      ["checkout", true],
    ]);
    for (const f of detail.functions)
      expect(f.url, f.functionKey).to.match(
        new RegExp(`^http://[a-z0-9-]+\\.${namespace.name}\\.svc\\.cluster\\.local:\\d+$`),
      );
    expect(detail.resourceRefs.map((r) => r.uid).sort()).to.deep.equal(
      status.statusResourceRefs.map((r) => r.uid).sort(),
    );
    expect(detail.template?.name).to.be.a("string").and.not.equal("");
    // Its history from Redis: accepted by the ingress before the reconciler applied it.
    const history = (await records.getHistory({ deploymentId: id })).entries.map((e) => e.type);
    expect(history[0]).to.equal("accepted");
    expect(history).to.include("applied");

    const deleted = await client.deleteDeployment({ deploymentId: id });
    expect(deleted.status).to.equal(StatusCode.OK);
    await waitFor(
      async () => {
        try {
          await client.getDeploymentStatus({ deploymentId: id });
          return false;
        } catch (error) {
          if (error instanceof ConnectError && error.code === Code.NotFound) return true;
          throw error;
        }
      },
      { description: "GetDeploymentStatus NOT_FOUND after delete", timeoutMs: 120_000, intervalMs: 500 },
    );
    expect(await owned(deployments, name), "Deployments left").to.have.length(0);
    expect(await owned(services, name), "Services left").to.have.length(0);
    expect(await getRecord(kube, namespace.name, id)).to.equal(undefined);
    const gone = await records.getStatusDetail({ deploymentId: id }).then(
      () => undefined,
      (error: unknown) => ConnectError.from(error),
    );
    expect(gone?.code).to.equal(Code.NotFound);
    expect(gone?.rawMessage).to.contain(`"${id}"`);
  });

  it("separate watcher and reconciler processes converge a record; a SIGKILLed reconciler's work is picked up", async function () {
    const ingress = await crm(["ingress"]);
    const watcher = await crm(["watcher"]);
    const first = await crm(["reconciler"]);
    await Promise.all([waitReady(ingress), waitReady(watcher), waitReady(first)]);
    first.child.kill("SIGKILL");
    await first.exited;
    const second = await crm(["reconciler"]);
    await waitReady(second);
    const client = deploymentClient("connect", ingress.url);
    const ids = ["split-a", "split-b", "split-c"];
    for (const id of ids) await client.deploy({ deploymentUnit: unit(id) });
    for (const id of ids)
      await waitFor(async () => (await phase(id)) === "Available", {
        description: `record ${id} Available`,
        timeoutMs: 120_000,
        intervalMs: 500,
      });
    for (const id of ids) await client.deleteDeployment({ deploymentId: id });
    for (const id of ids)
      await waitFor(async () => (await getRecord(kube, namespace.name, id)) === undefined, {
        description: `record ${id} gone`,
        timeoutMs: 120_000,
        intervalMs: 500,
      });
  });

  it("a reconciler refuses a Redis whose maxmemory-policy may evict jobs, with the fix in the message", async function () {
    const port = await freePort();
    const server = spawn(
      "redis-server",
      [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--maxmemory-policy",
        "allkeys-lru",
      ],
      { stdio: "ignore" },
    );
    try {
      await waitFor(
        async () => {
          const probe = await crm(["reconciler"], { OPRC_CRM_REDIS_URL: `redis://127.0.0.1:${port}` });
          const code = await probe.exited;
          return code === 1 && /allkeys-lru/.test(probe.output()) ? probe : false;
        },
        { description: "crm reconciler to refuse allkeys-lru", timeoutMs: 60_000 },
      ).then((probe) => {
        expect(probe.output()).to.contain("CONFIG SET maxmemory-policy noeviction");
      });
    } finally {
      server.kill("SIGKILL");
    }
  });
});
