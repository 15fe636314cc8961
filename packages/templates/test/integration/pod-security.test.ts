// Pod Security admission on the real API server: a namespace labelled
// pod-security.kubernetes.io/enforce=restricted (kube-apiserver's PodSecurity admission
// plugin, on by default since Kubernetes 1.25; the test cluster does not disable it)
// admits every pod the templates render, and refuses the same pod without its hardening,
// so the check can fail. Enforcement applies to Pods only (a Deployment is admitted and
// its ReplicaSet then fails to create pods), hence both a Pod created from each rendered
// pod template (dryRun=All: admission runs, nothing is stored) and one rendered
// Deployment applied for real, whose pods the ReplicaSet controller must create (KWOK
// nodes run them).
import type { V1Deployment, V1PodList, V1ReplicaSetList } from "@kubernetes/client-node";
import { resourcePath, type KubeClient } from "@oaas/kube";
import { builtIn, enforcePodSecurity, testCluster, useTestNamespace, waitFor } from "@oaas/testkit";
import { expect } from "chai";
import { render, type RenderedObject } from "../../src/index.ts";
import { inNamespace } from "../fixtures.ts";
import { goldenCases } from "../golden-cases.ts";

const refusal = /violates PodSecurity "restricted:latest"/;

interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec: Record<string, unknown> & { containers: object[] };
}

describe("templates: rendered pods in a namespace enforcing the restricted Pod Security Standard", function () {
  this.timeout(120_000);
  const ns = useTestNamespace("pss");
  let kube: KubeClient;

  before(async () => {
    ({ kube } = await testCluster());
    await enforcePodSecurity(kube, ns.name, "restricted");
  });

  /** POST of a Pod built from `template` with dryRun=All: the HTTP status and message. */
  async function tryPod(name: string, template: PodTemplate): Promise<{ status: number; message: string }> {
    // containerConcurrency is a Knative revision field, not a Pod field.
    const spec = Object.fromEntries(
      Object.entries(template.spec).filter(([k]) => k !== "containerConcurrency"),
    );
    const res = await kube.exchange({
      method: "POST",
      path: resourcePath(builtIn.pods, ns.name),
      query: { dryRun: "All", fieldValidation: "Strict" },
      body: { apiVersion: "v1", kind: "Pod", metadata: { name, labels: template.metadata?.labels }, spec },
    });
    const message = (res.body as { message?: unknown }).message;
    return { status: res.statusCode, message: typeof message === "string" ? message : "" };
  }

  for (const golden of goldenCases) {
    it(`${golden.name}: every pod template is admitted; without its hardening it is refused`, async () => {
      const result = render(golden.record(inNamespace(ns.name)), golden.context);
      if (!result.ok) return expect.fail(JSON.stringify(result.error));
      const templates = podTemplates(result.objects);
      expect(templates.length, "pod templates rendered").to.be.greaterThan(0);
      for (const [i, { where, template }] of templates.entries()) {
        const admitted = await tryPod(`hardened-${i}`, template);
        expect(admitted.status, `${where}: ${admitted.message}`).to.equal(201);
        const refused = await tryPod(`bare-${i}`, unhardened(template));
        expect(refused.status, where).to.equal(403);
        expect(refused.message, where).to.match(refusal);
      }
    });
  }

  it("a rendered Deployment gets its pods created; the same Deployment un-hardened gets none (ReplicaFailure)", async () => {
    const golden = goldenCases[0];
    if (golden === undefined) return expect.fail("no golden case");
    const result = render(golden.record(inNamespace(ns.name)), golden.context);
    if (!result.ok) return expect.fail(JSON.stringify(result.error));
    const rendered = result.objects.find((o): o is V1Deployment => o.kind === "Deployment");
    if (rendered?.spec === undefined) return expect.fail("no Deployment rendered");
    // No owner: the record does not exist here, and the garbage collector would delete the
    // Deployment before its pods came; what is tested is the pod admission.
    const hardened = standalone(rendered, "hardened");
    const bare = standalone(rendered, "bare");
    bare.spec.template = unhardened(bare.spec.template);
    for (const deployment of [hardened, bare]) {
      const applied = await kube.exchange({
        method: "POST",
        path: resourcePath(builtIn.deployments, ns.name),
        body: deployment,
      });
      expect(applied.statusCode, JSON.stringify(applied.body)).to.equal(201);
    }
    await waitFor(
      async () => {
        const pods = await kube.request<V1PodList>({
          method: "GET",
          path: resourcePath(builtIn.pods, ns.name),
          query: { labelSelector: "oaas.io/pss-case=hardened" },
        });
        return pods.items.length > 0;
      },
      { description: "a pod of the hardened Deployment", timeoutMs: 60_000 },
    );
    const failure = await waitFor(
      async () => {
        const sets = await kube.request<V1ReplicaSetList>({
          method: "GET",
          path: resourcePath(builtIn.replicaSets, ns.name),
          query: { labelSelector: "oaas.io/pss-case=bare" },
        });
        return sets.items
          .flatMap((s) => s.status?.conditions ?? [])
          .find((c) => c.type === "ReplicaFailure" && c.status === "True");
      },
      { description: "ReplicaFailure on the un-hardened Deployment's ReplicaSet", timeoutMs: 60_000 },
    );
    expect(failure.message).to.match(refusal);
    const barePods = await kube.request<V1PodList>({
      method: "GET",
      path: resourcePath(builtIn.pods, ns.name),
      query: { labelSelector: "oaas.io/pss-case=bare" },
    });
    expect(barePods.items).to.deep.equal([]);
  });
});

/** The pod template of every Deployment and Knative Service among `objects`. */
function podTemplates(objects: readonly RenderedObject[]): { where: string; template: PodTemplate }[] {
  return objects.flatMap((o) => {
    const template = (o.spec as { template?: Partial<PodTemplate> } | undefined)?.template;
    return template?.spec !== undefined
      ? [{ where: `${o.kind ?? ""}/${o.metadata?.name ?? ""}`, template: template as PodTemplate }]
      : [];
  });
}

/** `template` as it was before pod-security.ts: no container securityContext, the token mounted. */
function unhardened(template: PodTemplate): PodTemplate {
  const copy = JSON.parse(JSON.stringify(template)) as PodTemplate;
  delete copy.spec["automountServiceAccountToken"];
  for (const c of copy.spec.containers as { securityContext?: unknown }[]) delete c.securityContext;
  return copy;
}

/** A Deployment as plain JSON, with the fields this suite changes. */
interface PlainDeployment {
  metadata: { name?: string; labels?: Record<string, string>; ownerReferences?: unknown };
  spec: { replicas?: number; selector: { matchLabels?: Record<string, string> }; template: PodTemplate };
}

/** A copy of `deployment` named `<name>-<case>`, without owner, selecting only its own pods. */
function standalone(deployment: V1Deployment, which: string): PlainDeployment {
  const copy = JSON.parse(JSON.stringify(deployment)) as PlainDeployment;
  const label = { "oaas.io/pss-case": which };
  copy.metadata = { ...copy.metadata, name: `${deployment.metadata?.name ?? "d"}-${which}`, labels: label };
  delete copy.metadata.ownerReferences;
  copy.spec.replicas = 1;
  copy.spec.selector = { matchLabels: { ...copy.spec.selector.matchLabels, ...label } };
  copy.spec.template.metadata = {
    ...copy.spec.template.metadata,
    labels: { ...copy.spec.template.metadata?.labels, ...label },
  };
  return copy;
}
