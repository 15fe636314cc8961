// Reads what the oracles judge (oracles.ts Snapshot): the namespace's DeploymentRecords
// and every object carrying the owner label, what @oaas/templates renders for each live
// record (the same pure render the reconciler runs, with the CRM's render context), and
// the PM's deployment keys. Only reads; the judging is in oracles.ts.
import { deploymentRecordType, ownerLabel, type DeploymentRecord } from "@oaas/crd";
import { listObjects, type KubeClient, type ResourceType } from "@oaas/kube";
import { render, type RenderContext, type RenderedObject } from "@oaas/templates";
import { builtIn, type PmProcess } from "@oaas/testkit";
import type { ChildRef, LiveChild, LiveRecord, Snapshot } from "./oracles.ts";

/** The kinds a record's children can be with the chaos suite's settings (no Knative, no monitors). */
const childTypes: Record<string, ResourceType> = {
  Deployment: builtIn.deployments,
  Service: builtIn.services,
  HorizontalPodAutoscaler: builtIn.horizontalPodAutoscalers,
};

interface Child {
  kind?: string;
  metadata: {
    name: string;
    labels?: Record<string, string>;
    ownerReferences?: { uid: string; controller?: boolean }[];
  };
  spec?: { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } };
}

/** The VARIANT env of a workload's first container (undefined for other kinds). */
function variantOf(object: Child | RenderedObject): string | undefined {
  const spec = (object as Child).spec;
  return spec?.template?.spec?.containers?.[0]?.env?.find((e) => e.name === "VARIANT")?.value;
}

function liveRecord(r: DeploymentRecord): LiveRecord {
  const available = r.status?.conditions?.find((c) => c.type === "Available")?.status === "True";
  const observed = r.status?.observedGeneration;
  const variant = r.spec.functions?.[0]?.config?.["VARIANT"];
  return {
    name: r.metadata.name,
    uid: r.metadata.uid ?? "",
    generation: r.metadata.generation ?? 0,
    ...(observed === undefined ? {} : { observedGeneration: observed }),
    available,
    deleting: r.metadata.deletionTimestamp !== undefined,
    ...(variant === undefined ? {} : { variant }),
  };
}

/** What the render makes for a live record, as kind/name/variant; a render error renders nothing. */
function renderedRefs(record: DeploymentRecord, context: RenderContext): ChildRef[] {
  const result = render(record, context);
  if (!result.ok) return [];
  return result.objects
    .filter((o) => o.kind !== undefined && o.kind in childTypes)
    .map((o) => {
      const variant = variantOf(o);
      return {
        kind: o.kind ?? "",
        name: o.metadata?.name ?? "",
        ...(variant === undefined ? {} : { variant }),
      };
    });
}

/** The PM's deployment keys (every page). */
async function pmKeys(pm: PmProcess): Promise<Set<string>> {
  const keys = new Set<string>();
  for (let offset = 0; ; offset += 100) {
    const res = await fetch(`${pm.url}/api/v1/deployments?limit=100&offset=${offset}`, {
      headers: { authorization: `Bearer ${pm.token ?? ""}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status !== 200) throw new Error(`GET /api/v1/deployments: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { key: string }[];
    for (const d of page) keys.add(d.key);
    if (page.length < 100) return keys;
  }
}

/** One read of everything the oracles need; `pm` undefined skips the PM (its keys are then not checked). */
export async function readSnapshot(
  kube: KubeClient,
  namespace: string,
  context: RenderContext,
  pm?: PmProcess,
): Promise<Snapshot> {
  const records = await listObjects<DeploymentRecord>(kube, deploymentRecordType, namespace);
  const children: LiveChild[] = [];
  for (const [kind, type] of Object.entries(childTypes)) {
    const objects = await listObjects<Child>(kube, type, namespace, { labelSelector: ownerLabel });
    for (const o of objects) {
      const owner = o.metadata.labels?.[ownerLabel] ?? "";
      const ownerUid = o.metadata.ownerReferences?.find((ref) => ref.controller)?.uid;
      const variant = variantOf(o);
      children.push({
        kind,
        name: o.metadata.name,
        owner,
        ...(ownerUid === undefined ? {} : { ownerUid }),
        ...(variant === undefined ? {} : { variant }),
      });
    }
  }
  return {
    records: records.map(liveRecord),
    children,
    rendered: new Map(records.map((r) => [r.metadata.name, renderedRefs(r, context)])),
    ...(pm ? { pmKeys: await pmKeys(pm) } : {}),
  };
}
