// oaas.health.HealthService and grpc.health.v1.Health over one readiness answer.
// Known services: "" (the whole server) and every service this listener serves.
// Check of an unknown service: grpc.health.v1 fails with NOT_FOUND (the standard);
// oaas.health answers SERVICE_UNKNOWN, which is what its enum offers.
// Watch sends the current status, then every change, until the client or shutdown ends it.
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import {
  HealthCheckResponseSchema,
  HealthCheckResponse_ServingStatus as Oaas,
  HealthService,
  grpcHealthV1,
} from "@oaas/proto";
import { echo } from "../deployments/errors.ts";
import type { Readiness } from "../health/readiness.ts";

type Status = "SERVING" | "NOT_SERVING" | "SERVICE_UNKNOWN";

export interface HealthOptions {
  readonly readiness: Readiness;
  /** Full names of the served services. */
  readonly services: readonly string[];
  /** How often Watch re-checks, ms. Default 1 000. */
  readonly watchIntervalMs?: number;
}

export function healthStatus(options: HealthOptions): (service: string) => Promise<Status> {
  const known = new Set(["", ...options.services]);
  return async (service) => {
    if (!known.has(service)) return "SERVICE_UNKNOWN";
    return (await options.readiness.check()).ready ? "SERVING" : "NOT_SERVING";
  };
}

/** Current status, then each change, until the signal aborts. */
async function* watchStatus(
  status: (service: string) => Promise<Status>,
  service: string,
  intervalMs: number,
  signal: AbortSignal,
): AsyncGenerator<Status> {
  let last: Status | undefined;
  while (!signal.aborted) {
    const now = await status(service);
    if (now !== last) yield now;
    last = now;
    await pause(intervalMs, signal);
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

const oaasStatus: Record<Status, Oaas> = {
  SERVING: Oaas.SERVING,
  NOT_SERVING: Oaas.NOT_SERVING,
  SERVICE_UNKNOWN: Oaas.SERVICE_UNKNOWN,
};
const GrpcStatus = grpcHealthV1.HealthCheckResponse_ServingStatus;
const grpcStatus: Record<Status, grpcHealthV1.HealthCheckResponse_ServingStatus> = {
  SERVING: GrpcStatus.SERVING,
  NOT_SERVING: GrpcStatus.NOT_SERVING,
  SERVICE_UNKNOWN: GrpcStatus.SERVICE_UNKNOWN,
};

export function oaasHealthHandlers(options: HealthOptions): ServiceImpl<typeof HealthService> {
  const status = healthStatus(options);
  const interval = options.watchIntervalMs ?? 1000;
  return {
    async check(req) {
      return create(HealthCheckResponseSchema, { status: oaasStatus[await status(req.service)] });
    },
    async *watch(req, context) {
      for await (const s of watchStatus(status, req.service, interval, context.signal)) {
        yield create(HealthCheckResponseSchema, { status: oaasStatus[s] });
      }
    },
  };
}

export function grpcHealthHandlers(options: HealthOptions): ServiceImpl<typeof grpcHealthV1.Health> {
  const status = healthStatus(options);
  const interval = options.watchIntervalMs ?? 1000;
  const response = (s: Status) => create(grpcHealthV1.HealthCheckResponseSchema, { status: grpcStatus[s] });
  return {
    async check(req) {
      const s = await status(req.service);
      if (s === "SERVICE_UNKNOWN")
        throw new ConnectError(`unknown service ${echo(req.service)}`, Code.NotFound);
      return response(s);
    },
    async list() {
      const statuses: Record<string, grpcHealthV1.HealthCheckResponse> = {};
      for (const service of ["", ...options.services]) statuses[service] = response(await status(service));
      return create(grpcHealthV1.HealthListResponseSchema, { statuses });
    },
    async *watch(req, context) {
      for await (const s of watchStatus(status, req.service, interval, context.signal)) yield response(s);
    },
  };
}
