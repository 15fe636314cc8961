// List filters and paging, applied the same way whatever the backend.
import type { OClassDeployment, OPackage } from "@oaas/models";
import type { ClusterMapping, DeploymentFilter, PackageFilter } from "./types.ts";

/** `*` globs match the whole name; other patterns are substrings. */
export function nameMatches(name: string, pattern: string | undefined): boolean {
  if (pattern === undefined || pattern === "") return true;
  if (!pattern.includes("*")) return name.includes(pattern);
  const regex = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${regex}$`, "s").test(name);
}

export function page<T>(items: readonly T[], limit?: number, offset?: number): T[] {
  const start = offset ?? 0;
  return items.slice(start, limit === undefined ? undefined : start + limit);
}

export function packageMatches(p: OPackage, f: PackageFilter): boolean {
  return (
    nameMatches(p.name, f.name_pattern) &&
    (f.disabled === undefined || p.disabled === f.disabled) &&
    (f.tags ?? []).every((t) => p.metadata.tags.includes(t))
  );
}

export function deploymentMatches(
  d: OClassDeployment,
  mappings: readonly ClusterMapping[],
  f: DeploymentFilter,
): boolean {
  return (
    (f.package_name === undefined || d.package_name === f.package_name) &&
    (f.class_key === undefined || d.class_key === f.class_key) &&
    (f.target_env === undefined || d.target_env === f.target_env) &&
    (f.condition === undefined || d.condition === f.condition) &&
    (f.target_cluster === undefined ||
      mappings.some((m) => m.cluster === f.target_cluster) ||
      d.target_clusters.includes(f.target_cluster))
  );
}
