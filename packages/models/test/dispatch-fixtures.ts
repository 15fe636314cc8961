// Option builders for the dispatch, delete, settle and sweep decision tables: a stored
// deployment changed by options (`deployment(withCondition("RUNNING"), withGeneration(2))`
// from fixtures.ts), a mapping per cluster, and a cluster's answer to a Deploy.
import type {
  ClusterDeployAnswer,
  ClusterMapping,
  DeploymentCondition,
  MappingState,
  OClassDeployment,
} from "../src/index.ts";

type Option = (d: OClassDeployment) => void;

export const t0 = "2026-01-01T00:00:00.000Z";
export const t1 = "2026-01-01T00:01:00.000Z";

export const withCondition =
  (condition: DeploymentCondition): Option =>
  (d) => {
    d.condition = condition;
  };
export const withGeneration =
  (generation: number): Option =>
  (d) => {
    d.generation = generation;
  };
export const withTargets =
  (...clusters: string[]): Option =>
  (d) => {
    d.target_clusters = clusters;
  };
export const withOwner =
  (packageName: string, classKey: string): Option =>
  (d) => {
    d.package_name = packageName;
    d.class_key = classKey;
  };
export const withUpdatedAt =
  (at: string | undefined): Option =>
  (d) => {
    if (at === undefined) delete d.updated_at;
    else d.updated_at = at;
  };
export const withCreatedAt =
  (at: string): Option =>
  (d) => {
    d.created_at = at;
  };
export const withLastError =
  (error: string): Option =>
  (d) => {
    d.last_error = error;
  };

/** A stored mapping of `cluster` (unit id `u-<cluster>`, updated at t0). */
export function mapping(
  cluster: string,
  state: MappingState,
  more: Partial<Omit<ClusterMapping, "cluster" | "state">> = {},
): ClusterMapping {
  return { cluster, unit_id: `u-${cluster}`, state, updated_at: t0, ...more };
}

export const accepted = (cluster: string): ClusterDeployAnswer => ({
  cluster,
  unit_id: `u-${cluster}`,
  answer: "accepted",
});
export const refused = (cluster: string, error = `${cluster} said no`): ClusterDeployAnswer => ({
  cluster,
  unit_id: `u-${cluster}`,
  answer: "refused",
  error,
});
export const unknown = (cluster: string, error = `${cluster} reset`): ClusterDeployAnswer => ({
  cluster,
  unit_id: `u-${cluster}`,
  answer: "unknown",
  error,
});
