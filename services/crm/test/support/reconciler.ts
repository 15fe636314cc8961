// Driving the reconcile handler directly against the real API server: no queue and no
// watcher (other engineers build those), so tests call the handler with a RecordJob and
// call it again until what they wait for holds (with a deadline), as the watcher would.
import type { DeploymentRecord, DeploymentRecordSpec } from "@oaas/crd";
import { createEventRecorder, getObject, type KubeClient, type ResourceType } from "@oaas/kube";
import type { HistoryEntry, HistorySink, JobContext, ReconcileResult, RecordJob } from "@oaas/queue";
import { createLogger } from "@oaas/telemetry";
import { defaultRenderContext, type RenderContext } from "@oaas/templates";
import { builtIn, captureLogLines, waitFor, type LogLine } from "@oaas/testkit";
import { kubeRecordStore } from "../../src/deployments/store.ts";
import { desiredRecord } from "../../src/deployments/record.ts";
import { detectCapabilities } from "../../src/reconciler/capabilities.ts";
import { createReconcileHandler } from "../../src/reconciler/index.ts";
import { getRecord } from "./records.ts";

/**
 * In-memory HistorySink: a FAKE, because the Redis history store is being built in
 * packages/queue in parallel. It records exactly what the handler appends.
 */
export function memoryHistory(): HistorySink & { entries: (HistoryEntry & { record: string })[] } {
  const entries: (HistoryEntry & { record: string })[] = [];
  return {
    entries,
    append(namespace, name, entry) {
      entries.push({ ...entry, record: `${namespace}/${name}` });
      return Promise.resolve();
    },
  };
}

export interface Harness {
  handle(job: RecordJob): Promise<ReconcileResult>;
  history: ReturnType<typeof memoryHistory>;
  logs: LogLine[];
  context: RenderContext;
}

export async function harness(
  kube: KubeClient,
  features: Partial<RenderContext["features"]> = {},
): Promise<Harness> {
  const base = defaultRenderContext("dev");
  const context: RenderContext = {
    ...base,
    features: { ...base.features, ...features },
    capabilities: await detectCapabilities(kube),
  };
  const history = memoryHistory();
  const { lines: logs, stream } = captureLogLines();
  const logger = createLogger({ service: "crm-reconciler-test", level: "debug", stream });
  const events = createEventRecorder(kube, {
    controller: "oaas.io/crm-reconciler",
    instance: "reconciler-test",
    now: () => new Date(),
  });
  const handler = createReconcileHandler({ kube, renderContext: context, history, events, logger });
  let jobs = 0;
  const handle = (job: RecordJob) => {
    const ctx: JobContext = {
      jobId: `test-${++jobs}`,
      attempt: 1,
      workerId: "reconciler-test-1",
      signal: new AbortController().signal,
    };
    return handler(job, ctx);
  };
  return { handle, history, logs, context };
}

/** Writes the record the way the ingress does (its desiredRecord, SSA with its field manager). */
export async function deployRecord(
  kube: KubeClient,
  namespace: string,
  spec: DeploymentRecordSpec,
  correlationId = "corr-test",
): Promise<DeploymentRecord> {
  const applied = await kubeRecordStore(kube).apply(
    desiredRecord(spec, { namespace, correlationId }),
    AbortSignal.timeout(15_000),
  );
  return applied.record;
}

export function jobFor(record: DeploymentRecord): RecordJob {
  return {
    namespace: record.metadata.namespace ?? "",
    name: record.metadata.name,
    uid: record.metadata.uid ?? "",
    reason: "manual",
  };
}

/** Re-runs the handler until `probe` holds (as the watcher would re-enqueue), with a deadline. */
export async function reconcileUntil<T>(
  h: Harness,
  job: RecordJob,
  probe: (result: ReconcileResult) => Promise<T | undefined | false> | T | undefined | false,
  description: string,
  timeoutMs = 60_000,
): Promise<T> {
  return waitFor(async () => probe(await h.handle(job)), { description, timeoutMs, intervalMs: 300 });
}

