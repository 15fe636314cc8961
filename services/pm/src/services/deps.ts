// What the PM's deployment actors (dispatch, delete, settle, sweep, reads) share: the
// store, the CRM clients, the logger and the clock, and one way to log about a key.
import type { Logger } from "@oaas/telemetry";
import { withContext } from "@oaas/telemetry";
import type { CallContext, CrmManager } from "../crm/manager.ts";
import type { Storage } from "../storage/index.ts";

export interface ActorDeps {
  readonly storage: Storage;
  readonly crm: CrmManager;
  readonly logger: Logger;
  readonly now: () => Date;
}

/** The logger with the deployment id and the call's correlation id on every line. */
export function keyLog(deps: ActorDeps, key: string, ctx: CallContext): Logger {
  return withContext(deps.logger, { deploymentId: key, correlationId: ctx.correlationId });
}
