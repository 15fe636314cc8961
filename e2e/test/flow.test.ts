// The product path end to end, driven through the real oaasctl: two real CRM processes
// (`crm all`) as clusters "a" and "b", each in its own namespace on the shared test
// cluster (KWOK nodes make pods Ready), the PM with etcd storage. examples/hello is
// applied and deployed to both, shown Available on both (status with each record's
// conditions and function URLs, and class runtimes, aggregated by the PM), checked for its ODGM addon, given a new image and rolled out
// on both, its CRM-kept history read back, and deleted by its logical key until nothing
// is left in either namespace.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { RecordDetailService } from "@oaas/proto";
import { repoRoot, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { images, leftovers, list, rolledOut } from "./support/kube.ts";
import { oaasctl, oaasctlJson, oaasctlOk, type PmTarget } from "./support/oaasctl.ts";
import { startSystem, type System } from "./support/system.ts";

const packageFile = path.join(repoRoot, "examples/hello/package.yaml");
const deploymentFile = path.join(repoRoot, "examples/hello/deployment.yaml");
const key = "hello-greeter";
const functionImage = "ghcr.io/pawissanutt/oprc-function";

/** Images of the function Deployments (not the ODGM one) in a namespace. */
async function functionImages(namespace: string): Promise<string[]> {
  return Object.values(await images(namespace))
    .flat()
    .filter((i) => i.startsWith(functionImage));
}

describe("e2e: the whole flow through oaasctl on two clusters", function () {
  this.timeout(170_000);
  let system: System;
  let tmp = "";
  let pm: PmTarget = "";
  const ns = (cluster: string) => system.crm(cluster).namespace;

  before(async function () {
    this.timeout(150_000);
    tmp = await mkdtemp(path.join(os.tmpdir(), "oaas-e2e-flow-"));
    system = await startSystem({ clusters: ["a", "b"] });
    pm = system.pm;
  });
  after(async function () {
    this.timeout(120_000);
    await (system as System | undefined)?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("package apply -> deploy to a and b --wait -> RUNNING; records Available on both", async function () {
    const applied = await oaasctlOk(pm, ["package", "apply", "-f", packageFile]);
    expect(applied.stdout).to.equal("package/hello created\n");
    const deployed = await oaasctlOk(pm, [
      "deploy",
      "-f",
      deploymentFile,
      "--env",
      "a,b",
      "--wait",
      "--timeout",
      "150s",
      "--poll-interval",
      "1s",
    ]);
    expect(deployed.stdout).to.contain(`deployment/${key} is RUNNING`);
    for (const cluster of ["a", "b"]) {
      const records = await list("records", ns(cluster));
      expect(records.map((r) => r.metadata.name)).to.deep.equal([`${key}-${cluster}`]);
      const available = records[0]?.status?.conditions?.find((c) => c.type === "Available");
      expect(available?.status, cluster).to.equal("True");
    }
  });

  it("status and class runtimes are aggregated over both clusters", async function () {
    const status = await oaasctlJson<{
      clusters: {
        cluster: string;
        status: string;
        deployment_id: string;
        conditions?: { type: string; status: string; reason?: string }[];
        functions?: { function_key: string; ready: boolean; url?: string }[];
        detail_unavailable?: string;
      }[];
    }>(pm, ["status", key]);
    expect(status.clusters.map((c) => [c.cluster, c.status, c.deployment_id])).to.deep.equal([
      ["a", "RUNNING", `${key}-a`],
      ["b", "RUNNING", `${key}-b`],
    ]);
    // The record's detail, from each CRM's RecordDetailService through the PM.
    for (const c of status.clusters) {
      expect(c.detail_unavailable, c.cluster).to.equal(undefined);
      const available = c.conditions?.find((x) => x.type === "Available");
      expect(available?.status, c.cluster).to.equal("True");
      expect(available?.reason, c.cluster).to.match(/^[A-Z][A-Za-z]+$/);
      expect(
        c.functions?.map((f) => [f.function_key, f.ready]),
        c.cluster,
      ).to.deep.equal([
        ["greet", true],
        ["count", true],
      ]);
      for (const f of c.functions ?? [])
        expect(f.url, `${c.cluster} ${f.function_key}`).to.match(
          new RegExp(`^http://[a-z0-9-]+\\.${ns(c.cluster)}\\.svc\\.cluster\\.local:8080$`),
        );
    }
    const table = await oaasctlOk(pm, ["status", key]);
    // One block per cluster: its name, then its phase, its conditions and its functions.
    for (const cluster of ["a", "b"])
      expect(table.stdout).to.match(new RegExp(`^cluster:\\s+${cluster}\nphase:\\s+RUNNING$`, "m"));
    expect(table.stdout.match(/^CONDITION\s+STATUS\s+REASON\s+AGE\s+MESSAGE$/gm)).to.have.length(2);
    expect(table.stdout.match(/^Available\s+True\s+[A-Z][A-Za-z]+\s+\S+\s+/gm)).to.have.length(2);
    expect(table.stdout.match(/^FUNCTION\s+READY\s+REASON\s+URL\s+MESSAGE$/gm)).to.have.length(2);
    for (const fn of ["greet", "count"])
      expect(
        table.stdout.match(new RegExp(`^${fn}\\s+True\\s+\\S+\\s+http://\\S+:8080\\s`, "gm")),
      ).to.have.length(2);
    expect(table.stdout).not.to.contain("detail:");
    const runtimes = await oaasctlJson<{ items: { id: string; cluster: string }[]; partial: boolean }>(pm, [
      "runtime",
      "list",
      "--package",
      "hello",
    ]);
    expect(runtimes.partial).to.equal(false);
    expect(runtimes.items.map((i) => [i.cluster, i.id])).to.deep.equal([
      ["a", `${key}-a`],
      ["b", `${key}-b`],
    ]);
    const deployments = await oaasctlJson<{ key: string; condition: string }[]>(pm, ["deployment", "list"]);
    expect(deployments.map((d) => [d.key, d.condition])).to.deep.equal([[key, "RUNNING"]]);
  });

  it("ODGM: its Deployment and Service exist, and every function pod's ODGM_SERVICE points at it", async function () {
    for (const cluster of ["a", "b"]) {
      const deployments = await list("deployments", ns(cluster));
      const functions = deployments.filter((d) =>
        d.spec?.template?.spec?.containers?.some((c) => c.image.startsWith(functionImage)),
      );
      expect(functions, cluster).to.have.length(2);
      const targets = new Set(
        functions.flatMap((d) =>
          (d.spec?.template?.spec?.containers ?? []).flatMap(
            (c) => c.env?.filter((e) => e.name === "ODGM_SERVICE").map((e) => e.value ?? "") ?? [],
          ),
        ),
      );
      expect([...targets], `${cluster}: one ODGM_SERVICE for both functions`).to.have.length(1);
      const [host = "", port = ""] = [...targets][0]?.split(":") ?? [];
      const odgm = deployments.find((d) => d.metadata.name === host);
      expect(odgm, `${cluster}: ODGM Deployment ${host}`).to.not.equal(undefined);
      expect(odgm?.status?.readyReplicas ?? 0, `${cluster}: ODGM ready`).to.be.greaterThan(0);
      const services = await list("services", ns(cluster));
      const service = services.find((s) => s.metadata.name === host);
      expect(service, `${cluster}: ODGM Service ${host}`).to.not.equal(undefined);
      expect(service?.spec?.ports?.map((p) => String(p.port))).to.include(port);
      // The pods run with it too (the Deployment's template is what they were made from).
      const functionPods = (await list("pods", ns(cluster))).filter((p) =>
        (p.spec?.containers ?? []).some((c) => c.image.startsWith(functionImage)),
      );
      expect(functionPods.length, `${cluster}: function pods`).to.be.greaterThan(0);
      for (const pod of functionPods) {
        const env = (pod.spec?.containers ?? []).flatMap((c) => c.env ?? []);
        expect(env.find((e) => e.name === "ODGM_SERVICE")?.value, pod.metadata.name).to.equal(
          `${host}:${port}`,
        );
      }
    }
  });

  it("a new image: package apply, deploy --update -> both clusters roll out, pods Ready", async function () {
    for (const cluster of ["a", "b"])
      expect(await functionImages(ns(cluster))).to.deep.equal([
        `${functionImage}:latest`,
        `${functionImage}:latest`,
      ]);
    const changed = path.join(tmp, "package.yaml");
    await writeFile(
      changed,
      (await readFile(packageFile, "utf8")).replaceAll(`${functionImage}:latest`, `${functionImage}:v2`),
    );
    const applied = await oaasctlOk(pm, ["package", "apply", "-f", changed]);
    expect(applied.stdout).to.equal("package/hello updated\n");
    await oaasctlOk(pm, ["deploy", "-f", deploymentFile, "--env", "a,b", "--update"]);
    for (const cluster of ["a", "b"]) {
      await waitFor(
        async () => {
          const now = await functionImages(ns(cluster));
          return (
            now.length === 2 &&
            now.every((i) => i === `${functionImage}:v2`) &&
            (await rolledOut(ns(cluster)))
          );
        },
        {
          description: `${cluster}: function Deployments on :v2, rolled out and Ready`,
          timeoutMs: 120_000,
          intervalMs: 500,
        },
      );
    }
    // Moving a deployment to other clusters is not a redeploy.
    const moved = await oaasctl(pm, ["deploy", "-f", deploymentFile, "--env", "a", "--update"]);
    expect(moved.code).to.equal(1);
    expect(moved.stderr).to.match(/target_clusters.*runs on \(a, b\)/);
  });

  it("history: what each CRM did, through the PM; an unknown id is a 404 and exit 1", async function () {
    const history = await oaasctlJson<{
      id: string;
      clusters: {
        cluster: string;
        deployment_id: string;
        entries: { type: string; generation?: number }[];
      }[];
    }>(pm, ["history", key]);
    expect(history.clusters.map((c) => [c.cluster, c.deployment_id])).to.deep.equal([
      ["a", `${key}-a`],
      ["b", `${key}-b`],
    ]);
    for (const c of history.clusters) {
      expect(c.entries.length, c.cluster).to.be.greaterThan(0);
      // The rollout is in it: a later generation than the first deploy.
      const generations = c.entries.map((e) => e.generation ?? 0);
      expect(Math.max(...generations), c.cluster).to.be.greaterThan(Math.min(...generations));
      // Each Deploy is "accepted" (by the ingress) before its children are applied.
      const accepted = c.entries.filter((e) => e.type === "accepted");
      expect(accepted.length, c.cluster).to.be.greaterThan(1);
      expect(
        c.entries.findIndex((e) => e.type === "accepted"),
        c.cluster,
      ).to.be.below(c.entries.findIndex((e) => e.type === "applied"));
    }
    const table = await oaasctlOk(pm, ["history", key, "--cluster", "b"]);
    expect(table.stdout.split("\n")[0]).to.match(/^CLUSTER\s+TIME\s+TYPE\s+GEN\s+MESSAGE$/);
    expect(table.stdout).to.not.match(/^a\s/m);
    const unknown = await oaasctl(pm, ["history", "no-such-deployment"]);
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr.trim()).to.match(/^error: .*no history for deployment "no-such-deployment"/);
    // The CRM's RecordDetailService itself: no entries for it either.
    const records = createClient(RecordDetailService, createGrpcTransport({ baseUrl: system.crm("a").url }));
    expect((await records.getHistory({ deploymentId: "no-such-deployment" })).entries).to.deep.equal([]);
  });

  it("delete by logical key: nothing left on either cluster (records, Deployments, Services, HPAs)", async function () {
    expect((await list("hpas", ns("a"))).length, "HPAs exist before the delete").to.be.greaterThan(0);
    const deleted = await oaasctlOk(pm, ["deployment", "delete", key]);
    expect(deleted.stdout).to.equal(`deployment/${key} deleted\n`);
    for (const cluster of ["a", "b"]) {
      await waitFor(async () => (await leftovers(ns(cluster))).length === 0, {
        description: `nothing left in ${ns(cluster)}`,
        timeoutMs: 90_000,
        intervalMs: 500,
      });
    }
    expect(await oaasctlJson<unknown[]>(pm, ["deployment", "list"])).to.deep.equal([]);
    const gone = await oaasctl(pm, ["status", key]);
    expect(gone.code).to.equal(1);
  });
});
