// An interrupted dispatch (pure): a deployment PENDING for longer than any dispatch can
// take was cut short — the PM stopped, or its store failed, between storing it and
// recording the clusters' answers. Whether a cluster got the unit is not known, so it
// becomes UNKNOWN and the next settle sends it again (Deploy is idempotent). The PM's
// sweep (services/pm/src/services/interrupted-sweep.ts) lists PENDING deployments and
// stores what these decide.
import type { ClusterMapping } from "./mapping.ts";
import { unitId } from "./planning.ts";
import type { OClassDeployment } from "./types.ts";

/** The message of the UNKNOWN mapping an interrupted dispatch leaves. */
export const interruptedMessage =
  "the dispatch did not finish (the PM stopped or its store failed while deploying); the PM sends it again";

/**
 * True when `d` is PENDING and was last written `boundMs` or more before `nowMs` (or has
 * no readable updated_at): no live dispatch can still be running it.
 */
export function isInterrupted(d: OClassDeployment, nowMs: number, boundMs: number): boolean {
  return d.condition === "PENDING" && !(Date.parse(d.updated_at ?? "") > nowMs - boundMs);
}

/**
 * The write that marks an interrupted dispatch, over what is stored now, or undefined to
 * leave it: only while it is still PENDING with the updated_at it was judged from
 * (`seen`), so a live dispatch is untouched. It becomes UNKNOWN (updated_at `stamp`),
 * with the mapping of every target cluster kept when it is not FAILED, else an UNKNOWN
 * one naming the interruption; mappings of clusters no longer targeted are dropped.
 */
export function interruptedWrite(
  seen: OClassDeployment,
  current: OClassDeployment,
  mappings: readonly ClusterMapping[],
  stamp: string,
): { deployment: OClassDeployment; mappings: ClusterMapping[] } | undefined {
  if (current.condition !== "PENDING" || current.updated_at !== seen.updated_at) return undefined;
  return {
    deployment: { ...current, condition: "UNKNOWN", updated_at: stamp },
    mappings: current.target_clusters.map(
      (cluster): ClusterMapping =>
        mappings.find((m) => m.cluster === cluster && m.state !== "FAILED") ?? {
          cluster,
          unit_id: unitId(current.key, cluster),
          state: "UNKNOWN",
          message: interruptedMessage,
          updated_at: stamp,
        },
    ),
  };
}
