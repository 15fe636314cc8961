// What each resource looks like as a table: the columns people need to act on, one
// definition per resource, read from the PM's typed answers (@oaas/pm-api).
import type { OClass } from "@oaas/models";
import type {
  ClusterInfo,
  Deployment,
  DeploymentHistory,
  DeploymentWithClusters,
  HistoryEntry,
  Package,
  RuntimeItem,
} from "@oaas/pm-api";
import { formatAge, formatRatio, renderFields, renderTable, type Column } from "./output.ts";
import { deploymentUnits, type ClusterUnit, type StatusView } from "./status-view.ts";

export function packagesTable(items: readonly Package[], now: number): string {
  const columns: Column<Package>[] = [
    { header: "name", cell: (p) => p.name },
    { header: "version", cell: (p) => p.version },
    { header: "classes", cell: (p) => p.classes.length },
    { header: "functions", cell: (p) => p.functions.length },
    { header: "disabled", cell: (p) => (p.disabled ? "true" : "false") },
    { header: "tags", cell: (p) => strings(p.metadata.tags) },
    { header: "age", cell: (p) => formatAge(p.metadata.created_at, now) },
  ];
  return renderTable(columns, items);
}

/** One package: its fields, then its classes with their bindings and its functions. */
export function packageDetail(p: Package): string {
  const meta = p.metadata;
  const head = renderFields([
    ["name", p.name],
    ["version", p.version],
    ["description", meta.description],
    ["author", meta.author],
    ["tags", strings(meta.tags)],
    ["dependencies", strings(p.dependencies)],
  ]);
  const classes = renderTable<OClass>(
    [
      { header: "class", cell: (c) => c.key },
      { header: "functions", cell: (c) => strings(c.function_bindings.map((b) => b.name)) },
      { header: "consistency", cell: (c) => c.state_spec?.consistency_model },
      { header: "description", cell: (c) => c.description },
    ],
    p.classes,
  );
  const functions = renderTable<Package["functions"][number]>(
    [
      { header: "function", cell: (f) => f.key },
      { header: "type", cell: (f) => f.function_type },
      { header: "image", cell: (f) => f.provision_config?.container_image },
      { header: "description", cell: (f) => f.description },
    ],
    p.functions,
  );
  return `${head}\n${classes}\n${functions}`;
}

export function deploymentsTable(items: readonly Deployment[], now: number): string {
  return renderTable<Deployment>(
    [
      { header: "key", cell: (d) => d.key },
      { header: "package", cell: (d) => d.package_name },
      { header: "class", cell: (d) => d.class_key },
      { header: "clusters", cell: (d) => strings(d.target_clusters) },
      { header: "condition", cell: (d) => d.condition },
      { header: "replicas", cell: (d) => d.replicas },
      { header: "availability", cell: (d) => formatRatio(d.achieved_availability) },
      { header: "age", cell: (d) => formatAge(d.created_at, now) },
    ],
    items,
  );
}

/** One deployment: its fields, then one row per cluster it was sent to. */
export function deploymentDetail(d: DeploymentWithClusters, now: number): string {
  const head = renderFields([
    ["key", d.key],
    ["package", d.package_name],
    ["class", d.class_key],
    ["target env", d.target_env || undefined],
    ["condition", d.condition],
    ["last error", d.last_error],
    ["replicas", d.replicas],
    ["achieved availability", formatRatio(d.achieved_availability)],
    ["age", formatAge(d.created_at, now)],
  ]);
  const units = deploymentUnits(d);
  return units.length === 0 ? head : `${head}\n${unitsTable(units)}`;
}

export function unitsTable(units: readonly ClusterUnit[]): string {
  return renderTable<ClusterUnit>(
    [
      { header: "cluster", cell: (u) => u.cluster },
      { header: "unit id", cell: (u) => u.unitId },
      { header: "status", cell: (u) => u.status },
      { header: "message", cell: (u) => u.message },
    ],
    units,
  );
}

/** What `deploy` shows: the key, the replica count and availability, the units. */
export interface DeployResult {
  readonly key: string;
  readonly units: readonly ClusterUnit[];
  readonly achievedAvailability?: number;
  readonly replicas?: number;
}

/** The answer to `deploy` (`verb` "updated" for --update): what went where and the availability achieved. */
export function deployResultText(r: DeployResult, verb: "created" | "updated" = "created"): string {
  const line =
    `deployment/${r.key} ${verb}` +
    (r.replicas === undefined ? "" : `: ${r.replicas} replica(s)`) +
    (r.achievedAvailability === undefined
      ? ""
      : `, achieved availability ${formatRatio(r.achievedAvailability)}`);
  return r.units.length === 0 ? `${line}\n` : `${line}\n${unitsTable(r.units)}`;
}

