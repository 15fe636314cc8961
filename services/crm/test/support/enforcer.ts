// Driving the enforce handler directly against the real API server and Redis, with a
// clock the test moves (the stability window and cooldown are then exact, with no
// sleeps), and writing what the analyzer writes: status.nfr_recommendations and the
// NfrObserved condition, server-side applied with an analyzer field manager of the test's
// own. That write is the analyzer's side of the contract (the analyzer role is built in
// parallel); everything the enforcer reads and writes is real.
import { readFileSync } from "node:fs";
import path from "node:path";
import * as k8s from "@kubernetes/client-node";
import { apiVersion, kind, type DeploymentRecord } from "@oaas/crd";
import { applyObject, createEventRecorder, events, KubeClient, listObjects, resourcePath } from "@oaas/kube";
import type { EnforcementSettings, Recommendation } from "@oaas/nfr";
import { createHistory, type History, type JobContext, type ReconcileResult } from "@oaas/queue";
import { createLogger } from "@oaas/telemetry";
import { builtIn, captureLogLines, repoRoot, type LogLine, type TestRedis } from "@oaas/testkit";
import {
  createEnforceHandler,
  createEnforcerStore,
  type EnforceJob,
  type EnforcerStore,
} from "../../src/enforcer/index.ts";
import { deploymentRecords } from "../../src/deployments/record-resource.ts";

export const testAnalyzerManager = "oaas-test-analyzer";

export interface EnforcerHarness {
  /** Runs the handler once at the harness clock. */
  handle(job: EnforceJob): Promise<ReconcileResult>;
  /** The clock the handler reads, ms since epoch; tests move it. */
  nowMs: number;
  history: History;
  store: EnforcerStore;
  logs: LogLine[];
}

export function enforcerHarness(
  kube: KubeClient,
  redis: TestRedis,
  settings: EnforcementSettings,
  startMs = Date.now(),
): EnforcerHarness {
  const connection = redis.connect();
  const history = createHistory({ connection, prefix: redis.prefix });
  const store = createEnforcerStore(connection, redis.prefix);
  const { lines: logs, stream } = captureLogLines();
  const logger = createLogger({ service: "crm-enforcer-test", level: "debug", stream });
  const h: EnforcerHarness = {
    nowMs: startMs,
    history,
    store,
    logs,
    handle: (job) => {
      const ctx: JobContext = {
        jobId: `test-${++jobs}`,
        attempt: 1,
        workerId: "enforcer-test-1",
        signal: new AbortController().signal,
      };
      return handler(job, ctx);
    },
  };
  let jobs = 0;
  const clock = { now: () => new Date(h.nowMs) };
  const handler = createEnforceHandler({
    kube,
    store,
    history,
    events: createEventRecorder(kube, {
      controller: "oaas.io/crm-enforcer",
      instance: "enforcer-test",
      now: clock.now,
    }),
    settings,
    logger,
    clock,
  });
  return h;
}

/** Writes the analyzer's status fields: recommendations and NfrObserved (True unless given). */
export async function writeAnalysis(
  kube: KubeClient,
  record: DeploymentRecord,
  recommendations: Recommendation[],
  observed: { status: "True" | "False"; reason: string; message: string } = {
    status: "True",
    reason: "Observed",
    message: "recommendations from the test",
  },
): Promise<DeploymentRecord> {
  const { name, namespace, uid } = record.metadata;
  return kube.request<DeploymentRecord>({
    method: "PATCH",
    path: `${resourcePath(deploymentRecords, namespace, name)}/status`,
    query: { fieldManager: testAnalyzerManager, force: true },
    contentType: "application/apply-patch+yaml",
    body: {
      apiVersion,
      kind,
      metadata: { name, namespace, uid },
      status: {
        nfr_recommendations: recommendations,
        conditions: [
          {
            type: "NfrObserved",
            ...observed,
            lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
            observedGeneration: record.metadata.generation ?? 1,
          },
        ],
      },
    },
  });
}

export interface StoredEvent {
  reason?: string;
  note?: string;
  type?: string;
  series?: { count?: number };
  regarding?: { name?: string };
}

/** The NFRApplied Events about `recordName`: note and occurrences (1 + series.count - 1). */
export async function appliedEvents(kube: KubeClient, namespace: string, recordName: string) {
  const all = await listObjects<StoredEvent>(kube, events, namespace);
  return all
    .filter((e) => e.reason === "NFRApplied" && e.regarding?.name === recordName)
    .map((e) => ({ note: e.note ?? "", count: e.series?.count ?? 1, type: e.type }));
}

interface ChartCall {
  group: string;
  resources: string[];
  verbs: string[];
  scope: string;
  when: string;
}

/** The enforcer's rules as the chart grants them (charts/oaas-crm/files/roles/enforcer.yaml), `when: always` ones. */
export function enforcerRules(
  when: readonly string[] = ["always"],
): { apiGroups: string[]; resources: string[]; verbs: string[] }[] {
  const file = path.join(repoRoot, "charts/oaas-crm/files/roles/enforcer.yaml");
  const calls = k8s.loadAllYaml(readFileSync(file, "utf8"))[0] as ChartCall[];
  return calls
    .filter((c) => when.includes(c.when))
    .map((c) => ({ apiGroups: [c.group], resources: c.resources, verbs: c.verbs }));
}

/**
 * A client that authenticates as a ServiceAccount "crm-enforcer" in `namespace` bound to a
 * Role of exactly the chart's enforcer rules (a bound token): every call the enforcer's
 * code makes that the chart does not grant fails the test with 403. The namespace's
 * deletion removes the account.
 */
export async function enforcerClient(
  admin: KubeClient,
  kc: k8s.KubeConfig,
  namespace: string,
  /** Which rules of the file: "always", plus "knative" for a release with rbac.knative. */
  when: readonly string[] = ["always"],
): Promise<KubeClient> {
  const name = "crm-enforcer";
  const rbac = "rbac.authorization.k8s.io";
  const meta = { name, namespace };
  await applyObject(
    admin,
    builtIn.serviceAccounts,
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta },
    {
      fieldManager: "test",
    },
  );
  await applyObject(
    admin,
    builtIn.roles,
    { apiVersion: `${rbac}/v1`, kind: "Role", metadata: meta, rules: enforcerRules(when) } as never,
    { fieldManager: "test" },
  );
  await applyObject(
    admin,
    builtIn.roleBindings,
    {
      apiVersion: `${rbac}/v1`,
      kind: "RoleBinding",
      metadata: meta,
      roleRef: { apiGroup: rbac, kind: "Role", name },
      subjects: [{ kind: "ServiceAccount", name, namespace }],
    } as never,
    { fieldManager: "test" },
  );
  const answer = await admin.request<{ status?: { token?: string } }>({
    method: "POST",
    path: `${resourcePath(builtIn.serviceAccounts, namespace, name)}/token`,
    body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenRequest", spec: { expirationSeconds: 3600 } },
  });
  const token = answer.status?.token;
  if (!token) throw new Error("TokenRequest gave no token");
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("the admin kubeconfig has no current cluster");
  const as = new k8s.KubeConfig();
  as.loadFromOptions({
    clusters: [{ ...cluster, name: "test" }],
    users: [{ name, token }],
    contexts: [{ name: "test", cluster: "test", user: name, namespace }],
    currentContext: "test",
  });
  return KubeClient.create(as);
}
