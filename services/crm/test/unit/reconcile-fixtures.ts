// Option builders for the reconcile plan's table tests: a record
// (record(withFunction("a"), withGeneration(2))), a render context, and live children as
// the API server answers them (converged(record) = every desired child as our apply left
// it; deployment("x", withOwner(...)) = a child someone else made). Pure data: the plan
// under test takes no client.
import {
  apiVersion,
  finalizer,
  kind,
  ownerLabel,
  reconcilerFieldManager,
  type DeploymentRecord,
  type FunctionSpec,
  type NfrSpec,
} from "@oaas/crd";
import { defaultRenderContext, render, type RenderContext, type RenderedObject } from "@oaas/templates";
import { childKey, displayName } from "../../src/reconciler/children.ts";
import { withAppliedHash, type LiveObject } from "../../src/reconciler/compare.ts";

export const recordUid = "rec-uid";
export const now = new Date("2026-12-07T12:00:00Z");

// --- records ---------------------------------------------------------------------

export type RecordOption = (r: DeploymentRecord) => void;
export type FunctionOption = (fn: FunctionSpec) => void;

/** Record "shop" in namespace ns, generation 1, reconciled before (finalizer and status present). */
export function record(...options: RecordOption[]): DeploymentRecord {
  const r: DeploymentRecord = {
    apiVersion,
    kind,
    metadata: { name: "shop", namespace: "ns", uid: recordUid, generation: 1, finalizers: [finalizer] },
    spec: { deployment_id: "shop" },
    status: { observedGeneration: 1 },
  };
  for (const option of options) option(r);
  return r;
}
export const withFunction =
  (key: string, ...options: FunctionOption[]): RecordOption =>
  (r) => {
    const fn: FunctionSpec = {
      function_key: key,
      provision_config: { container_image: `ghcr.io/oaas/${key}:1`, port: 8080 },
      config: { MODE: "prod" },
    };
    for (const option of options) option(fn);
    r.spec.functions = [...(r.spec.functions ?? []), fn];
  };
export const withImage =
  (image: string): FunctionOption =>
  (fn) =>
    void (fn.provision_config = { ...fn.provision_config, container_image: image });
export const withScale =
  (min: number, max: number): FunctionOption =>
  (fn) =>
    void (fn.provision_config = { ...fn.provision_config, min_scale: min, max_scale: max });
/** Only max_scale: the replicas come from the template (dev 1, edge 2, full 3). */
export const withMaxScale =
  (max: number): FunctionOption =>
  (fn) =>
    void (fn.provision_config = { ...fn.provision_config, max_scale: max });
export const withCpuRequest =
  (cpu: string): FunctionOption =>
  (fn) =>
    void (fn.provision_config = { ...fn.provision_config, cpu_request: cpu });
export const withOdgm: RecordOption = (r) => {
  r.spec.addons = ["odgm"];
  r.spec.odgm_config = { collections: ["orders"] };
};
export const withTemplate =
  (name: string): RecordOption =>
  (r) =>
    void (r.spec.selected_template = name);
/** spec.nfr.enforcement mode enforce: the NFR enforcer owns the replica count. */
export const withEnforcement =
  (dimensions?: NonNullable<NfrSpec["enforcement"]>["dimensions"]): RecordOption =>
  (r) =>
    void (r.spec.nfr = { enforcement: { mode: "enforce", ...(dimensions ? { dimensions } : {}) } });
export const withGeneration =
  (generation: number): RecordOption =>
  (r) =>
    void (r.metadata.generation = generation);
/** Never reconciled: no status of a run. */
export const withoutStatus: RecordOption = (r) => {
  delete r.status;
};
/** Written by hand without the finalizer the ingress adds. */
export const withoutFinalizer: RecordOption = (r) => {
  delete r.metadata.finalizers;
};

// --- render contexts -------------------------------------------------------------

export type ContextOption = (c: RenderContext) => void;
export function context(...options: ContextOption[]): RenderContext {
  const c = defaultRenderContext("dev");
  for (const option of options) option(c);
  return c;
}
export const withFeature =
  (name: "odgm" | "hpa" | "knative"): ContextOption =>
  (c) =>
    void (c.features = { ...c.features, [name]: true });
export const withKnative: ContextOption = (c) => {
  c.features = { ...c.features, knative: true };
  c.capabilities = { ...c.capabilities, knativeInstalled: true };
};

/** What render makes of the record (a test's setup error when it cannot). */
export function desiredOf(r: DeploymentRecord, c: RenderContext = context()): RenderedObject[] {
  const rendered = render(r, c);
  if (!rendered.ok) throw new Error(`fixture does not render: ${JSON.stringify(rendered.error)}`);
  return rendered.objects;
}

// --- live children ---------------------------------------------------------------

export type LiveOption = (l: LiveObject) => void;

/**
 * A desired child as our forced apply left it: the hash annotation, a uid, our managed
 * fields (replicas among them when we set them), the API server's defaults and a
 * finished rollout.
 */
