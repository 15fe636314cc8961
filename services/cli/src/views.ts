// What each resource looks like as a table: the columns people need to act on, one
// definition per resource.
import { formatAge, formatRatio, renderFields, renderTable, type Column } from "./output.ts";
import {
  clusterUnits,
  isObj,
  num,
  str,
  type ClusterUnit,
  type ClusterView,
  type DeployResult,
  type StatusView,
} from "./shapes.ts";

export function packagesTable(items: readonly unknown[], now: number): string {
  const columns: Column<unknown>[] = [
    { header: "name", cell: (p) => str(p, "name") },
    { header: "version", cell: (p) => str(p, "version") },
    { header: "classes", cell: (p) => count(p, "classes") },
    { header: "functions", cell: (p) => count(p, "functions") },
    { header: "disabled", cell: (p) => (isObj(p) && p.disabled === true ? "true" : "false") },
    { header: "tags", cell: (p) => strings(isObj(p) && isObj(p.metadata) ? p.metadata.tags : undefined) },
    { header: "age", cell: (p) => formatAge(str(isObj(p) ? p.metadata : undefined, "created_at"), now) },
  ];
  return renderTable(columns, items);
}

/** One package: its fields, then its classes with their bindings and its functions. */
export function packageDetail(p: unknown): string {
  const meta = isObj(p) ? p.metadata : undefined;
  const head = renderFields([
    ["name", str(p, "name")],
    ["version", str(p, "version")],
    ["description", str(meta, "description")],
    ["author", str(meta, "author")],
    ["tags", strings(isObj(meta) ? meta.tags : undefined)],
    ["dependencies", strings(isObj(p) ? p.dependencies : undefined)],
  ]);
  const classes = renderTable<unknown>(
    [
      { header: "class", cell: (c) => str(c, "key") },
      { header: "functions", cell: (c) => bindings(c) },
      { header: "consistency", cell: (c) => str(isObj(c) ? c.state_spec : undefined, "consistency_model") },
      { header: "description", cell: (c) => str(c, "description") },
    ],
    array(p, "classes"),
  );
  const functions = renderTable<unknown>(
    [
      { header: "function", cell: (f) => str(f, "key") },
      { header: "type", cell: (f) => str(f, "function_type") },
      { header: "image", cell: (f) => str(isObj(f) ? f.provision_config : undefined, "container_image") },
      { header: "description", cell: (f) => str(f, "description") },
    ],
    array(p, "functions"),
  );
  return `${head}\n${classes}\n${functions}`;
}

export function deploymentsTable(items: readonly unknown[], now: number): string {
  return renderTable<unknown>(
    [
      { header: "key", cell: (d) => str(d, "key") },
      { header: "package", cell: (d) => str(d, "package_name") },
      { header: "class", cell: (d) => str(d, "class_key") },
      {
        header: "clusters",
        cell: (d) => strings(isObj(d) ? (d.target_clusters ?? d.target_envs) : undefined),
      },
      { header: "condition", cell: (d) => str(d, "condition") },
      { header: "replicas", cell: (d) => num(d, "replicas") },
      { header: "availability", cell: (d) => formatRatio(num(d, "achieved_availability")) },
      { header: "age", cell: (d) => formatAge(str(d, "created_at"), now) },
    ],
    items,
  );
}

