// The drift suites' shared ground (drift*.test.ts): the record they deploy, the edits
// other tools make to its children (a client-side patch by another field manager, as
// kubectl set env / edit do, and a server-side apply by another field manager), and a
// reconciler harness in a fresh namespace with helpers to deploy, edit and read back.
import type * as k8s from "@kubernetes/client-node";
import { functionChildName, type DeploymentRecord, type DeploymentRecordSpec } from "@oaas/crd";
import { KubeClient, listObjects } from "@oaas/kube";
import { render, type RenderedObject } from "@oaas/templates";
import { createTestNamespace, testCluster, type TestNamespace } from "@oaas/testkit";
import { installCrd } from "./ingress.ts";
import { getRecord, releaseAll } from "./records.ts";
import {
  deployRecord,
  deploymentsType,
  getChild,
  harness,
  jobFor,
  reconcileUntil,
  type Harness,
} from "./reconciler.ts";

export interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec?: {
    containers?: {
      name: string;
      image?: string;
      env?: { name: string; value?: string }[];
      ports?: { containerPort: number }[];
      volumeMounts?: unknown[];
    }[];
  };
}
export interface LiveDeployment {
  metadata: { annotations?: Record<string, string>; generation?: number };
  spec?: { template?: PodTemplate };
}
export interface StoredEvent {
  type?: string;
  reason?: string;
  note?: string;
  regarding?: { name?: string };
}

export const image = "ghcr.io/oaas/test-fn:1";
export const spec = (id: string): DeploymentRecordSpec => ({
  deployment_id: id,
  functions: [
    {
      function_key: "fn",
      provision_config: { container_image: image, port: 8080 },
      config: { MODE: "prod" },
    },
  ],
});

/** A change another tool makes to the function container / pod template, in both forms. */
export interface Edit {
  name: string;
  /** The pod template part, as both a strategic merge patch and an apply configuration carry it. */
  template?: PodTemplate;
  /** Object metadata instead. */
  metadata?: { annotations: Record<string, string> };
  /** The field the history entry must name; undefined: kept, not drift. */
  path?: string;
}

export const edits: Edit[] = [
  {
    name: "env added",
    template: { spec: { containers: [{ name: "function", env: [{ name: "HACK2", value: "1" }] }] } },
    path: "spec.template.spec.containers[function].env[HACK2]",
  },
  {
    name: "env value changed",
    template: { spec: { containers: [{ name: "function", env: [{ name: "MODE", value: "debug" }] }] } },
    path: "spec.template.spec.containers[function].env[MODE].value",
  },
  {
    name: "port added",
    template: { spec: { containers: [{ name: "function", ports: [{ containerPort: 9090 }] }] } },
    path: "spec.template.spec.containers[function].ports[9090/TCP]",
  },
  {
    name: "container added",
    template: { spec: { containers: [{ name: "sidecar", image: "ghcr.io/oaas/sidecar:1" }] } },
    path: "spec.template.spec.containers[sidecar]",
  },
  {
    name: "pod-template label added",
    template: { metadata: { labels: { hack: "1" } } },
    path: "spec.template.metadata.labels[hack]",
  },
  { name: "annotation we never render", metadata: { annotations: { "example.com/note": "kept" } } },
];

export type Writer = "patch" | "apply";

/** What a drift suite's hooks set up: read it in a `before` of the suite (after the fixture's own). */
export interface DriftState {
  readonly ns: TestNamespace;
  readonly kc: k8s.KubeConfig;
  readonly kube: KubeClient;
  readonly h: Harness;
}

/**
 * Registers before/after hooks (call inside a describe) that make a namespace, install the
 * CRD and start a reconciler harness, and returns the helpers the drift suites use.
 */
