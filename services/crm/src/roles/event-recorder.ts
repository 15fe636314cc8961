// The events.k8s.io/v1 recorder a worker role hands its handler: one reporting controller
// per role, the process as its instance, and a lost Event logged (never a failed job: an
// Event is a notice, the status and history carry the facts).
import { createEventRecorder, type EventRecorder, type KubeClient } from "@oaas/kube";
import type { Logger } from "@oaas/telemetry";

/**
 * @param controller reportingController of the Events, e.g. "oaas.io/crm-reconciler".
 * @param instance reportingInstance: this process's identity (process/identity.ts).
 */
export function roleEventRecorder(
  kube: KubeClient,
  controller: string,
  instance: string,
  logger: Logger,
): EventRecorder {
  return createEventRecorder(kube, {
    controller,
    instance,
    now: () => new Date(),
    onError: (error, input) => {
      logger.warn("event not recorded", {
        reason: input.reason,
        error: error instanceof Error ? error.message : String(error),
      });
    },
  });
}
