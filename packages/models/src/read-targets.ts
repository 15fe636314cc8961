// Which clusters and unit ids the PM's history, NFR and status reads ask (pure), and when
// a history or NFR read is a 404. The PM's read actor (services/pm/src/services/reads.ts)
// gathers the mappings, asks the CRMs and answers.
import type { ClusterMapping } from "./mapping.ts";
import { allow, refuse, type Decided, type Refusal } from "./refusal.ts";

/** A 400 naming `cluster` when it is given and not configured. */
export function unknownClusterRefusal(
  cluster: string | undefined,
  configured: readonly string[],
): Refusal | undefined {
  if (cluster === undefined || configured.includes(cluster)) return undefined;
  return { kind: "invalid", errors: [{ field: "cluster", message: `unknown cluster "${cluster}"` }] };
}

/** One cluster a read asks about one unit id. */
export interface ReadTarget {
  readonly cluster: string;
  readonly unit: string;
}

/**
 * The clusters a history read of `id` asks: for a deployment the PM knows (`mappings`
 * given), each cluster it went to with its unit id; else `id` is a unit id asked of
 * every configured cluster. Only `onlyCluster` when given.
 */
export function historyTargets(
  id: string,
  mappings: readonly ClusterMapping[] | undefined,
  configured: readonly string[],
  onlyCluster?: string,
): ReadTarget[] {
  const targets = mappings
    ? mappings.map((m) => ({ cluster: m.cluster, unit: m.unit_id }))
    : configured.map((cluster) => ({ cluster, unit: id }));
  return targets.filter((t) => onlyCluster === undefined || t.cluster === onlyCluster);
}

/**
 * The clusters a history answer lists: every cluster asked for a known deployment; else
 * only those with entries or an error, and a 404 when there are none.
 */
export function historyClusters<T extends { readonly entries: readonly unknown[]; readonly error?: string }>(
  id: string,
  known: boolean,
  asked: readonly T[],
  onlyCluster?: string,
): Decided<readonly T[]> {
  if (known) return allow(asked);
  const found = asked.filter((c) => c.entries.length > 0 || c.error !== undefined);
  if (found.length > 0) return allow(found);
  return refuse({
    kind: "not-found",
    message: `no history for deployment "${id}": not a deployment of the PM and unknown to ${
      onlyCluster === undefined ? "every cluster" : `cluster "${onlyCluster}"`
    }`,
  });
}

/**
 * The clusters an NFR read answers with (the same targets as a history read): every
 * cluster asked for a known deployment; else only those holding a record of the unit id
 * (`missing` false: an answer, or an error other than "no such record"), and a 404 when
 * none does.
 */
export function nfrClusters<T extends { readonly missing: boolean }>(
  id: string,
  known: boolean,
  asked: readonly T[],
  onlyCluster?: string,
): Decided<readonly T[]> {
  if (known) return allow(asked);
  const found = asked.filter((c) => !c.missing);
  if (found.length > 0) return allow(found);
  return refuse({
    kind: "not-found",
    message: `no NFR state for deployment "${id}": not a deployment of the PM and no record on ${
      onlyCluster === undefined ? "any cluster" : `cluster "${onlyCluster}"`
    }`,
  });
}

/**
 * The cluster and unit id a status read of `id` asks: `cluster` when given (with its
 * mapping's unit id, else `id`), else the first mapping's, else the default cluster with
 * `id`. A 400 when there is no cluster to ask or it is not configured.
 */
export function statusTarget(given: {
  readonly id: string;
  readonly mappings: readonly ClusterMapping[];
  readonly cluster?: string | undefined;
  readonly defaultCluster: string | undefined;
  readonly configured: readonly string[];
}): Decided<ReadTarget> {
  const { id, mappings, cluster } = given;
  const mapping = cluster === undefined ? mappings[0] : mappings.find((m) => m.cluster === cluster);
  const target = cluster ?? mapping?.cluster ?? given.defaultCluster;
  if (target === undefined)
    return refuse({
      kind: "invalid",
      errors: [{ field: "cluster", message: "is required (no default cluster)" }],
    });
  const unknown = unknownClusterRefusal(target, given.configured);
  if (unknown) return refuse(unknown);
  return allow({ cluster: target, unit: mapping?.unit_id ?? id });
}
