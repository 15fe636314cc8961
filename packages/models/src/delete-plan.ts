// Deleting a class deployment (pure): which clusters the delete must reach, what each
// cluster's answer counts as, and whether the record goes or stays with the clusters
// that still have the unit. The PM's delete actor (services/pm/src/services/delete.ts)
// gathers the deployment and its mappings, asks each cluster, and stores the verdict.
import type { ClusterMapping, MappingState } from "./mapping.ts";
import { unitId } from "./planning.ts";
import { allow, refuse, type Decided } from "./refusal.ts";
import type { OClassDeployment } from "./types.ts";

/** One cluster a delete asks; `state` is absent where no mapping was stored. */
export interface DeleteTarget {
  readonly cluster: string;
  readonly unit_id: string;
  readonly state?: MappingState;
}

/** What deleteTargets looks at. */
export interface DeleteGiven {
  readonly key: string;
  /** The stored deployment (undefined: 404). */
  readonly deployment: OClassDeployment | undefined;
  readonly mappings: readonly ClusterMapping[];
  /** Configured cluster names. */
  readonly configured: readonly string[];
  /** Delete on this cluster only (DELETE ...?cluster=). */
  readonly onlyCluster?: string | undefined;
}

/**
 * The clusters to ask: every mapping, and every target cluster without one that is still
 * configured — not only the DEPLOYED ones: a deploy cut short (the PM killed or its store
 * failing after the CRM applied, a call that timed out on our side) can leave a record on
 * a cluster with no mapping or a FAILED one. Only `onlyCluster` when given. Refuses a
 * missing deployment (404) and an `onlyCluster` that is not configured (400).
 */
export function deleteTargets(given: DeleteGiven): Decided<DeleteTarget[]> {
  const { key, deployment, mappings, configured, onlyCluster } = given;
  if (!deployment) return refuse({ kind: "not-found", message: `deployment "${key}" does not exist` });
  if (onlyCluster !== undefined && !configured.includes(onlyCluster))
    return refuse({
      kind: "invalid",
      errors: [{ field: "cluster", message: `unknown cluster "${onlyCluster}"` }],
    });
  const unmapped = deployment.target_clusters
    .filter((cluster) => !mappings.some((m) => m.cluster === cluster) && configured.includes(cluster))
    .map((cluster): DeleteTarget => ({ cluster, unit_id: unitId(key, cluster) }));
  const targets: DeleteTarget[] = [
    ...mappings.map((m) => ({ cluster: m.cluster, unit_id: m.unit_id, state: m.state })),
    ...unmapped,
  ];
  return allow(targets.filter((t) => onlyCluster === undefined || t.cluster === onlyCluster));
}

/**
 * A cluster's answer to DeleteDeployment: "deleted"; "not-found" (NOT_FOUND: it has no
 * such record); "refused" (any other answer); "no-answer" (unreachable, breaker open).
 */
export type DeleteAnswer = "deleted" | "not-found" | "refused" | "no-answer";

/** One cluster's answer; `error` is the failure's message. */
export interface ClusterDeleteAnswer {
  readonly cluster: string;
  readonly answer: DeleteAnswer;
  readonly error?: string;
}

/** What the delete did and what to store. */
export interface DeleteVerdict {
  /** Clusters that count as deleted, sorted. */
  readonly deleted: string[];
  /**
   * Of those, the clusters that never confirmed the deploy (no mapping, or FAILED) and
   * could not be asked: counted as deleted, worth a warning.
   */
  readonly unasked: string[];
  /** Clusters where the delete failed, in target order (the first is the error to answer). */
  readonly failed: string[];
  /** True: delete the record. False: keep it with `remaining` as its mappings. */
  readonly deleteRecord: boolean;
  readonly remaining: ClusterMapping[];
  /** The failures joined, to store as last_error (when any). */
  readonly lastError?: string;
}

/**
 * What each answer counts as, and what becomes of the record.
 *
 * Guarantees: NOT_FOUND counts as deleted; where the deploy was confirmed (DEPLOYED) or
 * may have been (UNKNOWN), only the cluster's answer counts as deleted, so a record is
 * never dropped while a cluster may still run its unit. The record is deleted when no
 * mapping is left and, for a delete of one cluster, nothing failed.
 * Caveat: where the deploy never was confirmed, asking is best effort: an unreachable
 * cluster there does not hold the delete up (it most likely never got the unit, and a
 * cluster that is gone for good must not make the deployment undeletable).
 */
export function deleteVerdict(
  targets: readonly DeleteTarget[],
  answers: readonly ClusterDeleteAnswer[],
  mappings: readonly ClusterMapping[],
  onlyCluster?: string,
): DeleteVerdict {
  const deleted: string[] = [];
  const unasked: string[] = [];
  const failed: ClusterDeleteAnswer[] = [];
  for (const t of targets) {
    const a = answers.find((x) => x.cluster === t.cluster);
    if (!a) continue;
    if (a.answer === "deleted" || a.answer === "not-found") deleted.push(t.cluster);
    else if ((t.state === undefined || t.state === "FAILED") && a.answer === "no-answer") {
      deleted.push(t.cluster);
      unasked.push(t.cluster);
    } else failed.push(a);
  }
  const remaining = mappings.filter((m) => !deleted.includes(m.cluster));
  const deleteRecord = remaining.length === 0 && (onlyCluster === undefined || failed.length === 0);
  return {
    deleted: deleted.sort(),
    unasked,
    failed: failed.map((f) => f.cluster),
    deleteRecord,
    remaining,
    ...(failed.length ? { lastError: failed.map((f) => f.error ?? "").join("; ") } : {}),
  };
}