/** One status per cluster: phase and message, conditions with reasons, functions with URLs. */
export function statusText(views: readonly StatusView[], now: number): string {
  return views
    .map((v) => {
      const head = renderFields([
        ["deployment", v.id],
        ["cluster", v.cluster],
        ["phase", v.phase],
        ["message", v.message],
        ["detail", v.detailUnavailable ? `unavailable: ${v.detailUnavailable}` : undefined],
        ["cluster health", v.clusterHealth],
      ]);
      const conditions =
        v.conditions.length === 0
          ? ""
          : "\n" +
            renderTable(
              [
                { header: "condition", cell: (c) => c.type },
                { header: "status", cell: (c) => c.status },
                { header: "reason", cell: (c) => c.reason },
                { header: "age", cell: (c) => formatAge(c.last_transition_time, now) },
                { header: "message", cell: (c) => c.message },
              ],
              v.conditions,
            );
      const functions =
        v.functions.length === 0
          ? ""
          : "\n" +
            renderTable(
              [
                { header: "function", cell: (f) => f.function_key },
                { header: "ready", cell: (f) => (f.ready ? "True" : "False") },
                { header: "reason", cell: (f) => f.reason },
                { header: "url", cell: (f) => f.url },
                { header: "message", cell: (f) => f.message },
              ],
              v.functions,
            );
      return head + conditions + functions;
    })
    .join("\n");
}

export function runtimesTable(items: readonly RuntimeItem[]): string {
  return renderTable<RuntimeItem>(
    [
      { header: "cluster", cell: (r) => r.cluster },
      { header: "id", cell: (r) => r.id },
      { header: "package", cell: (r) => r.package_name },
      { header: "class", cell: (r) => r.class_key },
      { header: "env", cell: (r) => r.target_env },
      { header: "functions", cell: (r) => strings((r.functions ?? []).map((f) => f.function_key)) },
      { header: "odgm replicas", cell: (r) => r.odgm_config?.replica_count },
    ],
    items,
  );
}

/** One runtime (a DeploymentUnit as a CRM holds it): fields, then its functions. */
export function runtimeDetail(r: RuntimeItem): string {
  const odgm = r.odgm_config;
  const head = renderFields([
    ["id", r.id],
    ["cluster", r.cluster],
    ["package", r.package_name],
    ["class", r.class_key],
    ["target env", r.target_env],
    ["odgm collections", strings(odgm?.collections ?? [])],
    ["odgm replicas", odgm?.replica_count],
  ]);
  const functions = renderTable<NonNullable<RuntimeItem["functions"]>[number]>(
    [
      { header: "function", cell: (f) => f.function_key },
      { header: "image", cell: (f) => f.provision_config?.container_image },
      { header: "min scale", cell: (f) => f.provision_config?.min_scale },
      { header: "max scale", cell: (f) => f.provision_config?.max_scale },
    ],
    r.functions ?? [],
  );
  return `${head}\n${functions}`;
}

export function clustersTable(rows: readonly ClusterInfo[]): string {
  return renderTable<ClusterInfo>(
    [
      { header: "name", cell: (c) => c.name },
      { header: "health", cell: (c) => c.health.status },
      // A reachable cluster can still be refused by the PM for a while after faults.
      { header: "breaker", cell: (c) => c.health.breaker },
      { header: "availability", cell: (c) => formatRatio(c.health.availability) },
      {
        header: "nodes (ready/total)",
        cell: (c) =>
          c.health.node_count === undefined
            ? undefined
            : `${c.health.ready_nodes ?? "?"}/${c.health.node_count}`,
      },
      { header: "crm version", cell: (c) => c.health.crm_version },
      // The probe's failure, else the CRM's own reason for a DEGRADED/UNHEALTHY cluster.
      { header: "message", cell: (c) => c.health.error ?? c.health.message },
    ],
    rows,
  );
}

function strings(v: readonly string[]): string | undefined {
  return v.length > 0 ? v.join(",") : undefined;
}

/** History rows: cluster, time, type, generation, message (with reason and objects). */
export function historyTable(body: DeploymentHistory): string {
  type Entry = HistoryEntry;
  const rows: { cluster: string; entry?: Entry; error?: string }[] = [];
  for (const c of body.clusters) {
    if (c.error !== undefined) rows.push({ cluster: c.cluster, error: c.error });
    for (const entry of c.entries) rows.push({ cluster: c.cluster, entry });
  }
  if (rows.length === 0) return "No history found.\n";
  const message = (entry: Entry | undefined) => {
    const parts = [entry?.message ?? ""];
    if (entry?.reason) parts.push(`reason=${entry.reason}`);
    if (entry?.objects?.length) parts.push(`objects=${entry.objects.join(",")}`);
    return parts.join("  ");
  };
  return renderTable<(typeof rows)[number]>(
    [
      { header: "cluster", cell: (r) => r.cluster },
      { header: "time", cell: (r) => r.entry?.time },
      { header: "type", cell: (r) => (r.error !== undefined ? "ERROR" : r.entry?.type) },
      { header: "gen", cell: (r) => r.entry?.generation },
      { header: "message", cell: (r) => r.error ?? message(r.entry) },
    ],
    rows,
  );
}
