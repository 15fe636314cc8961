// The cluster's health as the PM weighs it when placing deployments: node counts from
// real Node objects and an availability figure (ready/total nodes, unless configured).
import { listObjects, nodes, type KubeClient } from "@oaas/kube";

interface Node {
  metadata?: { name?: string };
  spec?: { unschedulable?: boolean };
  status?: { conditions?: { type: string; status: string }[] };
}

export interface EnvHealth {
  readonly nodeCount: number;
  readonly readyNodes: number;
  /** 0..1 */
  readonly availability: number;
  /** HEALTHY (every node ready), DEGRADED (some), UNHEALTHY (none, or no nodes). */
  readonly status: "HEALTHY" | "DEGRADED" | "UNHEALTHY";
}

/** Pure: the figures for a set of nodes. A cordoned node does not count as ready. */
export function envHealthOf(list: readonly Node[], availabilityOverride?: number): EnvHealth {
  const readyNodes = list.filter(
    (n) =>
      !n.spec?.unschedulable && n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"),
  ).length;
  const nodeCount = list.length;
  const availability = availabilityOverride ?? (nodeCount === 0 ? 0 : readyNodes / nodeCount);
  const status =
    nodeCount > 0 && readyNodes === nodeCount ? "HEALTHY" : readyNodes > 0 ? "DEGRADED" : "UNHEALTHY";
  return { nodeCount, readyNodes, availability, status };
}

export async function readEnvHealth(
  client: KubeClient,
  signal: AbortSignal,
  availabilityOverride?: number,
): Promise<EnvHealth> {
  return envHealthOf(await listObjects<Node>(client, nodes, undefined, { signal }), availabilityOverride);
}