/** Whether the record says Available=True for its current generation. */
export function isAvailable(r: DeploymentRecord | undefined): boolean {
  return (
    r?.status?.conditions?.some(
      (c) => c.type === "Available" && c.status === "True" && c.observedGeneration === r.metadata.generation,
    ) === true
  );
}

/**
 * Applies `spec` as a record in `namespace` and runs `h` on it until the record is Available
 * for its generation (90 s); a timeout says the status the reconciler last wrote.
 */
export async function convergeRecord(
  kube: KubeClient,
  h: Harness,
  namespace: string,
  spec: DeploymentRecordSpec,
): Promise<DeploymentRecord> {
  const id = spec.deployment_id ?? "";
  const written = await deployRecord(kube, namespace, spec);
  return reconcileUntil(
    h,
    jobFor(written),
    async () => {
      const r = await getRecord(kube, namespace, id);
      return isAvailable(r) ? r : undefined;
    },
    `${id} Available`,
    90_000,
  ).catch(async (error: unknown) => {
    const r = await getRecord(kube, namespace, id);
    throw new Error(`${String(error)}; status: ${JSON.stringify(r?.status)}`, { cause: error });
  });
}

export const deploymentsType = builtIn.deployments;
export const servicesType = builtIn.services;
export const hpasType = builtIn.horizontalPodAutoscalers;
export const podsType = builtIn.pods;

export interface Child {
  metadata: {
    name: string;
    uid: string;
    resourceVersion: string;
    generation?: number;
    labels?: Record<string, string>;
    managedFields?: { manager?: string; operation?: string; time?: string }[];
    ownerReferences?: { uid: string; kind: string; name: string; controller?: boolean }[];
  };
  spec?: Record<string, unknown> & {
    replicas?: number;
    template?: { spec?: { containers?: { image?: string; env?: { name: string; value?: string }[] }[] } };
    ports?: { port: number }[];
  };
  status?: Record<string, unknown>;
}

export function getChild(kube: KubeClient, type: ResourceType, namespace: string, name: string) {
  return getObject<Child>(kube, type, namespace, name);
}

const mutatingVerbs = new Set(["POST", "PUT", "PATCH", "DELETE", "APPLY", "DELETECOLLECTION"]);
const watchedResources = new Set([
  "deployments",
  "services",
  "horizontalpodautoscalers",
  "deploymentrecords",
  "events",
]);

/** The API server's own request count (apiserver_request_total) over the series `counts` picks. */
async function apiserverRequests(
  kube: KubeClient,
  counts: (labels: Record<string, string>) => boolean,
): Promise<number> {
  const text = await kube.request<string>({ method: "GET", path: "/metrics", accept: "text/plain" });
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith("apiserver_request_total{")) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] ?? "", m[2] ?? ""] as const),
    );
    if (counts(labels)) total += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return total;
}

/**
 * Mutating requests the API server itself counted (apiserver_request_total, from its
 * /metrics with the admin kubeconfig) for the resources a reconcile may write, leaving
 * out the controllers' status writes of children. Cluster-wide: the metric has no
 * namespace label.
 */
export function apiserverMutations(kube: KubeClient): Promise<number> {
  return apiserverRequests(kube, (labels) => {
    const resource = labels["resource"] ?? "";
    // Status writes of Deployments, Services and HPAs are the controllers' (rollouts of
    // other suites, garbage collection); a reconcile writes only its record's status.
    if (labels["subresource"] === "status" && resource !== "deploymentrecords") return false;
    return mutatingVerbs.has(labels["verb"] ?? "") && watchedResources.has(resource);
  });
}

/** LIST requests of the child kinds (Deployments, Services, HPAs) the API server counted, cluster-wide. */
export function apiserverChildLists(kube: KubeClient): Promise<number> {
  const children = new Set(["deployments", "services", "horizontalpodautoscalers"]);
  return apiserverRequests(
    kube,
    (labels) => labels["verb"] === "LIST" && children.has(labels["resource"] ?? ""),
  );
}
