// The CRM's roles, and which role consumes each work queue: read by the program (what
// `crm <role>` may start) and by the dashboard (which queues nothing consumes here).
import { queueConsumers } from "@oaas/queue";

/** Roles `crm <role>` runs. */
export const builtRoles = [
  "ingress",
  "watcher",
  "reconciler",
  "analyzer",
  "enforcer",
  "dashboard",
  "all",
] as const;
export type Role = (typeof builtRoles)[number];
/** Roles of the design not built yet: `crm <role>` says so and exits 2 (none left). */
export const plannedRoles: readonly string[] = [];

/** The queues whose consuming role is not built, each with a sentence saying so. */
export function unconsumedQueues(): ReadonlyMap<string, string> {
  const idle = new Map<string, string>();
  for (const [queue, role] of Object.entries(queueConsumers)) {
    if (plannedRoles.includes(role))
      idle.set(queue, `${role} not built/enabled: no worker consumes this queue, and none is expected`);
  }
  return idle;
}
