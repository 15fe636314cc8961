// Least privilege of the roles that run under a ServiceAccount of their own (the analyzer
// and the enforcer; files/roles/<role>.yaml): the chart rendered with the role on, its ServiceAccount, Role
// and RoleBinding applied to a namespace of the real test cluster, and the real
// authorizer asked (SubjectAccessReview) that every call the file lists is allowed and
// that what the rest of the CRM may do is denied to it. What the code calls is checked
// the other way round by services/crm/test/integration/analyzer.test.ts and
// enforcer.test.ts, which run those roles with exactly these rules.
import { readFileSync } from "node:fs";
import path from "node:path";
import { loadAllYaml, type V1SubjectAccessReview } from "@kubernetes/client-node";
import { applyObject, resourcePath, type KubeClient, type ResourceType } from "@oaas/kube";
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

const roleFile = (role: string) => path.join(chartDir(crmChart), "files/roles", `${role}.yaml`);
const calls = (role: string): Call[] => loadAllYaml(readFileSync(roleFile(role), "utf8"))[0] as Call[];

type Denied = { what: string; group: string; resource: string; verb: string };

/** Denied to every own-account role: the reconciler's, the ingress', the watcher's calls and secrets. */
const deniedToAll: Denied[] = [
  { what: "create Deployments", group: "apps", resource: "deployments", verb: "create" },
  { what: "delete Deployments", group: "apps", resource: "deployments", verb: "delete" },
  { what: "patch Services", group: "", resource: "services", verb: "patch" },
  { what: "patch a record's spec", group: "oaas.io", resource: "deploymentrecords", verb: "patch" },
  { what: "delete records", group: "oaas.io", resource: "deploymentrecords", verb: "delete" },
  { what: "update Leases", group: "coordination.k8s.io", resource: "leases", verb: "update" },
  { what: "get Secrets", group: "", resource: "secrets", verb: "get" },
  { what: "list ServiceMonitors", group: "monitoring.coreos.com", resource: "servicemonitors", verb: "list" },
  { what: "create Knative Services", group: "serving.knative.dev", resource: "services", verb: "create" },
];

/** What each role is denied besides: the analyzer writes no workload and no Event; the enforcer lists nothing. */
const denied: Record<string, Denied[]> = {
  analyzer: [
    ...deniedToAll,
    { what: "patch Deployments", group: "apps", resource: "deployments", verb: "patch" },
    { what: "create Events", group: "events.k8s.io", resource: "events", verb: "create" },
  ],
  enforcer: [
    ...deniedToAll,
    { what: "list records", group: "oaas.io", resource: "deploymentrecords", verb: "list" },
    { what: "delete HPAs", group: "autoscaling", resource: "horizontalpodautoscalers", verb: "delete" },
    { what: "create HPAs", group: "autoscaling", resource: "horizontalpodautoscalers", verb: "create" },
  ],
};

describe("helm chart: roles with a ServiceAccount of their own, least privilege (real authorizer)", function () {
  this.timeout(120_000);
  const ns = useTestNamespace("role-rbac");
  let kube: KubeClient;

  before(async () => {
    ({ kube } = await testCluster());
  });

  for (const role of ["analyzer", "enforcer"]) {
    describe(role, () => {
      let objects: Manifest[];
      let account: string;

      before(async () => {
        const result = await runHelm([
          "template",
          "rbac",
          chartDir(crmChart),
          "--namespace",
          ns.name,
          "--set",
          `roles.${role}.enabled=true`,
          "--set",
          "rbac.prometheusOperator=true",
          "--set",
          "rbac.knative=true",
        ]);
        expect(result.code, result.stderr).to.equal(0);
        objects = parseManifests(result.stdout);
        account = `rbac-oaas-crm-${role}`;
      });

      it("runs its Deployment under its own ServiceAccount; the other roles keep the shared one", () => {
        const deployments = objects.filter((o) => o.kind === "Deployment");
        const accountOf = (component: string) =>
          (
            deployments.find((d) => d.metadata.labels?.["app.kubernetes.io/component"] === component)
              ?.spec as {
              template: { spec: { serviceAccountName: string } };
            }
          ).template.spec.serviceAccountName;
        expect(accountOf(role)).to.equal(account);
        expect(accountOf("reconciler")).to.equal("rbac-oaas-crm");
      });

      it("renders exactly the file's rules into its Role", () => {
        const roleObject = objects.find((o) => o.kind === "Role" && o.metadata.name === account);
        const want = calls(role)
          .filter((c) => c.scope !== "cluster")
          .map((c) => ({ apiGroups: [c.group], resources: c.resources, verbs: c.verbs }));
        expect(roleObject?.["rules"]).to.deep.equal(want);
      });

      it("is allowed every call of its file and denied the rest of the CRM's", async () => {
        const types: Record<string, ResourceType> = {
          ServiceAccount: builtIn.serviceAccounts,
          Role: builtIn.roles,
          RoleBinding: builtIn.roleBindings,
        };
        for (const object of objects.filter((o) => o.metadata.name === account && types[o.kind]))
          await applyObject(
            kube,
            types[object.kind] as ResourceType,
            { ...object, metadata: { ...object.metadata, namespace: ns.name } },
            {
              fieldManager: "role-rbac-test",
            },
          );
        const refused: string[] = [];
        for (const call of calls(role))
          for (const resource of call.resources)
            for (const verb of call.verbs)
              if (!(await canI(kube, ns.name, account, call.group, resource, verb)))
                refused.push(`${verb} ${call.group}/${resource}`);
        expect(refused, "calls of the file the authorizer refused").to.deep.equal([]);
        const allowed: string[] = [];
        for (const d of denied[role] ?? [])
          if (await canI(kube, ns.name, account, d.group, d.resource, d.verb)) allowed.push(d.what);
        expect(allowed, "calls outside the file the authorizer allowed").to.deep.equal([]);
      });
    });
  }
});

/** SubjectAccessReview for ServiceAccount `name` in `namespace`. */
async function canI(
  kube: KubeClient,
  namespace: string,
  name: string,
  group: string,
  resourcePathText: string,
  verb: string,
): Promise<boolean> {
  const [resource, subresource] = resourcePathText.split("/");
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
          group,
          resource: resource ?? "",
          ...(subresource ? { subresource } : {}),
          verb,
          namespace,
        },
      },
    },
  });
  return review.status?.allowed === true;
}
