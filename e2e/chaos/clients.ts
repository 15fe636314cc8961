// The workload's two front doors: the PM's REST API and the CRM ingress's gRPC
// DeploymentService. send() carries out one planned operation and says what its client
// was told, classified once here into the ledger's outcomes (ack, refused, unknown).
// A recreate right after a delete may find the record still being deleted: the client
// then asks again until a deadline, as a real client told FAILED_PRECONDITION would.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import {
  DeploymentService,
  DeploymentUnitSchema,
  FunctionDeploymentSpecSchema,
  ProvisionConfigSchema,
} from "@oaas/proto";
import type { Outcome } from "./ledger.ts";
import { chaosClass, chaosFunction, chaosPackage, clusterName } from "./system.ts";
import type { PlannedOp } from "./workload.ts";

/** One call's deadline, ms: a client that gets no answer by then counts the outcome unknown. */
export const callDeadlineMs = 10_000;
/**
 * How long a put keeps asking while the record is still being deleted, ms: as the CRM's
 * answer says ("deploy it again once GetDeploymentStatus answers NOT_FOUND"). A deletion
 * waits for a reconciler, so a fault of the queue (Redis stopped past the job lock) can
 * hold it for the fault's length plus a lock expiry: 60 s covers the quick mode's.
 */
export const recreateDeadlineMs = 60_000;

export interface Sent {
  readonly outcome: Outcome;
  /** HTTP status ("201"), gRPC code name ("FailedPrecondition"), or "timeout" / "transport". */
  readonly code: string;
  readonly message?: string;
  /** Calls made (more than one when a put waited out a deletion). */
  readonly attempts: number;
}

export interface FrontDoors {
  send(op: PlannedOp): Promise<Sent>;
  /** Ends the ingress client's HTTP/2 session. */
  close(): void;
}

/** The front doors of a PM (url, admin token) and an ingress (url). */
export function frontDoors(pm: { url: string; token: string | undefined }, ingressUrl: string): FrontDoors {
  // Our own session manager, so close() ends the HTTP/2 session (a soak must exit).
  const sessionManager = new Http2SessionManager(ingressUrl);
  const transport = createGrpcTransport({ baseUrl: ingressUrl, sessionManager });
  const ingress = createClient(DeploymentService, transport);
  return {
    send: (op) => (op.path === "pm" ? sendPm(pm, op) : sendIngress(ingress, op)),
    close: () => sessionManager.abort(),
  };
}

/** Repeats `call` while it answers "still being deleted", until recreateDeadlineMs. */
async function untilNotDeleting(call: () => Promise<Sent>, deleting: (s: Sent) => boolean): Promise<Sent> {
  const deadline = Date.now() + recreateDeadlineMs;
  let attempts = 0;
  for (;;) {
    const sent = await call();
    attempts++;
    if (!deleting(sent) || Date.now() > deadline) return { ...sent, attempts };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function unit(op: PlannedOp) {
  return create(DeploymentUnitSchema, {
    id: op.id,
    packageName: chaosPackage,
    classKey: chaosClass,
    targetEnv: "dev",
    functions: [
      create(FunctionDeploymentSpecSchema, {
        functionKey: chaosFunction,
        provisionConfig: create(ProvisionConfigSchema, {
          containerImage: "ghcr.io/oaas/chaos:1",
          port: 8080,
        }),
        config: { VARIANT: op.variant ?? "" },
      }),
    ],
  });
}

async function sendIngress(client: Client<typeof DeploymentService>, op: PlannedOp): Promise<Sent> {
  const once = async (): Promise<Sent> => {
    try {
      if (op.action === "put")
        await client.deploy({ deploymentUnit: unit(op) }, { timeoutMs: callDeadlineMs });
      else await client.deleteDeployment({ deploymentId: op.id }, { timeoutMs: callDeadlineMs });
      return { outcome: "ack", code: "OK", attempts: 1 };
    } catch (error) {
      const e = ConnectError.from(error);
      return { outcome: ingressOutcome(op, e.code), code: Code[e.code], message: e.rawMessage, attempts: 1 };
    }
  };
  return op.action === "put"
    ? untilNotDeleting(once, (s) => s.code === Code[Code.FailedPrecondition])
    : once();
}

/**
 * The ingress's answers: a refusal about the request stored nothing; NOT_FOUND on a
 * delete means it is gone (what was asked); anything else (UNAVAILABLE, a deadline,
 * INTERNAL) may have happened after the apply: unknown.
 */
export function ingressOutcome(op: PlannedOp, code: Code): Outcome {
  if (op.action === "delete" && code === Code.NotFound) return "ack";
  if (code === Code.InvalidArgument || code === Code.AlreadyExists || code === Code.FailedPrecondition)
    return "refused";
  if (code === Code.PermissionDenied || code === Code.Unauthenticated) return "refused";
  return "unknown";
}

async function sendPm(pm: { url: string; token: string | undefined }, op: PlannedOp): Promise<Sent> {
  const call = async (method: string, path: string, body?: unknown): Promise<Sent> => {
    try {
      const res = await fetch(`${pm.url}/api/v1${path}`, {
        method,
        // No content-type without a body: the PM answers 400 to an empty JSON body.
        headers: {
          authorization: `Bearer ${pm.token ?? ""}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(callDeadlineMs),
      });
      const text = await res.text();
      return {
        outcome: pmOutcome(method, res.status),
        code: String(res.status),
        message: text.slice(0, 300),
        attempts: 1,
      };
    } catch (error) {
      const timeout = error instanceof Error && error.name === "TimeoutError";
      return {
        outcome: "unknown",
        code: timeout ? "timeout" : "transport",
        message: String(error),
        attempts: 1,
      };
    }
  };
  if (op.action === "delete") return call("DELETE", `/deployments/${op.id}`);
  const body = {
    key: op.id,
    package_name: chaosPackage,
    class_key: chaosClass,
    target_clusters: [clusterName],
    functions: [{ function_key: chaosFunction, config: { VARIANT: op.variant ?? "" } }],
  };
  // POST creates; an existing key is updated with PUT (and a PUT of an unknown key posts).
  const put = async (): Promise<Sent> => {
    const first = await call("POST", "/deployments", body);
    if (first.code !== "409") return first;
    const second = await call("PUT", `/deployments/${op.id}`, body);
    return second.code === "404" ? call("POST", "/deployments", body) : second;
  };
  return untilNotDeleting(
    put,
    (s) => s.code === "409" || (s.code === "502" && /being deleted/.test(s.message ?? "")),
  );
}

/**
 * The PM's answers (services/pm/README.md "HTTP API"): 200/201 stored and sent; 202
 * sent, outcome not known; 503 nothing stored or sent; another 4xx refused; 404 on a
 * delete: the PM has no such deployment (gone). 502 (a CRM refused; the PM stored it
 * DOWN), 500 and anything else: unknown.
 */
export function pmOutcome(method: string, status: number): Outcome {
  if (status === 200 || status === 201 || status === 204) return "ack";
  if (method === "DELETE" && status === 404) return "ack";
  if (status === 503 || (status >= 400 && status < 500)) return "refused";
  return "unknown";
}
