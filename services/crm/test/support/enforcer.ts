// Driving the enforce handler directly against the real API server and Redis, with a
// clock the test moves (the stability window and cooldown are then exact, with no
// sleeps), and writing what the analyzer writes: status.nfr_recommendations and the
// NfrObserved condition, server-side applied with an analyzer field manager of the test's
// own. That write is the analyzer's side of the contract (the analyzer role is built in
// parallel); everything the enforcer reads and writes is real.
import { apiVersion, kind, type DeploymentRecord } from "@oaas/crd";
import { createEventRecorder, events, listObjects, resourcePath, type KubeClient } from "@oaas/kube";
import type { EnforcementSettings, Recommendation } from "@oaas/nfr";
import { createHistory, type History, type JobContext, type ReconcileResult } from "@oaas/queue";
import { createLogger } from "@oaas/telemetry";
import { captureLogLines, type LogLine, type TestRedis } from "@oaas/testkit";
import {
  createEnforceHandler,
  createEnforcerStore,
  type EnforceJob,
  type EnforcerStore,
} from "../../src/enforcer/index.ts";
import { deploymentRecords } from "../../src/deployments/store.ts";

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
