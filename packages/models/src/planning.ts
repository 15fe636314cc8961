// Planning a class deployment (pure): resolve its package and class, fill the function
// specs from the class bindings, size the replicas from the clusters' availability and
// build one DeploymentUnit per target cluster. The units are plain wire-shaped objects;
// the PM converts them to protobuf at its edge.
import { recordName } from "@oaas/crd";
import { keyProblem } from "./keys.ts";
import { sizeReplicas, type ClusterSignal, type Sizing } from "./sizing.ts";
import type {
  FieldError,
  FunctionDeploymentSpec,
  OClass,
  OClassDeployment,
  OFunction,
  OPackage,
  ProvisionConfig,
} from "./types.ts";

/** The wire DeploymentUnit in snake_case (oaas.deployment.DeploymentUnit). */
export interface UnitSpec {
  /** Unique per (deployment key, cluster); already a valid record name (recordName(id) === id). */
  readonly id: string;
  readonly package_name: string;
  readonly class_key: string;
  readonly target_env: string;
  readonly functions: FunctionDeploymentSpec[];
  /** Milliseconds since the epoch. */
  readonly created_at_ms: number;
  readonly odgm_config?: {
    collections: string[];
    partition_count?: number;
    replica_count: number;
    shard_type?: string;
  };
}

export interface PlannedUnit {
  readonly cluster: string;
  readonly unit: UnitSpec;
}

export type Resolved =
  { ok: true; deployment: OClassDeployment; cls: OClass } | { ok: false; errors: FieldError[] };

/** The logical key when the request has none: one deployment per package and class. */
export function defaultDeploymentKey(packageName: string, classKey: string): string {
  return `${packageName}-${classKey}`;
}

/**
 * The per-cluster unit id for a logical deployment key. recordName keeps it a valid
 * Kubernetes name (hashing what had to change), so the CRM's record is named by it.
 */
export function unitId(deploymentKey: string, cluster: string): string {
  return recordName(`${deploymentKey}-${cluster}`);
}

/**
 * Resolves a decoded deployment against its package: the class must exist and be
 * enabled; the key, target clusters and function specs get their defaults; every
 * function ends up with an image. Errors carry the request's field paths.
 */
export function resolveDeployment(
  pkg: OPackage | undefined,
  d: OClassDeployment,
  defaultCluster: string | undefined,
): Resolved {
  const errors: FieldError[] = [];
  if (!pkg) return fail("package_name", `package "${d.package_name}" does not exist`);
  if (pkg.disabled) return fail("package_name", `package "${pkg.name}" is disabled`);
  const cls = pkg.classes.find((c) => c.key === d.class_key);
  if (!cls) return fail("class_key", `"${d.class_key}" is not a class of package "${pkg.name}"`);
  if (cls.disabled) return fail("class_key", `class "${cls.key}" is disabled`);
  const key = d.key || defaultDeploymentKey(pkg.name, cls.key);
  // Package name and class key are keys each; joined they can exceed the key length.
  const keyTrouble = d.key ? undefined : keyProblem(key);
  if (keyTrouble !== undefined)
    return fail("key", `derived from package_name and class_key, ${keyTrouble}: give the deployment a key`);
  let targetClusters = d.target_clusters;
  if (targetClusters.length === 0) {
    if (defaultCluster === undefined) {
      return fail("target_clusters", "is empty and the PM has no default cluster");
    }
    targetClusters = [defaultCluster];
  }
  const byKey = new Map(pkg.functions.map((f) => [f.key, f]));
  // Listed functions merge by key into the class's bindings: listing one function to
  // give it NFRs must not drop the others (a class missing a bound function cannot serve
  // it). A client sending the full list, or none, gets the bindings as they are.
  const bound = fromBindings(cls, byKey);
  const listed = new Map<string, FunctionDeploymentSpec>();
  d.functions.forEach((spec, i) => {
    const field = `functions[${i}].function_key`;
    if (!bound.some((b) => b.function_key === spec.function_key)) {
      const binds = bound.map((b) => b.function_key).join(", ") || "none";
      errors.push({
        field,
        message: `"${spec.function_key}" is not a function class "${cls.key}" binds (it binds: ${binds})`,
      });
    } else if (listed.has(spec.function_key)) {
      errors.push({ field, message: `"${spec.function_key}" is listed twice` });
    } else listed.set(spec.function_key, spec);
  });
  const functions = bound.map((b) => {
    const spec = listed.get(b.function_key);
    return spec ? merge(spec, byKey.get(b.function_key)) : b;
  });
  if (functions.length === 0)
    errors.push({ field: "functions", message: `class "${cls.key}" binds no function` });
  functions.forEach((spec, i) => {
    if (!spec.provision_config?.container_image) {
      errors.push({
        field: `functions[${i}].provision_config.container_image`,
        message: `function "${spec.function_key}" has no container image (set it on the package's function or here)`,
      });
    }
  });
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    cls,
    deployment: {
      ...d,
      key,
      target_clusters: targetClusters,
      functions,
    },
  };

  function fail(field: string, message: string): Resolved {
    return { ok: false, errors: [{ field, message }] };
  }
}

