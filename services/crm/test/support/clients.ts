// The three kinds of client the ingress must serve: Connect-ES (gRPC over HTTP/2,
// Connect and gRPC-Web over HTTP/1.1), @grpc/grpc-js with .proto files loaded at run
// time, and grpcurl using server reflection only.
import { spawn } from "node:child_process";
import path from "node:path";
import { createClient, type Client, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { DeploymentService, RecordDetailService } from "@oaas/proto";
import { buildBinaries, repoRoot } from "@oaas/testkit";

export type ProtocolName = "grpc" | "connect" | "grpc-web";

export function transport(protocol: ProtocolName, baseUrl: string): Transport {
  switch (protocol) {
    case "grpc":
      return createGrpcTransport({ baseUrl });
    case "connect":
      return createConnectTransport({ baseUrl, httpVersion: "1.1" });
    case "grpc-web":
      return createGrpcWebTransport({ baseUrl, httpVersion: "1.1" });
  }
}

export function deploymentClient(protocol: ProtocolName, baseUrl: string): Client<typeof DeploymentService> {
  return createClient(DeploymentService, transport(protocol, baseUrl));
}

export function recordDetailClient(
  protocol: ProtocolName,
  baseUrl: string,
): Client<typeof RecordDetailService> {
  return createClient(RecordDetailService, transport(protocol, baseUrl));
}

// ---- @grpc/grpc-js ----

const protoRoot = path.join(repoRoot, "packages/proto/proto");

/** Constructors of every service, from the .proto sources (keepCase: proto field names). */
export function grpcJsPackage(): grpc.GrpcObject {
  const definition = protoLoader.loadSync(
    [
      "oaas/deployment.proto",
      "oaas/crm/v1/record_detail.proto",
      "oaas/health.proto",
      "grpc/health/v1/health.proto",
    ],
    { includeDirs: [protoRoot], keepCase: true, longs: String, enums: String, defaults: false, oneofs: true },
  );
  return grpc.loadPackageDefinition(definition);
}

export type GrpcJsClient = grpc.Client & Record<string, unknown>;

export function grpcJsClient(
  servicePath: string,
  address: string,
  credentials = grpc.credentials.createInsecure(),
): GrpcJsClient {
  let node: unknown = grpcJsPackage();
  for (const part of servicePath.split(".")) node = (node as Record<string, unknown>)[part];
  const Ctor = node as grpc.ServiceClientConstructor;
  return new Ctor(address, credentials);
}

export interface GrpcJsResult {
  readonly code: grpc.status;
  readonly response?: Record<string, unknown>;
  readonly metadata?: grpc.Metadata;
  readonly details?: string;
  readonly headers?: grpc.Metadata;
}

/** One unary call; resolves with the status (never rejects on an RPC error). */
export function grpcJsCall(
  client: GrpcJsClient,
  method: string,
  request: unknown,
  options: { metadata?: Record<string, string>; deadlineMs?: number } = {},
): Promise<GrpcJsResult> {
  const metadata = new grpc.Metadata();
  for (const [key, value] of Object.entries(options.metadata ?? {})) metadata.set(key, value);
  const callOptions: grpc.CallOptions = options.deadlineMs
    ? { deadline: Date.now() + options.deadlineMs }
    : {};
  return new Promise((resolve) => {
    let headers: grpc.Metadata | undefined;
    const fn = client[method] as (
      req: unknown,
      md: grpc.Metadata,
      opts: grpc.CallOptions,
      cb: (error: grpc.ServiceError | null, response?: Record<string, unknown>) => void,
    ) => grpc.ClientUnaryCall;
    const call = fn.call(client, request, metadata, callOptions, (error, response) => {
      if (error)
        resolve({
          code: error.code,
          details: error.details,
          metadata: error.metadata,
          ...(headers ? { headers } : {}),
        });
      else
        resolve({ code: grpc.status.OK, ...(response ? { response } : {}), ...(headers ? { headers } : {}) });
    });
    call.on("metadata", (md: grpc.Metadata) => (headers = md));
  });
}

// ---- grpcurl ----

export interface GrpcurlResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The status code name grpcurl printed ("NotFound", ...), "OK" on success. */
  readonly code: string;
}

let binDir: string | undefined;

/** grpcurl as built by e2e/cluster/build.sh (cached after the first build). */
export function grpcurlBinary(): string {
  binDir ??= buildBinaries(() => undefined);
  return path.join(binDir, "grpcurl");
}

/** Runs grpcurl against a plaintext port; `args` come before the address (e.g. -d, -H). */
export function grpcurl(
  port: number,
  args: readonly string[],
  after: readonly string[] = [],
): Promise<GrpcurlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(grpcurlBinary(), ["-plaintext", ...args, `127.0.0.1:${port}`, ...after]);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (exitCode) => {
      const code = /Code: (\w+)/.exec(stderr)?.[1] ?? (exitCode === 0 ? "OK" : "UNKNOWN");
      resolve({ exitCode: exitCode ?? -1, stdout, stderr, code });
    });
  });
}
