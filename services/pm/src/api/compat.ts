// The reference implementation's fields at the REST boundary (github.com/pawissanutt/oaas-rs,
// control-plane/oprc-pm; services/pm/README.md "Compatibility" has the table): requests
// written for it are read into the model, and answers carry its field names beside ours.
// The services below never see an alias.
import type { FieldError, OClassDeployment, OPackage } from "@oaas/models";
import {
  statusPhase,
  type ClusterHealth,
  type ClusterMapping,
  type Deployment,
  type DeploymentMappings,
  type DeploymentStatus,
  type RuntimeItem,
} from "@oaas/pm-api";
import type { ClusterHealth as ProbedHealth } from "../crm/manager.ts";
import type { DeploymentStatusAnswer } from "../services/deployments.ts";
import type { RuntimeItem as UnitItem } from "../services/runtimes.ts";
import { ValidationError } from "../services/errors.ts";

function sameClusters(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return set.size === new Set(b).size && b.every((c) => set.has(c));
}

/**
 * A deployment as the services take it: `target_envs` (the reference's name) read as
 * `target_clusters`; `status` (a summary the reference's PM sets) dropped. Problems, at
 * `prefix` + field: both lists given and naming other clusters; a non-empty
 * `env_templates` (the CRM chooses templates; honouring none silently would change what
 * runs); a target (or, without targets, `defaultCluster`) outside `available_envs`.
 */
export function deploymentProblems(
  input: OClassDeployment,
  defaultCluster: string | undefined,
  prefix = "",
): { deployment: OClassDeployment; errors: FieldError[] } {
  const { target_envs: envs, ...rest } = input;
  delete rest.status;
  const errors: FieldError[] = [];
  let targets = rest.target_clusters;
  if (envs !== undefined && envs.length > 0) {
    if (targets.length > 0 && !sameClusters(targets, envs)) {
      errors.push({
        field: `${prefix}target_envs`,
        message: `names other clusters (${envs.join(", ")}) than target_clusters (${targets.join(", ")}); give one of them`,
      });
    } else targets = envs;
  }
  if (rest.env_templates !== undefined && Object.keys(rest.env_templates).length > 0) {
    errors.push({
      field: `${prefix}env_templates`,
      message:
        "per-cluster template overrides are not supported (the CRM chooses the template); leave it out",
    });
  }
  const allowed = rest.available_envs ?? [];
  const effective = targets.length > 0 ? targets : defaultCluster !== undefined ? [defaultCluster] : [];
  const outside = allowed.length > 0 ? effective.filter((c) => !allowed.includes(c)) : [];
  if (outside.length > 0) {
    errors.push({
      field: `${prefix}available_envs`,
      message: `the deployment would go to ${outside.map((c) => `"${c}"`).join(", ")}, not one of ${allowed.join(", ")}`,
    });
  }
  return { deployment: { ...rest, target_clusters: targets }, errors };
}

/** deploymentProblems, throwing ValidationError (400) when there is one. */
export function deploymentInput(
  input: OClassDeployment,
  defaultCluster: string | undefined,
): OClassDeployment {
  const { deployment, errors } = deploymentProblems(input, defaultCluster);
  if (errors.length) throw new ValidationError(errors, "invalid deployment");
  return deployment;
}

/** A package with each embedded deployment read as deploymentInput does. */
export function packageInput(input: OPackage, defaultCluster: string | undefined): OPackage {
  const results = input.deployments.map((d, i) =>
    deploymentProblems(d, defaultCluster, `deployments[${i}].`),
  );
  const errors = results.flatMap((r) => r.errors);
  if (errors.length) throw new ValidationError(errors, "invalid package");
  return { ...input, deployments: results.map((r) => r.deployment) };
}

/** A stored deployment as answered: `target_envs` mirrors `target_clusters`. */
export function deploymentOut(d: OClassDeployment): Deployment {
  return { ...d, target_envs: [...d.target_clusters] };
}

/** Cluster-mappings: the reference's maps (cluster -> unit id) and each mapping in full. */
export function mappingsOut(key: string, mappings: readonly ClusterMapping[]): DeploymentMappings {
  const ids = Object.fromEntries(mappings.map((m) => [m.cluster, m.unit_id]));
  return { deployment_key: key, cluster_ids: ids, env_ids: { ...ids }, mappings: [...mappings] };
}

/** A probed health with the reference's names: cluster_name, last_seen (the probe's time). */
export function healthOut(h: ProbedHealth): ClusterHealth {
  return { ...h, cluster_name: h.cluster, last_seen: h.checked_at };
}

/** A status answer with the reference's id, phase and last_updated. */
export function statusOut(id: string, s: DeploymentStatusAnswer, now: Date): DeploymentStatus {
  const times = (s.conditions ?? []).flatMap((c) => (c.last_transition_time ? [c.last_transition_time] : []));
  const latest = times.sort().at(-1);
  return {
    ...(s as Omit<DeploymentStatus, "id" | "phase" | "last_updated">),
    id,
    phase: statusPhase(s.message, s.status),
    last_updated: latest ?? now.toISOString(),
  };
}

/** A runtime with the reference's names for its cluster, id, environment and partitions. */
export function runtimeOut(item: UnitItem): RuntimeItem {
  const unit = item as UnitItem & {
    id: string;
    package_name: string;
    class_key: string;
    target_env?: string;
  };
  const odgm = item["odgm_config"] as { partition_count?: number } | undefined;
  return {
    ...unit,
    cluster_name: item.cluster,
    deployment_unit_id: unit.id,
    ...(unit.target_env !== undefined ? { target_environment: unit.target_env } : {}),
    ...(odgm?.partition_count !== undefined ? { partition_count: odgm.partition_count } : {}),
  };
}
