// What route handlers share: the services, and the per-request call context.
import { randomUUID } from "node:crypto";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifyRequest,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { CallContext, CrmManager } from "../crm/manager.ts";
import type { DeploymentService } from "../services/deployments.ts";
import type { PackageService } from "../services/packages.ts";
import type { RuntimeService } from "../services/runtimes.ts";
import type { Storage } from "../storage/index.ts";

export interface ApiDeps {
  readonly storage: Storage;
  readonly crm: CrmManager;
  readonly packages: PackageService;
  readonly deployments: DeploymentService;
  readonly runtimes: RuntimeService;
}

/** The Fastify instance routes register on: handlers typed from the @oaas/pm-api schemas. */
export type Api = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export const correlationHeader = "x-correlation-id";

/** The caller's x-correlation-id when it is usable (printable, <= 128 chars), else a new UUID. */
export function correlationIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[\x21-\x7e]{1,128}$/.test(value) ? value : randomUUID();
}

/** The context of the CRM calls a request makes: its correlation id, and the caller the PM acts for (x-oaas-on-behalf-of). */
export function callContext(request: FastifyRequest): CallContext {
  const principal = request.principal;
  return { correlationId: request.id, ...(principal !== undefined ? { onBehalfOf: principal.name } : {}) };
}
