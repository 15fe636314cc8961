import type { V1Deployment, V1PersistentVolumeClaim, V1Secret, V1StatefulSet } from "@kubernetes/client-node";
import {
  deleteObject,
  getObject,
  jsonPatchObject,
  listObjects,
  resourcePath,
  type KubeClient,
} from "@oaas/kube";
import { builtIn, enforcePodSecurity, runHelm, testCluster, useTestNamespace, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { parseTokensFile, parseUsersFile } from "@oaas/auth";
import { parsePmConfig } from "../../../services/pm/src/config/index.ts";
import { chartDir, crmChart, pmChart, resolveEnv } from "../../charts/charts.ts";
import { checkEnv, withoutPendingUnknown } from "../../charts/env-check.ts";
import { expectAllReady, installRelease } from "../support/helm-release.ts";

// Both charts installed with no values at all (`helm install <release> <chart>`), as a
// first-time user does, on the real test cluster: the API server validates every object,
// the scheduler binds the pods to KWOK nodes (which make them Ready without running
// anything). The test cluster has no volume provisioner, which a real cluster has: the
// suite plays it by creating, for each volume claim the defaults make, a PersistentVolume
// bound to that claim (the API object only; KWOK runs nothing to mount it).
describe("helm charts: install with the defaults (no values) on the real test cluster", function () {
  this.timeout(600_000);
  const ns = useTestNamespace("helm-defaults");
  let kubeconfig: string;
  let kube: KubeClient;
  const releases: string[] = [];
  const volumes: string[] = [];
  const crmClaim = "data-crm-oaas-crm-redis-0";
  const pmClaim = "data-pm-oaas-pm-etcd-0";
  const dashboardSecret = "crm-oaas-crm-dashboard";

  const helm = async (args: string[]) => {
    const result = await runHelm([...args, "--namespace", ns.name], { kubeconfig });
    expect(result.code, `helm ${args.join(" ")}\n${result.stdout}${result.stderr}`).to.equal(0);
    return result;
  };
  const install = (release: string, chart: typeof crmChart) => {
    releases.push(release);
    return installRelease({ kube, kubeconfig, namespace: ns.name }, release, chartDir(chart));
  };
  const dashboardFile = async (): Promise<string> => {
    const secret = await getObject<V1Secret>(kube, builtIn.secrets, ns.name, dashboardSecret);
    return Buffer.from(secret?.data?.["credentials"] ?? "", "base64").toString("utf8");
  };

  before(async () => {
    ({ kubeconfig, kube } = await testCluster());
    // The charts' own pods pass the restricted Pod Security Standard: a pod that did not
    // would be refused here and its Deployment never Ready.
    await enforcePodSecurity(kube, ns.name, "restricted");
    for (const claim of [crmClaim, pmClaim]) {
      const name = `${ns.name}-${claim}`;
      await kube.request({
        method: "POST",
        path: resourcePath(builtIn.persistentVolumes),
        body: {
          apiVersion: "v1",
          kind: "PersistentVolume",
          metadata: { name, labels: { "oaas.io/test": "true" } },
          spec: {
            capacity: { storage: "1Gi" },
            accessModes: ["ReadWriteOnce"],
            persistentVolumeReclaimPolicy: "Retain",
            hostPath: { path: `/var/lib/oaas-test/${name}` },
            claimRef: { namespace: ns.name, name: claim },
          },
        },
      });
      volumes.push(name);
    }
  });

  after(async () => {
    for (const release of releases) {
      await runHelm(["uninstall", release, "--namespace", ns.name, "--wait"], { kubeconfig });
    }
    // The claims go with the namespace; the volumes are cluster-scoped.
    for (const name of volumes) await deleteObject(kube, builtIn.persistentVolumes, undefined, name);
  });

  it("installs oaas-crm: every role and the bundled Redis Ready, dashboard credentials generated, NOTES say how to read them", async () => {
    const result = await install("crm", crmChart);
    expect(result.stdout).to.include(
      `kubectl -n ${ns.name} get secret ${dashboardSecret} -o jsonpath='{.data.credentials}' | base64 -d`,
    );
    const roles = ["ingress", "watcher", "reconciler", "dashboard"];
    await expectAllReady(
      kube,
      ns.name,
      "crm",
      roles.map((r) => `crm-oaas-crm-${r}`),
      ["crm-oaas-crm-redis"],
    );
    const credentials = parseUsersFile(await dashboardFile(), "viewer");
    expect([...credentials.users.keys()]).to.deep.equal(["admin"]);
    expect(credentials.users.get("admin")?.password).to.match(/^[A-Za-z0-9]{32}$/);
  });

  it("oaas-crm as stored by the API server: a configuration the CRM accepts, and the spread over nodes kept", async () => {
    const deployments = await listObjects<V1Deployment>(kube, builtIn.deployments, ns.name, {
      labelSelector: "app.kubernetes.io/instance=crm",
    });
    expect(deployments).to.have.length(4);
    for (const d of deployments) {
      const pod = d.spec?.template.spec;
      const env = resolveEnv(pod?.containers[0]?.env ?? [], ns.name);
      expect(checkEnv("crm", env).problems, d.metadata?.name).to.deep.equal([]);
      const spread = pod?.topologySpreadConstraints ?? [];
      // A field the API server does not know would be dropped silently: matchLabelKeys is kept.
      expect(
        spread.map((c) => c.matchLabelKeys),
        d.metadata?.name,
      ).to.deep.equal((d.spec?.replicas ?? 1) > 1 ? [["pod-template-hash"]] : []);
    }
  });

  it("helm upgrade with no values keeps the generated dashboard password, API token and Redis password; a deleted Secret gets a new one", async () => {
    const before = await dashboardFile();
    const generated = async () =>
      Promise.all(
        ["crm-oaas-crm-auth", "crm-oaas-crm-redis-auth"].map(
          async (name) => (await getObject<V1Secret>(kube, builtIn.secrets, ns.name, name))?.data,
        ),
      );
    const secretsBefore = await generated();
    expect(secretsBefore.map((d) => Object.keys(d ?? {}).sort())).to.deep.equal([
      ["metrics-token", "tokens"],
      ["auth.conf", "password"],
    ]);
    await helm(["upgrade", "crm", chartDir(crmChart), "--wait", "--timeout", "240s"]);
    expect(await dashboardFile()).to.equal(before);
    expect(await generated()).to.deep.equal(secretsBefore);
    await deleteObject(kube, builtIn.secrets, ns.name, dashboardSecret);
    await helm(["upgrade", "crm", chartDir(crmChart), "--wait", "--timeout", "240s"]);
    const renewed = await dashboardFile();
    expect(renewed).to.match(/^admin:[A-Za-z0-9]{32}\n$/);
    expect(renewed).not.to.equal(before);
  });

  it("helm upgrade of a release from before the metrics token: its tokens file kept, a metrics token added to it", async () => {
    const auth = async () =>
      Object.fromEntries(
        Object.entries(
          (await getObject<V1Secret>(kube, builtIn.secrets, ns.name, "crm-oaas-crm-auth"))?.data ?? {},
        ).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]),
      );
    const kept = await auth();
    const adminLine = (kept["tokens"] ?? "").split("\n")[0] ?? "";
    expect(adminLine).to.match(/^[A-Za-z0-9]{48},admin,admin$/);
    // The Secret as an earlier chart version made it: the admin line only, no metrics-token key
    // (and no final newline, as a hand-edited file may be).
    await jsonPatchObject(
      kube,
      builtIn.secrets,
      ns.name,
      "crm-oaas-crm-auth",
      [
        { op: "remove", path: "/data/metrics-token" },
        { op: "replace", path: "/data/tokens", value: Buffer.from(adminLine).toString("base64") },
      ],
      { fieldManager: "old-chart" },
    );
    await helm(["upgrade", "crm", chartDir(crmChart), "--wait", "--timeout", "240s"]);
    const upgraded = await auth();
    const token = upgraded["metrics-token"] ?? "";
    expect(token).to.match(/^[A-Za-z0-9]{48}$/);
    expect(token).not.to.equal(kept["metrics-token"]);
    expect(upgraded["tokens"]).to.equal(`${adminLine}\n${token},metrics-scraper,metrics\n`);
    expect(parseTokensFile(upgraded["tokens"] ?? "").map((e) => e.role)).to.deep.equal(["admin", "metrics"]);
  });

  it("installs oaas-pm: the PM on its bundled etcd, the etcd on a bound volume, NOTES name the storage", async () => {
    const result = await install("pm", pmChart);
    expect(result.stdout).to.include("Storage: the bundled etcd pm-oaas-pm-etcd");
    await expectAllReady(kube, ns.name, "pm", ["pm-oaas-pm"], ["pm-oaas-pm-etcd"]);
    const claim = await getObject<V1PersistentVolumeClaim>(
      kube,
      builtIn.persistentVolumeClaims,
      ns.name,
      pmClaim,
    );
    expect(claim?.status?.phase).to.equal("Bound");
    const deployment = await getObject<V1Deployment>(kube, builtIn.deployments, ns.name, "pm-oaas-pm");
    const config = parsePmConfig(
      withoutPendingUnknown(
        "pm",
        resolveEnv(deployment?.spec?.template.spec?.containers[0]?.env ?? [], ns.name),
      ),
    );
    expect(config.storage.type === "etcd" && config.storage.etcd.endpoints).to.deep.equal([
      `http://pm-oaas-pm-etcd.${ns.name}.svc:2379`,
    ]);
    const etcd = await getObject<V1StatefulSet>(kube, builtIn.statefulSets, ns.name, "pm-oaas-pm-etcd");
    expect(etcd?.spec?.template.spec?.containers[0]?.args).to.include(
      `--advertise-client-urls=http://pm-oaas-pm-etcd.${ns.name}.svc:2379`,
    );
  });

  it("helm uninstall removes the releases but keeps the PM's etcd volume claim (its data)", async () => {
    for (const release of [...releases]) {
      await helm(["uninstall", release, "--wait", "--timeout", "120s"]);
      releases.splice(releases.indexOf(release), 1);
    }
    await waitFor(
      async () =>
        (await listObjects(kube, builtIn.pods, ns.name)).length === 0 &&
        (await getObject(kube, builtIn.secrets, ns.name, dashboardSecret)) === undefined,
      { description: "the releases' pods and the generated Secret gone", timeoutMs: 120_000 },
    );
    const claims = await listObjects<V1PersistentVolumeClaim>(kube, builtIn.persistentVolumeClaims, ns.name);
    expect(claims.map((c) => c.metadata?.name).sort()).to.deep.equal([crmClaim, pmClaim].sort());
  });
});
