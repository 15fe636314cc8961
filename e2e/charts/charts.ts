// The two Helm charts as test and tooling data: where they are, which values files the
// tests render, where the golden manifests live, and the README values table generated
// from values.schema.json (descriptions, types) and values.yaml (defaults).
import { readFileSync } from "node:fs";
import path from "node:path";
import { loadAllYaml } from "@kubernetes/client-node";
import { kubernetesVersion, repoRoot, runHelm } from "@oaas/testkit";

export interface Chart {
  readonly name: "oaas-crm" | "oaas-pm";
  /** Release name and namespace the golden files are rendered with. */
  readonly release: string;
  readonly namespace: string;
  /** What a key left out of values.yaml means, in the README's default column. */
  readonly unsetMeaning: string;
}

export const crmChart: Chart = {
  name: "oaas-crm",
  release: "oaas-crm",
  namespace: "oaas-system",
  unsetMeaning: "unset: the profile's",
};
export const pmChart: Chart = {
  name: "oaas-pm",
  release: "oaas-pm",
  namespace: "oaas-system",
  unsetMeaning: "unset",
};
export const charts: readonly Chart[] = [crmChart, pmChart];

/** The values files every chart has under ci/ (helm lint, template, goldens). */
export const valueCases = ["dev", "edge", "full"] as const;
export type ValueCase = (typeof valueCases)[number];

export const chartDir = (chart: Chart): string => path.join(repoRoot, "charts", chart.name);
export const valuesFile = (chart: Chart, which: ValueCase): string =>
  path.join(chartDir(chart), "ci", `${which}-values.yaml`);
export const goldenFile = (chart: Chart, which: ValueCase): string =>
  path.join(repoRoot, "e2e", "charts", "golden", `${chart.name}-${which}.yaml`);
/**
 * `--kube-version` for helm template/lint: the test cluster's version. Without a cluster,
 * helm assumes the Kubernetes version it was built against, which the pinned build leaves
 * at v1.20 (no version ldflags for client-go), below the charts' kubeVersion.
 */
export const kubeVersionArgs = (): string[] => ["--kube-version", kubernetesVersion()];

export const readmeFile = (chart: Chart): string => path.join(chartDir(chart), "README.md");

/** `helm template` of one values case; throws with helm's stderr when rendering fails. */
export async function renderCase(
  chart: Chart,
  which: ValueCase,
  extra: readonly string[] = [],
): Promise<string> {
  const result = await runHelm([
    "template",
    chart.release,
    chartDir(chart),
    "--namespace",
    chart.namespace,
    "--values",
    valuesFile(chart, which),
    ...kubeVersionArgs(),
    ...extra,
  ]);
  if (result.code !== 0) throw new Error(`helm template ${chart.name} (${which}) failed: ${result.stderr}`);
  return result.stdout;
}

/** A rendered Kubernetes object, loosely typed (tests read the fields they check). */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  [key: string]: unknown;
}

export function parseManifests(text: string): Manifest[] {
  return (loadAllYaml(text) as (Manifest | null)[]).filter((m): m is Manifest => m !== null);
}

// ---- README values table ----------------------------------------------------------

interface Schema {
  type?: string | string[];
  enum?: unknown[];
  description?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  $ref?: string;
  $defs?: Record<string, Schema>;
}

export const tableBegin = "<!-- values-table:begin (npm run charts:update) -->";
export const tableEnd = "<!-- values-table:end -->";

/** The markdown table of every value: key, type, default (from values.yaml), description (from the schema). */
export function valuesTable(chart: Chart): string {
  const schema = JSON.parse(readFileSync(path.join(chartDir(chart), "values.schema.json"), "utf8")) as Schema;
  const values = loadAllYaml(readFileSync(path.join(chartDir(chart), "values.yaml"), "utf8"))[0] as unknown;
  const rows: string[] = ["| key | type | default | description |", "| --- | --- | --- | --- |"];
  const resolve = (s: Schema): Schema => {
    if (!s.$ref) return s;
    const target = schema.$defs?.[s.$ref.replace("#/$defs/", "")];
    if (!target) throw new Error(`${chart.name}: unresolved ${s.$ref}`);
    return { ...resolve(target), ...(s.description ? { description: s.description } : {}) };
  };
  const walk = (s: Schema, key: string, value: unknown): void => {
    const r = resolve(s);
    // Resource requirements are one Kubernetes value, not settings of ours.
    if (r.properties && !key.endsWith("resources")) {
      for (const [child, childSchema] of Object.entries(r.properties)) {
        walk(
          childSchema,
          key ? `${key}.${child}` : child,
          (value as Record<string, unknown> | undefined)?.[child],
        );
      }
      return;
    }
    const fallback = value === undefined ? chart.unsetMeaning : `\`${JSON.stringify(value)}\``;
    rows.push(
      `| \`${key}\` | ${typeOf(r)} | ${fallback} | ${(r.description ?? "").replaceAll("|", "\\|")} |`,
    );
  };
  walk(schema, "", values);
  return rows.join("\n");
}

function typeOf(s: Schema): string {
  if (s.enum) return s.enum.map((e) => `\`${JSON.stringify(e)}\``).join(" \\| ");
  const type = Array.isArray(s.type) ? s.type.join(" \\| ") : (s.type ?? "any");
  return type === "array" && s.items?.type ? `${String(s.items.type)}[]` : type;
}

/** The README with its values table replaced by `table`; throws when the markers are missing. */
export function withTable(readme: string, table: string): string {
  const begin = readme.indexOf(tableBegin);
  const end = readme.indexOf(tableEnd);
  if (begin < 0 || end < begin) throw new Error(`README lacks the markers ${tableBegin} ... ${tableEnd}`);
  return `${readme.slice(0, begin + tableBegin.length)}\n${table}\n${readme.slice(end)}`;
}
