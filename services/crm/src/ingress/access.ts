// What every RPC of the ingress needs, in one table: the role (@oaas/auth roles), whether it
// acts in a namespace (x-namespace, checked against the principal's scope and the served
// namespaces before anything is looked up) and whether it changes state (an audit line per
// call, info-level log). The auth gate (auth-gate.ts) reads it for gRPC, gRPC-Web and
// Connect alike; a test enumerates the services the ingress registers and fails on any RPC
// missing here.
//
// Probes stay open as /healthz does: both health services are public (kubelet and load
// balancer gRPC probes carry no credential; they reveal only serving or not). Reflection
// describes the API, not data, but is still a read: viewer, as Argo CD's and Kubernetes'
// discovery need an authenticated caller.
import type { Need } from "@oaas/auth";

export interface RpcAccess {
  /** The role the caller needs, or `public`. */
  readonly need: Need;
  /** Whether the call acts in a namespace (x-namespace, default the CRM's). */
  readonly namespaced: boolean;
  /** Whether the call changes state: audited, logged at info. */
  readonly write: boolean;
}

const read = (need: Need, namespaced: boolean): RpcAccess => ({ need, namespaced, write: false });
const write: RpcAccess = { need: "deployer", namespaced: true, write: true };

/** Every RPC the ingress serves, by "package.Service/Method" (the gRPC path without the leading slash). */
export const rpcAccess: Readonly<Record<string, RpcAccess>> = {
  "oaas.deployment.DeploymentService/Deploy": write,
  "oaas.deployment.DeploymentService/DeleteDeployment": write,
  "oaas.deployment.DeploymentService/GetDeploymentStatus": read("viewer", true),
  "oaas.deployment.DeploymentService/ListClassRuntimes": read("viewer", true),
  "oaas.deployment.DeploymentService/GetClassRuntime": read("viewer", true),
  "oaas.crm.v1.RecordDetailService/GetStatusDetail": read("viewer", true),
  "oaas.crm.v1.RecordDetailService/GetHistory": read("viewer", true),
  "oaas.crm.v1.RecordDetailService/GetNfrDetail": read("viewer", true),
  "oaas.health.CrmInfoService/GetEnvHealth": read("viewer", false),
  "oaas.health.HealthService/Check": read("public", false),
  "oaas.health.HealthService/Watch": read("public", false),
  "grpc.health.v1.Health/Check": read("public", false),
  "grpc.health.v1.Health/List": read("public", false),
  "grpc.health.v1.Health/Watch": read("public", false),
  "grpc.reflection.v1.ServerReflection/ServerReflectionInfo": read("viewer", false),
  "grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": read("viewer", false),
};

/** What an RPC missing from the table gets: admin, so a forgotten entry fails closed. */
const undeclared: RpcAccess = { need: "admin", namespaced: false, write: true };

/** The access of `service` (type name) / `method` (proto name); undeclared RPCs need admin. */
export function accessOf(service: string, method: string): RpcAccess {
  return rpcAccess[`${service}/${method}`] ?? undeclared;
}

/** Whether the table declares the RPC (the inventory test's check). */
export function isDeclared(service: string, method: string): boolean {
  return `${service}/${method}` in rpcAccess;
}
