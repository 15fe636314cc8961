// The PM -> CRM path with tokens end to end: the PM and two REAL CRM processes
// (`crm all` on the test cluster and Redis) as clusters "a" and "b", each CRM with its own
// tokens file and the PM holding a DIFFERENT token for each (OPRC_PM_CRM_<NAME>_TOKEN_FILE).
// Deploys reach both; then b's token file is rotated to a token b does not know: b's calls
// fail naming the cluster and the cause (Unauthenticated), the PM's cluster health reports
// b failing with that reason (not the public health check's SERVING), and a keeps working.
import { randomBytes } from "node:crypto";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ClusterHealth, HealthSummary } from "@oaas/pm-api";
import {
  createTestNamespace,
  installCrdWithCrm,
  startCrmProcess,
  testCluster,
  waitFor,
  type CrmProcess,
  type TestNamespace,
} from "@oaas/testkit";
import { expect } from "chai";
import { shopPackage } from "../support/fixtures.ts";
import { errorOf, startTestPm, type TestPm } from "../support/pm.ts";

interface Created {
  units: { cluster: string; unit_id: string; state: string; message?: string }[];
  failed_clusters?: string[];
}

const token = (who: string) => `${who}-${randomBytes(16).toString("hex")}`;

describe("pm with two real CRMs holding different tokens", function () {
  this.timeout(180_000);
  const tokenA = token("pm-a");
  const tokenB = token("pm-b");
  let dir = "";
  let namespaces: TestNamespace[] = [];
  let a: CrmProcess | undefined;
  let b: CrmProcess | undefined;
  let pm: TestPm | undefined;

  /** Replaces a file the way the kubelet updates a mounted Secret (write beside, rename over). */
  const replace = async (file: string, content: string) => {
    await writeFile(`${file}.next`, content, { mode: 0o600 });
    await rename(`${file}.next`, file);
  };
  const file = (name: string) => path.join(dir, name);

  before(async function () {
    dir = await mkdtemp(path.join(tmpdir(), "oaas-pm-crm-tokens-"));
    // Each CRM knows only its own PM token (and an admin of its own the PM never has).
    await writeFile(file("crm-a.csv"), `${tokenA},pm-a,deployer\n${token("admin")},root,admin\n`, {
      mode: 0o600,
    });
    await writeFile(file("crm-b.csv"), `${tokenB},pm-b,deployer\n${token("admin")},root,admin\n`, {
      mode: 0o600,
    });
    await writeFile(file("pm-a.token"), `${tokenA}\n`, { mode: 0o600 });
    await writeFile(file("pm-b.token"), `${tokenB}\n`, { mode: 0o600 });
    const { kubeconfig } = await testCluster();
    await installCrdWithCrm(kubeconfig);
    namespaces = await Promise.all([createTestNamespace("pm-tok-a"), createTestNamespace("pm-tok-b")]);
    const [nsA = "", nsB = ""] = namespaces.map((n) => n.name);
    [a, b] = await Promise.all([
      startCrmProcess({ kubeconfig, namespace: nsA, env: { OPRC_CRM_AUTH_TOKENS_FILE: file("crm-a.csv") } }),
      startCrmProcess({ kubeconfig, namespace: nsB, env: { OPRC_CRM_AUTH_TOKENS_FILE: file("crm-b.csv") } }),
    ]);
    pm = await startTestPm({
      OPRC_PM_CRM_CLUSTERS: "a,b",
      OPRC_PM_CRM_A_URL: a.url,
      OPRC_PM_CRM_B_URL: b.url,
      OPRC_PM_CRM_A_TOKEN_FILE: file("pm-a.token"),
      OPRC_PM_CRM_B_TOKEN_FILE: file("pm-b.token"),
      OPRC_PM_CRM_DEFAULT_CLUSTER: "a",
      OPRC_PM_RETRY_BASE_MS: "20",
      CRM_HEALTH_CHECK_INTERVAL: "0",
      OPRC_PM_STATUS_REFRESH_SECS: "0",
    });
  });
  after(async function () {
    await pm?.close();
    await Promise.all([a, b].map((p) => p?.release() ?? Promise.resolve()));
    await Promise.all(namespaces.map((n) => n.cleanup()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const api = () => {
    if (!pm) throw new Error("the PM did not start");
    return pm;
  };
  const deploy = (key: string, clusters: string[]) =>
    api().request("POST", "/api/v1/deployments", {
      key,
      package_name: "shop",
      class_key: "cart",
      target_clusters: clusters,
    });
  const health = async (cluster: string) =>
    (await api().request("GET", `/api/v1/clusters/${cluster}/health?fresh=true`)).json as ClusterHealth;

  it("each CRM accepts the PM's own token for it: deploys reach both, both healthy", async function () {
    expect((await api().request("POST", "/api/v1/packages", shopPackage())).status).to.equal(201);
    const res = await deploy("both", ["a", "b"]);
    expect(res.status, res.text).to.equal(201);
    expect((res.json as Created).units.map((u) => [u.cluster, u.state])).to.deep.equal([
      ["a", "DEPLOYED"],
      ["b", "DEPLOYED"],
    ]);
    // Each CRM logged the call as its own PM principal.
    await waitFor(() => a?.output().includes("pm-a") === true && b?.output().includes("pm-b") === true, {
      description: "each CRM to name its PM principal",
      timeoutMs: 10_000,
    });
    for (const cluster of ["a", "b"]) expect(await health(cluster), cluster).to.include({ reachable: true });
    const summary = (await api().request("GET", "/api/v1/clusters/health/summary?fresh=true"))
      .json as HealthSummary;
    expect(summary.status).to.equal("HEALTHY");
  });

  it("a wrong token for b: b's calls fail naming b and Unauthenticated, its health says so, a keeps working", async function () {
    // a's token is good on a, wrong on b: the file rotates without a PM restart.
    await replace(file("pm-b.token"), `${tokenA}\n`);
    const failing = await waitFor(
      async () => {
        const h = await health("b");
        return h.status === "UNAUTHENTICATED" ? h : undefined;
      },
      { description: "b's health to report the refused token", timeoutMs: 15_000, intervalMs: 200 },
    );
    expect(failing).to.include({ reachable: false, source: "env-health" });
    expect(failing.error).to.contain('cluster "b"').and.to.contain("Unauthenticated");
    expect(failing.error).to.contain("OPRC_PM_CRM_B_TOKEN_FILE");
    expect(await health("a")).to.include({ reachable: true, source: "env-health" });
    const summary = (await api().request("GET", "/api/v1/clusters/health/summary?fresh=true"))
      .json as HealthSummary;
    expect(summary.status).to.equal("DEGRADED");
    expect(summary.clusters.find((c) => c.cluster === "b")?.status).to.equal("UNAUTHENTICATED");

    // A deploy that needs b: refused before anything is stored or sent (b gives no sizing
    // figures), the answer naming b and the cause.
    for (const [key, clusters] of [
      ["after", ["a", "b"]],
      ["only-b", ["b"]],
    ] as const) {
      const res = await deploy(key, [...clusters]);
      expect(res.status, res.text).to.equal(503);
      expect(errorOf(res)).to.match(
        /^cluster "b" refuses the PM's credentials \(UNAUTHENTICATED\): cluster "b": Unauthenticated: /,
      );
      expect((await api().request("GET", `/api/v1/deployments/${key}`)).status).to.equal(404);
    }
    // A call that needs no sizing goes to b and fails there the same way: the runtimes of b.
    const runtimes = await api().request("GET", "/api/v1/class-runtimes");
    expect(runtimes.status, runtimes.text).to.equal(200);
    const failed = JSON.parse(runtimes.headers.get("x-oaas-failed-clusters") ?? "[]") as {
      cluster: string;
      error: string;
    }[];
    expect(failed.map((f) => f.cluster)).to.deep.equal(["b"]);
    expect(failed[0]?.error).to.contain('cluster "b"').and.to.contain("Unauthenticated");
    expect((runtimes.json as { cluster: string }[]).every((r) => r.cluster === "a")).to.equal(true);

    // a is unaffected.
    const onlyA = await deploy("only-a", ["a"]);
    expect(onlyA.status, onlyA.text).to.equal(201);
    expect((onlyA.json as Created).units.map((u) => [u.cluster, u.state])).to.deep.equal([["a", "DEPLOYED"]]);

    // The right token back: b heals without a restart.
    await replace(file("pm-b.token"), `${tokenB}\n`);
    await waitFor(async () => (await health("b")).reachable, {
      description: "b healthy again with its own token",
      timeoutMs: 15_000,
      intervalMs: 200,
    });
  });
});
