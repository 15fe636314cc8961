import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
  loadAllYaml,
  type V1Deployment,
  type V1PodDisruptionBudget,
  type V1SubjectAccessReview,
} from "@kubernetes/client-node";
import { crdName } from "@oaas/crd";
import { getObject, listObjects, resourcePath, type KubeClient, type ResourceType } from "@oaas/kube";
import {
  builtIn,
  enforcePodSecurity,
  readCrd,
  runHelm,
  testCluster,
  useTestNamespace,
  waitFor,
  type HelmResult,
} from "@oaas/testkit";
import { expect } from "chai";
import { chartDir, crmChart, pmChart, valuesFile } from "../../charts/charts.ts";
import { expectAllReady, installRelease } from "../support/helm-release.ts";

// Both charts installed into the real test cluster: the API server validates every object
// (and admission runs), the scheduler binds the pods to KWOK nodes, which make them Ready
// with any image (nothing is pulled or run). Then `crm all`'s ServiceAccount is checked
// against the real RBAC authorizer with SubjectAccessReviews, and `helm uninstall` must
// leave nothing behind but the CRD.
describe("helm charts: install, RBAC and uninstall on the real test cluster", function () {
  this.timeout(600_000);
  const ns = useTestNamespace("helm");
  const [crm, pm] = [crmChart, pmChart];
  let kubeconfig: string;
  let kube: KubeClient;
  const installed: string[] = [];

  const helm = async (args: string[]): Promise<HelmResult> => {
    const result = await runHelm([...args, "--namespace", ns.name], { kubeconfig });
    expect(result.code, `helm ${args.join(" ")}\n${result.stdout}${result.stderr}`).to.equal(0);
    return result;
  };
  const install = async (
    release: string,
    chart: typeof crm,
    values: string | undefined,
    extra: string[] = [],
  ) => {
    // Registered first: a release whose --wait timed out exists and must be uninstalled too.
    installed.push(release);
    return installRelease({ kube, kubeconfig, namespace: ns.name }, release, chartDir(chart), [
      ...(values ? ["--values", values] : []),
      ...extra,
    ]);
  };

  before(async () => {
    ({ kubeconfig, kube } = await testCluster());
    // Every pod of both charts must pass the restricted Pod Security Standard to run here.
    await enforcePodSecurity(kube, ns.name, "restricted");
    // The Secrets the values files reference; the charts read keys by name only.
    const secrets: Record<string, Record<string, string>> = {
      "oaas-crm-dashboard": { credentials: "sre:not-a-real-password\n", users: "sre:not-a-real-password\n" },
      "oaas-crm-tls": { "tls.crt": "-", "tls.key": "-", "ca.crt": "-" },
      "oaas-redis": { password: "not-a-real-password" },
      "oaas-pm-etcd-auth": { username: "pm", password: "not-a-real-password" },
      "oaas-pm-etcd-tls": { "ca.crt": "-", "tls.crt": "-", "tls.key": "-" },
      "oaas-pm-crm-tokens": { default: "t0", "prod-eu": "t1", "prod-us": "t2" },
      "oaas-crm-tokens": { tokens: "not-a-real-token,pm,deployer\n" },
      "oaas-crm-mtls-clients": { clients: "CN=pm,deployer\n" },
      "oaas-pm-tokens": { tokens: "not-a-real-token,admin,admin\n" },
      "oaas-pm-crm-client": { "ca.crt": "-", "tls.crt": "-", "tls.key": "-" },
    };
    for (const [name, data] of Object.entries(secrets)) {
      await kube.request({
        method: "POST",
        path: resourcePath(builtIn.secrets, ns.name),
        body: { apiVersion: "v1", kind: "Secret", metadata: { name }, stringData: data },
      });
    }
  });

  after(async () => {
    // A failed test may leave releases; uninstall them so their cluster-scoped RBAC goes too.
    for (const release of installed) {
      await runHelm(["uninstall", release, "--namespace", ns.name, "--wait"], { kubeconfig });
    }
  });

  it("installs oaas-crm in mode all (dev values, bundled Redis): every pod Ready, the CRD served", async () => {
    const result = await install("crm-dev", crm, valuesFile(crm, "dev"));
    expect(result.stdout).to.include("kubectl -n " + ns.name + " port-forward svc/crm-dev-oaas-crm 8088");
    await expectAllReady(kube, ns.name, "crm-dev", ["crm-dev-oaas-crm-all"], ["crm-dev-oaas-crm-redis"]);
    const crd = await readCrd(kube, crdName);
    expect(crd?.status?.conditions?.find((c) => c.type === "Established")?.status).to.equal("True");
  });

  it("installs oaas-crm in mode roles (full values; external Redis Cluster, mTLS): one Ready Deployment per role", async () => {
    // The test cluster has no Prometheus Operator, so no ServiceMonitor kind to create.
    // The full values serve oaas-system; here the release's own namespace is the served one
    // (each served namespace gets the roles' Roles, so it must exist before the install).
    await install("crm-full", crm, valuesFile(crm, "full"), [
      "--set",
      "serviceMonitor.enabled=false",
      "--set-json",
      `auth.allowedNamespaces=${JSON.stringify([ns.name])}`,
    ]);
    const roles = ["ingress", "watcher", "reconciler", "analyzer", "enforcer", "dashboard"];
    await expectAllReady(
      kube,
      ns.name,
      "crm-full",
      roles.map((r) => `crm-full-oaas-crm-${r}`),
      [],
    );
    const watcher = await getObject<V1Deployment>(
      kube,
      builtIn.deployments,
      ns.name,
      "crm-full-oaas-crm-watcher",
    );
    expect(watcher?.status?.readyReplicas).to.equal(2);
    const pdbs = await listObjects<V1PodDisruptionBudget>(kube, builtIn.podDisruptionBudgets, ns.name, {
      labelSelector: "app.kubernetes.io/instance=crm-full",
    });
    expect(pdbs.map((p) => p.metadata?.name)).to.include("crm-full-oaas-crm-watcher");
  });

  it("installs oaas-pm with dev values (memory, NOTES warn it is lost) and full values (3 replicas on an external etcd): pods Ready", async () => {
    const dev = await install("pm-dev", pm, valuesFile(pm, "dev"));
    expect(dev.stdout).to.match(/Storage: memory\. EVERY package and deployment is LOST/);
    await install("pm-full", pm, valuesFile(pm, "full"));
    await expectAllReady(kube, ns.name, "pm-dev", ["pm-dev-oaas-pm"], []);
    await expectAllReady(kube, ns.name, "pm-full", ["pm-full-oaas-pm"], []);
  });

  // `crm all` (the dev release) runs every role under the shared ServiceAccount: the union
  // of files/roles/*.yaml. The per-role accounts of mode=roles: role-rbac.test.ts.
  describe("RBAC of `crm all`'s ServiceAccount, asked of the real authorizer", () => {
    const rolesDir = path.join(chartDir(crm), "files/roles");
    const calls = readdirSync(rolesDir)
      .flatMap(
        (file) =>
          loadAllYaml(readFileSync(path.join(rolesDir, file), "utf8"))[0] as {
            group: string;
            resources: string[];
            verbs: string[];
            scope: "namespace" | "ownNamespace" | "cluster";
            when: string;
          }[],
      )
      .filter((c) => c.when === "always")
      .flatMap((c) => c.resources.flatMap((r) => c.verbs.map((verb) => ({ ...c, resource: r, verb }))));

    it(`allows every call of every files/roles/*.yaml (${calls.length} resource/verb pairs)`, async () => {
      const denied: string[] = [];
      for (const call of calls) {
        const allowed = await canI(kube, ns.name, "crm-dev-oaas-crm", {
          group: call.group,
          resource: call.resource,
          verb: call.verb,
          ...(call.scope === "cluster" ? {} : { namespace: ns.name }),
        });
        if (!allowed) denied.push(`${call.verb} ${call.group}/${call.resource}`);
      }
      expect(denied, "denied calls the CRM makes").to.deep.equal([]);
    });

    const forbidden: [string, Access][] = [
      ["list secrets cluster-wide", { group: "", resource: "secrets", verb: "list" }],
      ["get secrets in its own namespace", { group: "", resource: "secrets", verb: "get", namespace: "" }],
      ["delete a namespace", { group: "", resource: "namespaces", verb: "delete" }],
      [
        "create Deployments in another namespace",
        { group: "apps", resource: "deployments", verb: "create", namespace: "default" },
      ],
      [
        "list Deployments in another namespace",
        { group: "apps", resource: "deployments", verb: "list", namespace: "default" },
      ],
      [
        "update DeploymentRecords in another namespace",
        { group: "oaas.io", resource: "deploymentrecords", verb: "update", namespace: "default" },
      ],
      [
        "update Leases in kube-system",
        { group: "coordination.k8s.io", resource: "leases", verb: "update", namespace: "kube-system" },
      ],
      [
        "patch the CRD (upgrades go through `crm crds` with admin rights)",
        { group: "apiextensions.k8s.io", resource: "customresourcedefinitions", verb: "patch" },
      ],
      // Pods are listed (a workload's, while it is not available), never watched.
      ["watch pods in its own namespace", { group: "", resource: "pods", verb: "watch", namespace: "" }],
    ];
    for (const [what, access] of forbidden) {
      it(`denies: ${what}`, async () => {
        const target = access.namespace === "" ? { ...access, namespace: ns.name } : access;
        expect(await canI(kube, ns.name, "crm-dev-oaas-crm", target)).to.equal(false);
      });
    }

    it("denies Knative Services when rbac.knative is off (the dev release)", async () => {
      const access = {
        group: "serving.knative.dev",
        resource: "services",
        verb: "create",
        namespace: ns.name,
      };
      expect(await canI(kube, ns.name, "crm-dev-oaas-crm", access)).to.equal(false);
      expect(await canI(kube, ns.name, "crm-full-oaas-crm-reconciler", access)).to.equal(true);
    });
  });

  // A nested suite: mocha runs it after the RBAC suite above, which needs the releases.
  describe("uninstall", () => {
    it("helm uninstall leaves nothing behind but the CRD", async () => {
      for (const release of [...installed]) {
        await helm(["uninstall", release, "--wait", "--timeout", "120s"]);
        installed.splice(installed.indexOf(release), 1);
      }
      const selector = "app.kubernetes.io/part-of=oaas";
      const leftovers = async () => {
        const namespace = ns.name;
        type Named = { metadata?: { name?: string }; type?: string };
        const list = (type: ResourceType, labelSelector?: string) =>
          listObjects<Named>(kube, type, type.namespaced ? namespace : undefined, {
            ...(labelSelector ? { labelSelector } : {}),
          });
        const names = (items: Named[], kind: string) =>
          items.map((i) => `${kind}/${i.metadata?.name ?? "?"}`);
        const ours = (items: Named[]) => items.filter((i) => i.metadata?.name?.startsWith(`${namespace}-`));
        return [
          ...names(await list(builtIn.deployments), "Deployment"),
          ...names(await list(builtIn.statefulSets), "StatefulSet"),
          ...names(await list(builtIn.pods), "Pod"),
          ...names(await list(builtIn.services), "Service"),
          ...names(await list(builtIn.configMaps, selector), "ConfigMap"),
          ...names(
            (await list(builtIn.serviceAccounts)).filter((s) => s.metadata?.name !== "default"),
            "ServiceAccount",
          ),
          // Only the Secrets this test created remain (helm's release records are gone).
          ...names(
            (await list(builtIn.secrets)).filter((s) => s.type === "helm.sh/release.v1"),
            "Secret",
          ),
          ...names(await list(builtIn.persistentVolumeClaims), "PersistentVolumeClaim"),
          ...names(await list(builtIn.roles), "Role"),
          ...names(await list(builtIn.roleBindings), "RoleBinding"),
          ...names(await list(builtIn.podDisruptionBudgets), "PodDisruptionBudget"),
          ...names(await list(builtIn.networkPolicies), "NetworkPolicy"),
          ...names(ours(await list(builtIn.clusterRoles, selector)), "ClusterRole"),
          ...names(ours(await list(builtIn.clusterRoleBindings, selector)), "ClusterRoleBinding"),
        ];
      };
      // Pods go away asynchronously (garbage collector, then KWOK); everything else at once.
      await waitFor(async () => (await leftovers()).length === 0, {
        description: "no objects of the releases left",
        timeoutMs: 120_000,
      }).catch(async (error: unknown) => {
        throw new Error(`${String(error)}; left: ${(await leftovers()).join(", ")}`);
      });
      const crd = await readCrd(kube, crdName);
      expect(crd?.metadata.name, "the CRD stays (Helm never deletes crds/)").to.equal(crdName);
    });
  });
});

interface Access {
  group: string;
  resource: string;
  verb: string;
  namespace?: string;
}

/** SubjectAccessReview for the ServiceAccount `name` in `namespace`, as the API server would authorize its token. */
async function canI(kube: KubeClient, namespace: string, name: string, access: Access): Promise<boolean> {
  const [resource, subresource] = access.resource.split("/");
  const review = await kube.request<V1SubjectAccessReview>({
    method: "POST",
    path: resourcePath(builtIn.subjectAccessReviews),
    body: {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      spec: {
        user: `system:serviceaccount:${namespace}:${name}`,
        groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"],
        resourceAttributes: {
          group: access.group,
          resource: resource ?? "",
          ...(subresource ? { subresource } : {}),
          verb: access.verb,
          ...(access.namespace ? { namespace: access.namespace } : {}),
        },
      },
    },
  });
  return review.status?.allowed === true;
}