export function applied(object: RenderedObject, ...options: LiveOption[]): LiveObject {
  const l = structuredClone(withAppliedHash(object)) as LiveObject;
  const spec = l.spec ?? {};
  l.metadata = {
    ...l.metadata,
    uid: `uid-${displayName(object)}`,
    generation: 1,
    managedFields: [
      {
        manager: reconcilerFieldManager,
        operation: "Apply",
        fieldsV1: { "f:spec": "replicas" in spec ? { "f:replicas": {} } : {} },
      },
    ],
  };
  serverDefaults(l);
  for (const option of options) option(l);
  return l;
}

/** Defaults and normalisations the API server adds, so "converged" is what a real read returns. */
function serverDefaults(l: LiveObject): void {
  const spec = l.spec ?? {};
  if (l.kind === "Deployment") {
    spec["replicas"] ??= 1;
    spec["strategy"] ??= { type: "RollingUpdate" };
    const pod = (spec["template"] as { spec?: Record<string, unknown> } | undefined)?.spec ?? {};
    pod["restartPolicy"] = "Always";
    for (const c of (pod["containers"] as Record<string, unknown>[] | undefined) ?? []) {
      c["imagePullPolicy"] = "IfNotPresent";
      c["terminationMessagePath"] = "/dev/termination-log";
    }
    const replicas = spec["replicas"] as number;
    l.status = { observedGeneration: 1, replicas, updatedReplicas: replicas, availableReplicas: replicas };
  } else if (l.kind === "Service" && l.apiVersion === "v1") {
    spec["clusterIP"] = "10.0.0.10";
    spec["type"] = "ClusterIP";
  }
  l.spec = spec;
}

/** Every desired child of the record as our apply left it, with `edits` applied by display name. */
export function converged(
  r: DeploymentRecord,
  c: RenderContext = context(),
  ...edits: [string, LiveOption][]
): LiveObject[] {
  return desiredOf(r, c).map((object) =>
    applied(object, ...edits.filter(([name]) => name === displayName(object)).map(([, edit]) => edit)),
  );
}

/** The gather's map: by childKey. */
export function live(...children: LiveObject[]): Map<string, LiveObject> {
  return new Map(children.map((child) => [childKey(child), child]));
}

/** A Deployment someone made (no owner, no label) unless options say otherwise. */
export function deployment(name: string, ...options: LiveOption[]): LiveObject {
  const l: LiveObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: "ns", uid: `uid-${name}`, managedFields: [] },
    spec: { replicas: 1 },
  };
  for (const option of options) option(l);
  return l;
}
export function service(name: string, ...options: LiveOption[]): LiveObject {
  const l: LiveObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: "ns", uid: `uid-svc-${name}`, managedFields: [] },
    spec: { ports: [{ port: 80 }] },
  };
  for (const option of options) option(l);
  return l;
}
export const withOwner =
  (ownerKind: string, name: string, uid: string): LiveOption =>
  (l) =>
    void (l.metadata = {
      ...l.metadata,
      ownerReferences: [{ apiVersion, kind: ownerKind, name, uid, controller: true }],
    });
export const withoutOwner: LiveOption = (l) => void (l.metadata = { ...l.metadata, ownerReferences: [] });
export const withOwnerLabel =
  (value: string): LiveOption =>
  (l) =>
    void (l.metadata = { ...l.metadata, labels: { ...l.metadata?.labels, [ownerLabel]: value } });
/** A field manager that wrote `fieldsV1` (managedFields), e.g. kubectl-set. */
export const writtenBy =
  (manager: string, fieldsV1: unknown = {}): LiveOption =>
  (l) =>
    void (l.metadata = {
      ...l.metadata,
      managedFields: [...(l.metadata?.managedFields ?? []), { manager, operation: "Update", fieldsV1 }],
    });
export const beingDeleted: LiveOption = (l) =>
  void (l.metadata = { ...l.metadata, deletionTimestamp: "2026-12-07T11:59:00Z" });
export const withAnnotation =
  (key: string, value: string): LiveOption =>
  (l) =>
    void (l.metadata = { ...l.metadata, annotations: { ...l.metadata?.annotations, [key]: value } });
export const withSpec =
  (edit: (spec: Record<string, unknown>) => void): LiveOption =>
  (l) =>
    edit((l.spec ??= {}));

interface Container {
  name: string;
  image?: string;
  env?: { name: string; value?: string }[];
  ports?: { containerPort: number; protocol?: string }[];
}
interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: Container[] };
}
/** Edits the pod template of a live Deployment (or Knative Service). */
export const withPodTemplate =
  (edit: (template: PodTemplate) => void): LiveOption =>
  (l) =>
    edit(l.spec?.["template"] as PodTemplate);
/** Edits the "function" container of a live Deployment. */
export const withFunctionContainer = (edit: (c: Container) => void): LiveOption =>
  withPodTemplate((t) => {
    const c = t.spec.containers.find((x) => x.name === "function");
    if (c === undefined) throw new Error("fixture: no function container");
    edit(c);
  });
/** managedFields path of the function container's env item `name` (as kubectl set env writes it). */
export const envFields = (name: string) => ({
  "f:spec": {
    "f:template": {
      "f:spec": {
        "f:containers": { 'k:{"name":"function"}': { "f:env": { [`k:{"name":"${name}"}`]: {} } } },
      },
    },
  },
});
