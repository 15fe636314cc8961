// oaas.crm.v1.RecordDetailService served in process through the ingress's own request
// pipeline (rpc-handler.ts: deadline cap, correlation gate, interceptors, error mapping)
// on the ingress's one-port listener, over the record store and history source a unit
// test gives, with a Connect gRPC client and the log lines captured.
import type { Client, ConnectRouter } from "@connectrpc/connect";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { RecordDetailService } from "@oaas/proto";
import { createLogger, createMetrics } from "@oaas/telemetry";
import { captureLogLines, type LogLine } from "@oaas/testkit";
import type { HistorySource } from "../../src/deployments/history.ts";
import { DeploymentsService } from "../../src/deployments/service.ts";
import type { RecordStore } from "../../src/deployments/store.ts";
import type { Readiness } from "../../src/health/readiness.ts";
import { httpEndpoints } from "../../src/ingress/http-endpoints.ts";
import { listen } from "../../src/ingress/listener.ts";
import { recordDetailHandlers } from "../../src/ingress/record-detail-handlers.ts";
import { rpcHandler } from "../../src/ingress/rpc-handler.ts";
import { createAuthenticator, createGate } from "@oaas/auth";

/** A gate that lets everything through (OPRC_CRM_AUTH_DISABLED=true). */
const openGate = createGate({ authenticate: createAuthenticator({ disabled: true }), realm: "test" });

export interface RecordDetailServer {
  readonly url: string;
  readonly client: Client<typeof RecordDetailService>;
  readonly logs: LogLine[];
  close(): Promise<void>;
}

/** Serves in namespace "home" by default; without `history`, GetHistory is UNIMPLEMENTED. */
export async function startRecordDetailServer(options: {
  readonly store: RecordStore;
  readonly history?: HistorySource;
}): Promise<RecordDetailServer> {
  const { lines: logs, stream } = captureLogLines();
  const logger = createLogger({ service: "record-detail-test", level: "debug", stream });
  const metrics = createMetrics({ serviceName: "t" });
  const readiness: Readiness = {
    check: () => Promise.resolve({ ready: true, reason: "ok" }),
    stop: () => undefined,
  };
  const records = new DeploymentsService(options.store, { odgm: false, knative: false });
  const routes = (router: ConnectRouter) =>
    router.service(
      RecordDetailService,
      recordDetailHandlers({
        records,
        namespace: "home",
        ...(options.history ? { history: options.history } : {}),
      }),
    );
  const handler = rpcHandler({
    routes,
    logger,
    metrics,
    // The RPCs under test need no credential here: /metrics beside them with the gate open.
    fallback: httpEndpoints(readiness, metrics, openGate),
    shutdownSignal: new AbortController().signal,
  });
  const listener = await listen(handler, { port: 0, host: "127.0.0.1" });
  const url = `http://127.0.0.1:${listener.port}`;
  return {
    url,
    client: createClient(RecordDetailService, createGrpcTransport({ baseUrl: url })),
    logs,
    close: async () => {
      await listener.close(100);
      await metrics.shutdown();
    },
  };
}

/** A record store for the history tests: knows no record. */
export const noRecords: RecordStore = {
  get: () => Promise.resolve(undefined),
  list: () => Promise.resolve([]),
  apply: () => Promise.reject(new Error("not used")),
  delete: () => Promise.reject(new Error("not used")),
};