/** One deployment: its fields, then one row per cluster it was sent to. */
export function deploymentDetail(d: unknown, now: number): string {
  const head = renderFields([
    ["key", str(d, "key")],
    ["package", str(d, "package_name")],
    ["class", str(d, "class_key")],
    ["target env", str(d, "target_env")],
    ["condition", str(d, "condition")],
    ["last error", str(d, "last_error")],
    ["replicas", num(d, "replicas")],
    ["achieved availability", formatRatio(num(d, "achieved_availability"))],
    ["age", formatAge(str(d, "created_at"), now)],
  ]);
  const units = clusterUnits(d);
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
        ["reason", v.reason],
        ["message", v.message],
        ["detail", v.detailUnavailable ? `unavailable: ${v.detailUnavailable}` : undefined],
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
                { header: "age", cell: (c) => formatAge(c.lastTransitionTime, now) },
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
                { header: "function", cell: (f) => f.key },
                {
                  header: "ready",
                  cell: (f) => (f.ready === undefined ? undefined : f.ready ? "True" : "False"),
                },
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

export function runtimesTable(items: readonly unknown[]): string {
  return renderTable<unknown>(
    [
      { header: "cluster", cell: (r) => str(r, "cluster") },
      { header: "id", cell: (r) => str(r, "id", "deployment_id") },
      { header: "package", cell: (r) => str(r, "package_name") },
      { header: "class", cell: (r) => str(r, "class_key") },
      { header: "env", cell: (r) => str(r, "target_env") },
      { header: "functions", cell: (r) => functionKeys(r) },
      { header: "odgm replicas", cell: (r) => num(isObj(r) ? r.odgm_config : undefined, "replica_count") },
    ],
    items,
  );
}

/** One runtime (a DeploymentUnit as a CRM holds it): fields, then its functions. */
export function runtimeDetail(r: unknown): string {
  const odgm = isObj(r) ? r.odgm_config : undefined;
  const head = renderFields([
    ["id", str(r, "id", "deployment_id")],
    ["cluster", str(r, "cluster")],
    ["package", str(r, "package_name")],
    ["class", str(r, "class_key")],
    ["target env", str(r, "target_env")],
    ["odgm collections", strings(isObj(odgm) ? odgm.collections : undefined)],
    ["odgm replicas", num(odgm, "replica_count")],
  ]);
  const functions = renderTable<unknown>(
    [
      { header: "function", cell: (f) => str(f, "function_key") },
      { header: "image", cell: (f) => str(isObj(f) ? f.provision_config : undefined, "container_image") },
      { header: "min scale", cell: (f) => num(isObj(f) ? f.provision_config : undefined, "min_scale") },
      { header: "max scale", cell: (f) => num(isObj(f) ? f.provision_config : undefined, "max_scale") },
    ],
    array(r, "functions"),
  );
  return `${head}\n${functions}`;
}

export function clustersTable(rows: readonly ClusterView[]): string {
  return renderTable<ClusterView>(
    [
      { header: "name", cell: (c) => c.name },
      { header: "health", cell: (c) => c.health },
      // A reachable cluster can still be refused by the PM for a while after faults.
      { header: "breaker", cell: (c) => c.breaker },
      { header: "availability", cell: (c) => formatRatio(c.availability) },
      { header: "nodes (ready/total)", cell: (c) => c.nodes },
      { header: "crm version", cell: (c) => c.crmVersion },
      { header: "message", cell: (c) => c.message },
    ],
    rows,
  );
}

function array(o: unknown, key: string): unknown[] {
  const v = isObj(o) ? o[key] : undefined;
  return Array.isArray(v) ? v : [];
}

function count(o: unknown, key: string): number {
  return array(o, key).length;
}

function strings(v: unknown): string | undefined {
  return Array.isArray(v) && v.length > 0 ? v.map(String).join(",") : undefined;
}

function functionKeys(r: unknown): string | undefined {
  const keys = array(r, "functions").map((f) => str(f, "function_key") ?? "?");
  return keys.length > 0 ? keys.join(",") : undefined;
}

function bindings(c: unknown): string | undefined {
  const names = array(c, "function_bindings").map((b) => str(b, "name") ?? "?");
  return names.length > 0 ? names.join(",") : undefined;
}

/** History rows: cluster, time, type, generation, message (with reason and objects). */
export function historyTable(body: unknown): string {
  const rows: { cluster?: string; entry: unknown; error?: string }[] = [];
  const clusters = isObj(body) && Array.isArray(body.clusters) ? body.clusters : [];
  for (const c of clusters) {
    const cluster = str(c, "cluster");
    const error = str(c, "error");
    if (error !== undefined) rows.push({ ...(cluster ? { cluster } : {}), entry: undefined, error });
    const entries = isObj(c) && Array.isArray(c.entries) ? c.entries : [];
    for (const entry of entries) rows.push({ ...(cluster ? { cluster } : {}), entry });
  }
  if (rows.length === 0) return "No history found.\n";
  const message = (entry: unknown) => {
    const parts = [str(entry, "message") ?? ""];
    const reason = str(entry, "reason");
    if (reason) parts.push(`reason=${reason}`);
    const objects = isObj(entry) && Array.isArray(entry.objects) ? entry.objects : [];
    if (objects.length) parts.push(`objects=${objects.join(",")}`);
    return parts.join("  ");
  };
  return renderTable<(typeof rows)[number]>(
    [
      { header: "cluster", cell: (r) => r.cluster },
      { header: "time", cell: (r) => str(r.entry, "time") },
      { header: "type", cell: (r) => (r.error !== undefined ? "ERROR" : str(r.entry, "type")) },
      { header: "gen", cell: (r) => num(r.entry, "generation") },
      { header: "message", cell: (r) => r.error ?? message(r.entry) },
    ],
    rows,
  );
}
