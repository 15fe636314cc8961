// The two Helm charts as test and tooling data: where they are, which values files the
// tests render, where the golden manifests live, and the README values table generated
// from values.schema.json (descriptions, types) and values.yaml (defaults).
import { readFileSync } from "node:fs";
import path from "node:path";
import { loadAllYaml } from "@kubernetes/client-node";
import { repoRoot, runHelm } from "@oaas/testkit";

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

/**
 * The values every chart is linted, rendered, golden-checked and installed with: its
 * defaults (no values at all: what `helm install <release> <chart>` does) and the files
 * it has under ci/.
 */
export const valueCases = ["default", "dev", "edge", "full"] as const;
export type ValueCase = (typeof valueCases)[number];

export const chartDir = (chart: Chart): string => path.join(repoRoot, "charts", chart.name);
/** ci/<case>-values.yaml; undefined for the defaults. */
export const valuesFile = (chart: Chart, which: ValueCase): string | undefined =>
  which === "default" ? undefined : path.join(chartDir(chart), "ci", `${which}-values.yaml`);
/** The helm arguments selecting one case's values (none for the defaults). */
export const valuesArgs = (chart: Chart, which: ValueCase): string[] => {
  const file = valuesFile(chart, which);
  return file ? ["--values", file] : [];
};
export const goldenFile = (chart: Chart, which: ValueCase): string =>
  path.join(repoRoot, "e2e", "charts", "golden", `${chart.name}-${which}.yaml`);

export const readmeFile = (chart: Chart): string => path.join(chartDir(chart), "README.md");

/**
 * `helm template` of one values case; throws with helm's stderr when rendering fails.
 * No --kube-version: helm assumes the test cluster's version (e2e/cluster/build-helm.sh),
 * as a user's `helm template` assumes the version of their helm.
 */
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
    ...valuesArgs(chart, which),
    ...extra,
  ]);
  if (result.code !== 0) throw new Error(`helm template ${chart.name} (${which}) failed: ${result.stderr}`);
  return result.stdout;
}

/**
 * Templates whose Secret data the chart generates at random on the first install (and
 * keeps across upgrades through `lookup`); `helm template` has no cluster, so each render
 * differs there.
 */
const generatedSecretSources = new Set([
  "oaas-crm/templates/dashboard-secret.yaml",
  "oaas-crm/templates/auth-secret.yaml",
  "oaas-crm/templates/redis.yaml",
  "oaas-pm/templates/auth-secret.yaml",
]);
export const generatedMark = "<generated at install>";

/**
 * One case as its golden file holds it: the render with the data of generated Secrets
 * replaced by `generatedMark` (the tests check the generated values themselves).
 */
export async function goldenText(chart: Chart, which: ValueCase): Promise<string> {
  const rendered = await renderCase(chart, which);
  return rendered
    .split(/^(?=---$)/m)
    .map((doc) => {
      const source = /^# Source: (\S+)$/m.exec(doc)?.[1];
      if (!source || !generatedSecretSources.has(source) || !/^kind: Secret$/m.test(doc)) return doc;
      const [head = "", data] = doc.split(/^data:$/m);
      if (data === undefined) throw new Error(`${source}: no data: block to mask`);
      return `${head}data:${data.replace(/^( {2}\S+:) .*$/gm, `$1 "${generatedMark}"`)}`;
    })
    .join("");
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

/** One EnvVar as a manifest holds it. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

/**
 * The environment a container would see, for the programs' configuration parsers:
 * fieldRef values (the namespace) become `namespace`, secretKeyRef values stand-ins (a
 * Redis URL for OPRC_CRM_REDIS_URL), and $(VAR) references are expanded as the kubelet does.
 */
export function resolveEnv(env: readonly EnvVar[], namespace = "oaas-system"): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) {
    const raw =
      e.value ??
      (JSON.stringify(e.valueFrom).includes("fieldRef")
        ? namespace
        : e.name === "OPRC_CRM_REDIS_URL"
          ? "redis://from-secret:6379"
          : "from-secret");
    out[e.name] = raw.replace(/\$\(([A-Z0-9_]+)\)/g, (whole, name: string) => out[name] ?? whole);
  }
  return out;
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
