// One Connect client per cluster, speaking gRPC (HTTP/2) to its CRM: deployment, record
// detail, CrmInfo and standard health services over one transport. Authorization (the PM's
// own per-cluster token), x-correlation-id and x-oaas-on-behalf-of (manager.ts) go on as
// headers; every call gets a deadline.
import fs from "node:fs";
import type http2 from "node:http2";
import { createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { CrmInfoService, DeploymentService, grpcHealthV1, RecordDetailService } from "@oaas/proto";
import { fixedSource, type Source } from "@oaas/auth";
import type { ClusterConfig } from "../config/index.ts";
import { traceCrmCalls } from "./tracing.ts";

export interface CrmClients {
  readonly deployments: Client<typeof DeploymentService>;
  /** A record's status in full and its history; UNIMPLEMENTED on a CRM older than it. */
  readonly records: Client<typeof RecordDetailService>;
  readonly info: Client<typeof CrmInfoService>;
  readonly health: Client<typeof grpcHealthV1.Health>;
}

/**
 * The clients of one cluster. The token is `tokenFile` (the cluster's token file, read
 * again on every call once it changed) or the inline OPRC_PM_CRM_<NAME>_TOKEN.
 */
export function createCrmClients(cluster: ClusterConfig, tokenFile?: Source<string>): CrmClients {
  const interceptors: Interceptor[] = [traceCrmCalls(cluster.name)];
  const token = tokenFile ?? (cluster.token !== undefined ? fixedSource(cluster.token) : undefined);
  if (token !== undefined) {
    interceptors.push((next) => async (req) => {
      req.header.set("authorization", `Bearer ${await token.current()}`);
      return next(req);
    });
  }
  const nodeOptions: http2.SecureClientSessionOptions = {};
  if (cluster.tls?.caCertPath) nodeOptions.ca = fs.readFileSync(cluster.tls.caCertPath);
  if (cluster.tls?.clientCertPath) nodeOptions.cert = fs.readFileSync(cluster.tls.clientCertPath);
  if (cluster.tls?.clientKeyPath) nodeOptions.key = fs.readFileSync(cluster.tls.clientKeyPath);
  const transport = createGrpcTransport({
    baseUrl: cluster.url,
    interceptors,
    nodeOptions,
    defaultTimeoutMs: cluster.timeoutMs,
    // A dead CRM should be noticed between calls, not only on the next one.
    pingIntervalMs: 30_000,
    idleConnectionTimeoutMs: 60_000,
  });
  return {
    deployments: createClient(DeploymentService, transport),
    records: createClient(RecordDetailService, transport),
    info: createClient(CrmInfoService, transport),
    health: createClient(grpcHealthV1.Health, transport),
  };
}