export function useDriftHarness() {
  let ns: TestNamespace;
  let kc: k8s.KubeConfig;
  let kube: KubeClient;
  let h: Harness;

  before(async function () {
    kc = (await testCluster()).kc;
    ns = await createTestNamespace("drift");
    await installCrd(kc);
    kube = await KubeClient.create(kc);
    h = await harness(kube);
  });
  after(async function () {
    await releaseAll(kube, ns.name);
    await kube.close();
    await ns.cleanup();
  });

  const childName = (r: DeploymentRecord) => functionChildName(r.metadata.name, "fn");
  const deploymentPath = (name: string) => `/apis/apps/v1/namespaces/${ns.name}/deployments/${name}`;
  const live = async (r: DeploymentRecord) =>
    (await getChild(kube, deploymentsType, ns.name, childName(r))) as unknown as LiveDeployment;

  /** Deploys and reconciles until Available for the current generation (KWOK makes pods Ready). */
  async function deployed(id: string): Promise<DeploymentRecord> {
    const written = await deployRecord(kube, ns.name, spec(id));
    return reconcileUntil(
      h,
      jobFor(written),
      async () => {
        const r = await getRecord(kube, ns.name, id);
        const available = r?.status?.conditions?.find((c) => c.type === "Available");
        return available?.status === "True" && available.observedGeneration === r?.metadata.generation
          ? r
          : undefined;
      },
      `${id} Available`,
      90_000,
    );
  }

  /** What the templates render for the record's function Deployment (the reconciler's own render). */
  function rendered(r: DeploymentRecord): { template: PodTemplate } {
    const result = render(r, h.context);
    if (!result.ok) throw new Error(`render failed: ${JSON.stringify(result.error)}`);
    const d = result.objects.find(
      (o: RenderedObject) => o.kind === "Deployment" && o.metadata?.name === childName(r),
    );
    return (d as { spec: { template: PodTemplate } }).spec;
  }

  /** Writes `edit` as another tool would: kubectl's strategic merge patch, or a forced apply. */
  async function write(r: DeploymentRecord, edit: Edit, writer: Writer, manager: string): Promise<void> {
    const body = {
      ...(edit.metadata ? { metadata: edit.metadata } : {}),
      ...(edit.template ? { spec: { template: edit.template } } : {}),
    };
    if (writer === "patch") {
      await kube.request({
        method: "PATCH",
        path: deploymentPath(childName(r)),
        query: { fieldManager: manager },
        contentType: "application/strategic-merge-patch+json",
        body,
      });
      return;
    }
    const applied = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      ...body,
      metadata: { name: childName(r), namespace: ns.name, ...body.metadata },
    };
    await kube.request({
      method: "PATCH",
      path: deploymentPath(childName(r)),
      query: { fieldManager: manager, force: true },
      contentType: "application/apply-patch+yaml",
      body: applied,
    });
  }

  const history = (r: DeploymentRecord, type: string) =>
    h.history.entries.filter((e) => e.record === `${ns.name}/${r.metadata.name}` && e.type === type);
  const eventsFor = async (r: DeploymentRecord, reason: string) =>
    (
      await listObjects<StoredEvent>(
        kube,
        { group: "events.k8s.io", version: "v1", plural: "events", namespaced: true },
        ns.name,
      )
    ).filter((e) => e.reason === reason && e.regarding?.name === r.metadata.name);

  /** Every part the CRM renders of the pod template, as the live object has it. */
  function renderedParts(template: PodTemplate | undefined) {
    return {
      labels: template?.metadata?.labels,
      containers: (template?.spec?.containers ?? []).map((c) => ({
        name: c.name,
        image: c.image,
        env: c.env,
        ports: (c.ports ?? []).map((p) => p.containerPort),
        volumeMounts: c.volumeMounts,
      })),
    };
  }

  const state = (): DriftState => ({ ns, kc, kube, h });
  return {
    state,
    childName,
    deploymentPath,
    live,
    deployed,
    rendered,
    write,
    history,
    eventsFor,
    renderedParts,
  };
}
