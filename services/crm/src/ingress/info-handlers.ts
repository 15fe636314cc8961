// oaas.health.CrmInfoService.GetEnvHealth.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { KubeClient } from "@oaas/kube";
import { CrmEnvHealthSchema, CrmInfoService, TimestampSchema } from "@oaas/proto";
import { readEnvHealth } from "../health/env-health.ts";
import { combinedHealth } from "../health/workers-health.ts";
import type { WorkersProbe } from "../health/workers-probe.ts";
import { toDeploymentError } from "../deployments/store.ts";

export interface InfoOptions {
  readonly client: KubeClient;
  /** env_name when the request names none (the CRM's profile or cluster name). */
  readonly envName: string;
  readonly crmVersion: string;
  readonly availabilityOverride?: number;
  /** The background roles' check (workers per needed queue, watcher Lease); absent: nodes only. */
  readonly workers?: WorkersProbe;
}

export function infoHandlers(options: InfoOptions): ServiceImpl<typeof CrmInfoService> {
  return {
    async getEnvHealth(req, context) {
      const [health, workers] = await Promise.all([
        readEnvHealth(options.client, context.signal, options.availabilityOverride).catch(
          (error: unknown) => {
            throw toDeploymentError(error);
          },
        ),
        options.workers?.verdict(),
      ]);
      const { status, message } = combinedHealth(health, workers);
      const now = Date.now();
      return create(CrmEnvHealthSchema, {
        envName: req.env || options.envName,
        status,
        ...(message !== undefined ? { message } : {}),
        crmVersion: options.crmVersion,
        lastSeen: create(TimestampSchema, {
          seconds: BigInt(Math.floor(now / 1000)),
          nanos: (now % 1000) * 1e6,
        }),
        nodeCount: health.nodeCount,
        readyNodes: health.readyNodes,
        availability: health.availability,
      });
    },
  };
}
