// Everything about a spec that can be checked without the cluster: what ingress answers
// INVALID_ARGUMENT for before it writes a record, and what render checks first. Template
// names are not checked here (an unknown one is a precondition failure, see select.ts).
import { maxPartitionCount, type DeploymentRecordSpec } from "@oaas/crd";
import { int32Max } from "@oaas/kube-rules";
import { fail, ok, type RenderError, type Result } from "./errors.ts";
import { planFunctions, type FunctionPlan } from "./functions.ts";
import { checkRange } from "./limits.ts";

/**
 * Largest cpu_utilization_target: the HPA's averageUtilization is an int32 percent
 * (workload.ts utilizationPercent rounds fraction * 100).
 */
export const maxCpuTarget = Math.floor(int32Max / 100);

/** The functions, validated, or the first problem with its field path. */
export function validateSpec(spec: DeploymentRecordSpec): Result<FunctionPlan[]> {
  const functions = planFunctions(spec);
  if (!functions.ok) return functions;
  const recordTarget = spec.nfr?.requirements?.cpu_utilization_target;
  if (recordTarget !== undefined && !(recordTarget > 0 && recordTarget <= maxCpuTarget)) {
    return badCpuTarget("spec.nfr.requirements.cpu_utilization_target", recordTarget);
  }
  for (const fn of functions.value) {
    const target = fn.nfr.cpu_utilization_target;
    if (target !== undefined && !(target > 0 && target <= maxCpuTarget)) {
      return badCpuTarget(`${fn.path}.nfr_requirements.cpu_utilization_target`, target);
    }
  }
  const odgm = checkOdgmCounts(spec.odgm_config ?? {});
  if (!odgm.ok) return odgm;
  const collections = checkCollections(spec.odgm_config?.collections ?? []);
  return collections.ok ? functions : collections;
}

/** ODGM's counts: replicas are a Kubernetes int32; partitions 1..maxPartitionCount. */
function checkOdgmCounts(odgm: { replica_count?: number; partition_count?: number }): Result<void> {
  const rules = [
    [odgm.replica_count, 0, int32Max, "replica_count", "InvalidReplicaCount", "ODGM Deployment replicas"],
    [
      odgm.partition_count,
      1,
      maxPartitionCount,
      "partition_count",
      "InvalidPartitionCount",
      "ODGM partitions per collection",
    ],
  ] as const;
  for (const [value, lo, hi, field, code, what] of rules) {
    if (value === undefined) continue;
    const checked = checkRange(value, lo, hi, `spec.odgm_config.${field}`, code, `${field} (${what})`);
    if (!checked.ok) return checked;
  }
  return ok(undefined);
}

/** ODGM_COLLECTIONS is a comma list: a comma or blank in a name would split it or vanish. */
function checkCollections(names: readonly string[]): Result<void> {
  const seen = new Set<string>();
  for (const [index, name] of names.entries()) {
    const path = `spec.odgm_config.collections[${index}]`;
    if (typeof name !== "string" || !/^[^,\s]+$/.test(name)) {
      return fail(
        "InvalidCollection",
        path,
        `collection name ${JSON.stringify(name)} must be non-empty, without commas or spaces`,
      );
    }
    if (seen.has(name))
      return fail("InvalidCollection", path, `collection ${JSON.stringify(name)} is listed twice`);
    seen.add(name);
  }
  return ok(undefined);
}

function badCpuTarget(path: string, value: number): { ok: false; error: RenderError } {
  return fail(
    "InvalidCpuTarget",
    path,
    `cpu_utilization_target must be a fraction above 0 and at most ${maxCpuTarget} (0.8 = 80 % of the request), got ${value}`,
  );
}
