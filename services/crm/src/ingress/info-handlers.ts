// oaas.health.CrmInfoService.GetEnvHealth.
import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import type { KubeClient } from "@oaas/kube";
import { CrmEnvHealthSchema, CrmInfoService, TimestampSchema } from "@oaas/proto";
import { readEnvHealth } from "../health/env-health.ts";
import { toDeploymentError } from "../deployments/store.ts";

export interface InfoOptions {
  readonly client: KubeClient;
  /** env_name when the request names none (the CRM's profile or cluster name). */
  readonly envName: string;
  readonly crmVersion: string;
  readonly availabilityOverride?: number;
}

export function infoHandlers(options: InfoOptions): ServiceImpl<typeof CrmInfoService> {
  return {
    async getEnvHealth(req, context) {
      const health = await readEnvHealth(options.client, context.signal, options.availabilityOverride).catch(
        (error: unknown) => {
          throw toDeploymentError(error);
        },
      );
      const now = Date.now();
      return create(CrmEnvHealthSchema, {
        envName: req.env || options.envName,
        status: health.status,
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
