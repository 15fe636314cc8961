// Least privilege per CRM role (mode=roles: every role under a ServiceAccount of its own,
// rules from files/roles/<role>.yaml): the chart rendered with every role on, its
// ServiceAccounts, Roles, ClusterRoles and bindings applied to the real test cluster, and
// the real authorizer asked (SubjectAccessReview) that every call a role's file lists is
// allowed and that what the other roles may do is denied to it: the dashboard and the
// ingress cannot create Deployments, the analyzer cannot delete, the reconciler can. What
// the code calls is checked the other way round by services/crm/test/integration/
// analyzer.test.ts and enforcer.test.ts, which run those roles with exactly these rules.
import { readFileSync } from "node:fs";
import path from "node:path";
import { loadAllYaml, type V1SubjectAccessReview } from "@kubernetes/client-node";
import { applyObject, deleteObject, resourcePath, type KubeClient, type ResourceType } from "@oaas/kube";
import { builtIn, runHelm, testCluster, useTestNamespace } from "@oaas/testkit";
import { expect } from "chai";
import { chartDir, crmChart, parseManifests, type Manifest } from "../../charts/charts.ts";

interface Call {
  group: string;
  resources: string[];
  verbs: string[];
  scope: string;
  when: string;
}

const roles = ["ingress", "watcher", "reconciler", "analyzer", "enforcer", "dashboard"] as const;
type Role = (typeof roles)[number];
const roleFile = (role: Role) => path.join(chartDir(crmChart), "files/roles", `${role}.yaml`);
const calls = (role: Role): Call[] => loadAllYaml(readFileSync(roleFile(role), "utf8"))[0] as Call[];

interface Access {
  what: string;
  group: string;
  resource: string;
  verb: string;
  /** Cluster-scoped resources are asked without a namespace. */
  cluster?: boolean;
}
const access = (what: string, group: string, resource: string, verb: string): Access => ({
  what,
  group,
  resource,
  verb,
});

const createDeployments = access("create Deployments", "apps", "deployments", "create");
const deleteDeployments = access("delete Deployments", "apps", "deployments", "delete");
const deleteRecords = access("delete records", "oaas.io", "deploymentrecords", "delete");
const secrets = access("get Secrets", "", "secrets", "get");
const leases = access("update Leases", "coordination.k8s.io", "leases", "update");

/** What each role must be denied (beyond its file): the rights of the others. */
const denied: Record<Role, Access[]> = {
  ingress: [
    createDeployments,
    deleteDeployments,
    access("patch Services", "", "services", "patch"),
    access("create Events", "events.k8s.io", "events", "create"),
    access("patch record status", "oaas.io", "deploymentrecords/status", "patch"),
    leases,
    secrets,
  ],
  watcher: [
    createDeployments,
    access("patch Deployments", "apps", "deployments", "patch"),
    access("patch records", "oaas.io", "deploymentrecords", "patch"),
    deleteRecords,
    access("create Events", "events.k8s.io", "events", "create"),
    secrets,
  ],
  reconciler: [
    access("create records", "oaas.io", "deploymentrecords", "create"),
    deleteRecords,
    leases,
    secrets,
    { ...access("list nodes", "", "nodes", "list"), cluster: true },
  ],
  analyzer: [
    createDeployments,
    deleteDeployments,
    deleteRecords,
    access("delete HPAs", "autoscaling", "horizontalpodautoscalers", "delete"),
    access("delete Services", "", "services", "delete"),
    access("patch Deployments", "apps", "deployments", "patch"),
    access("create Events", "events.k8s.io", "events", "create"),
    leases,
    secrets,
  ],
  enforcer: [
    createDeployments,
    deleteDeployments,
    deleteRecords,
    access("list records", "oaas.io", "deploymentrecords", "list"),
    access("create HPAs", "autoscaling", "horizontalpodautoscalers", "create"),
    leases,
    secrets,
  ],
  dashboard: [
    createDeployments,
    deleteDeployments,
    access("patch Deployments", "apps", "deployments", "patch"),
    access("create records", "oaas.io", "deploymentrecords", "create"),
    deleteRecords,
    access("patch record status", "oaas.io", "deploymentrecords/status", "patch"),
    leases,
    secrets,
  ],
};

const types: Record<string, ResourceType> = {
  ServiceAccount: builtIn.serviceAccounts,
  Role: builtIn.roles,
  RoleBinding: builtIn.roleBindings,
  ClusterRole: builtIn.clusterRoles,
  ClusterRoleBinding: builtIn.clusterRoleBindings,
};