/** One spec per distinct function the class binds, from the package's function. */
function fromBindings(cls: OClass, byKey: ReadonlyMap<string, OFunction>): FunctionDeploymentSpec[] {
  const seen = new Set<string>();
  const specs: FunctionDeploymentSpec[] = [];
  for (const binding of cls.function_bindings) {
    if (seen.has(binding.function_key)) continue;
    seen.add(binding.function_key);
    specs.push(merge({ function_key: binding.function_key, config: {} }, byKey.get(binding.function_key)));
  }
  return specs;
}

/** The request's spec over the package function's defaults (request fields win). */
function merge(spec: FunctionDeploymentSpec, fn: OFunction | undefined): FunctionDeploymentSpec {
  const provision: ProvisionConfig | undefined =
    fn?.provision_config || spec.provision_config
      ? {
          max_concurrency: 0,
          need_http2: false,
          ...fn?.provision_config,
          ...spec.provision_config,
        }
      : undefined;
  const description = spec.description ?? fn?.description;
  return {
    ...spec,
    ...(description !== undefined ? { description } : {}),
    ...(provision ? { provision_config: provision } : {}),
    config: { ...fn?.config, ...spec.config },
  };
}

export interface Plan {
  /** The deployment as stored: replicas and achieved availability set. */
  readonly deployment: OClassDeployment;
  readonly units: PlannedUnit[];
  readonly sizing: Sizing;
}

/**
 * Sizes replicas from the target clusters' signals (throws SizingError naming a cluster
 * without figures) and builds one unit per target cluster. The replica count goes to
 * every function's provision_config.min_scale (max_scale raised to it when lower) and
 * to odgm_config.replica_count; deployment-level NFRs fill functions that have none.
 */
export function planUnits(
  deployment: OClassDeployment,
  cls: OClass,
  signals: readonly ClusterSignal[],
  nowMs: number,
): Plan {
  const sizing = sizeReplicas(
    signals,
    deployment.nfr_requirements.availability,
    cls.state_spec?.consistency_model ?? "NONE",
  );
  const replicas = sizing.replicas;
  const functions = deployment.functions.map((spec): FunctionDeploymentSpec => {
    const pc = spec.provision_config ?? { max_concurrency: 0, need_http2: false };
    const maxScale = pc.max_scale !== undefined ? Math.max(pc.max_scale, replicas) : undefined;
    return {
      ...spec,
      nfr_requirements: spec.nfr_requirements ?? deployment.nfr_requirements,
      provision_config: {
        ...pc,
        min_scale: replicas,
        ...(maxScale !== undefined ? { max_scale: maxScale } : {}),
      },
    };
  });
  const planned: OClassDeployment = {
    ...deployment,
    functions,
    replicas,
    achieved_availability: sizing.achieved,
    ...(deployment.odgm ? { odgm: { ...deployment.odgm, replica_count: replicas } } : {}),
  };
  return { sizing, units: buildUnits(planned, nowMs), deployment: planned };
}

/**
 * One unit per target cluster of a deployment planned before (as stored: functions
 * resolved, replicas set), e.g. to send a unit again whose first dispatch had an unknown
 * outcome. Deploy is idempotent, so the same unit may go out more than once.
 */
export function buildUnits(deployment: OClassDeployment, nowMs: number): PlannedUnit[] {
  const odgm = deployment.odgm;
  return deployment.target_clusters.map((cluster): PlannedUnit => ({
    cluster,
    unit: {
      id: unitId(deployment.key, cluster),
      package_name: deployment.package_name,
      class_key: deployment.class_key,
      target_env: deployment.target_env || cluster,
      functions: deployment.functions,
      created_at_ms: nowMs,
      ...(odgm
        ? {
            odgm_config: {
              collections: odgm.collections,
              ...(odgm.partition_count !== undefined ? { partition_count: odgm.partition_count } : {}),
              replica_count: odgm.replica_count ?? deployment.replicas ?? 1,
              ...(odgm.shard_type !== undefined ? { shard_type: odgm.shard_type } : {}),
            },
          }
        : {}),
    },
  }));
}