describe("helm chart: one ServiceAccount per CRM role, least privilege (real authorizer)", function () {
  this.timeout(180_000);
  const ns = useTestNamespace("role-rbac");
  let kube: KubeClient;
  let objects: Manifest[] = [];
  let deployments: Manifest[];
  const account = (role: Role) => `rbac-oaas-crm-${role}`;

  before(async () => {
    ({ kube } = await testCluster());
    const result = await runHelm([
      "template",
      "rbac",
      chartDir(crmChart),
      "--namespace",
      ns.name,
      ...["--set", "roles.analyzer.enabled=true", "--set", "roles.enforcer.enabled=true"],
      ...["--set", "rbac.prometheusOperator=true", "--set", "rbac.knative=true"],
      ...["--set", "features.knative=true"],
    ]);
    expect(result.code, result.stderr).to.equal(0);
    const rendered = parseManifests(result.stdout);
    objects = rendered.filter((o) => types[o.kind] !== undefined);
    deployments = rendered.filter((o) => o.kind === "Deployment");
    for (const object of objects)
      await applyObject(
        kube,
        types[object.kind] as ResourceType,
        object.kind.startsWith("Cluster")
          ? object
          : { ...object, metadata: { ...object.metadata, namespace: ns.name } },
        { fieldManager: "role-rbac-test" },
      );
  });

  after(async () => {
    // Cluster-scoped objects outlive the namespace: delete the ones this suite applied.
    for (const object of objects)
      if (object.kind.startsWith("Cluster"))
        await deleteObject(kube, types[object.kind] as ResourceType, undefined, object.metadata.name);
  });

  it("renders no shared ServiceAccount in mode=roles: every Deployment runs under its role's own", () => {
    const accountOf = (d: Manifest) =>
      (d.spec as { template: { spec: { serviceAccountName: string } } }).template.spec.serviceAccountName;
    expect(
      deployments.map((d) => [d.metadata.labels?.["app.kubernetes.io/component"], accountOf(d)]),
    ).to.have.deep.members(roles.map((r) => [r, account(r)]));
    const accounts = objects.filter((o) => o.kind === "ServiceAccount").map((o) => o.metadata.name);
    expect(accounts).to.have.members(roles.map(account));
  });

  for (const role of roles) {
    it(`${role}: renders exactly its file's namespaced rules into its Role`, () => {
      const roleObject = objects.find((o) => o.kind === "Role" && o.metadata.name === account(role));
      const want = calls(role)
        .filter((c) => c.scope !== "cluster")
        .map((c) => ({ apiGroups: [c.group], resources: c.resources, verbs: c.verbs }));
      expect(roleObject?.["rules"] ?? [], role).to.deep.equal(want);
    });

    it(`${role}: allowed every call of files/roles/${role}.yaml, denied the other roles' rights`, async () => {
      const refused: string[] = [];
      for (const call of calls(role))
        for (const resource of call.resources)
          for (const verb of call.verbs) {
            const ask = { what: "", group: call.group, resource, verb, cluster: call.scope === "cluster" };
            if (!(await canI(kube, ns.name, account(role), ask)))
              refused.push(`${verb} ${call.group}/${resource}`);
          }
      expect(refused, "calls of the file the authorizer refused").to.deep.equal([]);
      const allowed: string[] = [];
      for (const d of denied[role]) if (await canI(kube, ns.name, account(role), d)) allowed.push(d.what);
      expect(allowed, "rights of other roles the authorizer allowed").to.deep.equal([]);
    });
  }

  it("the reconciler alone creates and deletes Deployments (the check has teeth)", async () => {
    for (const role of roles) {
      const can = await canI(kube, ns.name, account(role), createDeployments);
      expect(can, `${role} create Deployments`).to.equal(role === "reconciler");
    }
    expect(await canI(kube, ns.name, account("reconciler"), deleteDeployments)).to.equal(true);
  });
});

describe("helm chart: a CRM serving several namespaces gets each role's rights in each, and nowhere else (real authorizer)", function () {
  this.timeout(180_000);
  // The release lives in `home`; it serves `a` and `b` (auth.allowedNamespaces), not `home`
  // and not `other`. Every namespace is real: a Role needs its namespace to exist.
  const home = useTestNamespace("rbac-home");
  const a = useTestNamespace("rbac-a");
  const b = useTestNamespace("rbac-b");
  const other = useTestNamespace("rbac-other");
  let kube: KubeClient;
  let objects: Manifest[] = [];
  let rendered: Manifest[] = [];
  const account = (role: Role) => `multi-oaas-crm-${role}`;

  before(async () => {
    ({ kube } = await testCluster());
    const result = await runHelm([
      "template",
      "multi",
      chartDir(crmChart),
      "--namespace",
      home.name,
      ...["--set", `auth.allowedNamespaces={${a.name},${b.name}}`],
      ...["--set", "roles.analyzer.enabled=true", "--set", "roles.enforcer.enabled=true"],
    ]);
    expect(result.code, result.stderr).to.equal(0);
    rendered = parseManifests(result.stdout);
    objects = rendered.filter((o) => types[o.kind] !== undefined);
    for (const object of objects)
      await applyObject(kube, types[object.kind] as ResourceType, object, { fieldManager: "role-rbac-test" });
  });

  after(async () => {
    for (const object of objects)
      if (object.kind.startsWith("Cluster"))
        await deleteObject(kube, types[object.kind] as ResourceType, undefined, object.metadata.name);
  });

  it("renders OPRC_CRM_ALLOWED_NAMESPACES and a Role plus RoleBinding per role in each served namespace", () => {
    const envOf = (d: Manifest) =>
      (d.spec as { template: { spec: { containers: { env?: { name: string; value?: string }[] }[] } } })
        .template.spec.containers[0]?.env ?? [];
    for (const d of rendered.filter((o) => o.kind === "Deployment" && o.metadata.name.includes("oaas-crm")))
      expect(envOf(d).find((e) => e.name === "OPRC_CRM_ALLOWED_NAMESPACES")?.value, d.metadata.name).to.equal(
        `${a.name},${b.name}`,
      );
    for (const kind of ["Role", "RoleBinding"])
      for (const ns of [a.name, b.name])
        expect(
          objects
            .filter((o) => o.kind === kind && o.metadata.namespace === ns)
            .map((o) => o.metadata.name)
            .sort(),
          `${kind}s in ${ns}`,
        ).to.deep.equal(roles.map((r) => `${home.name}-${account(r)}`).sort());
    expect(objects.filter((o) => o.metadata.namespace === other.name)).to.deep.equal([]);
  });

  for (const role of roles)
    it(`${role}: every namespaced call of its file allowed in each served namespace, none in the others`, async () => {
      const wrong: string[] = [];
      for (const call of calls(role).filter((c) => c.scope === "namespace" && c.when === "always"))
        for (const resource of call.resources)
          for (const verb of call.verbs) {
            const ask = { what: "", group: call.group, resource, verb };
            for (const ns of [a.name, b.name])
              if (!(await canIAs(kube, ns, home.name, account(role), ask)))
                wrong.push(`refused ${verb} ${resource} in ${ns}`);
            for (const ns of [home.name, other.name])
              if (await canIAs(kube, ns, home.name, account(role), ask))
                wrong.push(`allowed ${verb} ${resource} in ${ns}`);
          }
      expect(wrong).to.deep.equal([]);
    });

  it("the watcher's Lease stays in the release namespace only", async () => {
    expect(await canIAs(kube, home.name, home.name, account("watcher"), leases)).to.equal(true);
    expect(await canIAs(kube, a.name, home.name, account("watcher"), leases)).to.equal(false);
  });
});

/** SubjectAccessReview for ServiceAccount `name` in `namespace`. */
async function canI(kube: KubeClient, namespace: string, name: string, a: Access): Promise<boolean> {
  return canIAs(kube, namespace, namespace, name, a);
}

/** SubjectAccessReview: may ServiceAccount `name` of namespace `home` do `a` in `namespace`? */
async function canIAs(
  kube: KubeClient,
  namespace: string,
  home: string,
  name: string,
  a: Access,
): Promise<boolean> {
  const [resource, subresource] = a.resource.split("/");
  const review = await kube.request<V1SubjectAccessReview>({
    method: "POST",
    path: resourcePath(builtIn.subjectAccessReviews),
    body: {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      spec: {
        user: `system:serviceaccount:${home}:${name}`,
        groups: ["system:serviceaccounts", `system:serviceaccounts:${home}`, "system:authenticated"],
        resourceAttributes: {
          group: a.group,
          resource: resource ?? "",
          ...(subresource ? { subresource } : {}),
          verb: a.verb,
          ...(a.cluster ? {} : { namespace }),
        },
      },
    },
  });
  return review.status?.allowed === true;
}
