// Pure: where a live child differs from what we render, field by field, and how to take
// out what others added inside what we own.
//
// Two kinds of drift:
// - "changed": a value we render is different or missing. A forced server-side apply
//   puts it back (it takes the field over from whoever wrote it).
// - "foreign": an item inside a part we render completely (see `exactFields`) that we did
//   not render: an env variable, a port, a volume mount, a whole container, a pod-template
//   label. Server-side apply never removes what another field manager owns (list items
//   merge by key, map keys likewise), so applying again leaves it there; these are taken
//   out with a JSON patch instead (removalOperations). Why a JSON patch: it removes an
//   item whoever owns it, its `test` operations make each removal conditional on the item
//   still being exactly what we read at that position (a concurrent edit fails the whole
//   patch, nothing wrong is removed), and it works on custom resources too. A strategic
//   merge `$patch: delete` is for built-in kinds only and deletes by key unchecked; the
//   "Transferring ownership" dance (apply with the item, then without) does not work for
//   an item whose value we would apply unchanged: the same value makes us a co-owner, not
//   the owner, and the other manager's ownership keeps the item when we drop it.
//
// Everything outside the exact parts is compared as "live holds every value we set":
// extra keys there are the API server's defaults (imagePullPolicy, probe thresholds,
// clusterIP) or other tools' metadata (an annotation added by kubectl annotate) and stay.
import { jsonPointerToken, type JsonPatchOperation } from "@oaas/kube";
import type { RenderedObject } from "@oaas/templates";
import { appliedHashAnnotation, contains, type LiveObject } from "./compare.ts";

export type ChildAction =
  /** Nothing on the server: create it. */
  | "create"
  /** Our desired state changed since the last apply. */
  | "update"
  /** Same desired state, but the live object drifted from it (findDrift): put it back. */
  | "repair"
  /** Live is what we render. */
  | "none";

/** What to do for one desired child (with hash annotation) given its live object, if any. */
export function childAction(desired: RenderedObject, live: LiveObject | undefined): ChildAction {
  if (live === undefined) return "create";
  const want = desired.metadata?.annotations?.[appliedHashAnnotation];
  if (live.metadata?.annotations?.[appliedHashAnnotation] !== want) return "update";
  return findDrift(desired, live).length === 0 ? "none" : "repair";
}

/** Fields of one child that drifted from what we render. */
export interface DriftReport {
  /** "Kind/name". */
  object: string;
  /** Drift paths (drift.ts), e.g. spec.template.spec.containers[function].env[HACK2]. */
  paths: string[];
  /** Field managers that wrote them (managedFields), e.g. kubectl-set; may be empty. */
  writers: string[];
}

export interface Drift {
  /** For a person, e.g. spec.template.spec.containers[function].env[HACK2]. */
  path: string;
  kind: "changed" | "foreign";
  /** JSON pointer to the live value (foreign only: what the removal takes out). */
  pointer?: string;
  /** The live value there (foreign only): the removal tests it is still this value. */
  value?: unknown;
  /** The path in managedFields' fieldsV1 notation (f:name, k:{...}), to find who wrote it. */
  fields: string[];
}

/**
 * The parts of a child the CRM renders completely, by kind, as paths of field names (list
 * keys left out). Nothing the API server defaults lives in them (defaults such as
 * imagePullPolicy or terminationMessagePath sit beside them), so anything there we did not
 * render is someone's edit. Knative Services are left to the general rule: Knative's own
 * webhook defaults into the revision template and that cannot be checked here.
 */
const exactFields: Readonly<Record<string, readonly string[]>> = {
  "apps/v1/Deployment": [
    "spec.template.metadata.labels",
    "spec.template.spec.containers",
    "spec.template.spec.initContainers",
    ...["env", "envFrom", "ports", "volumeMounts", "command", "args"].flatMap((f) => [
      `spec.template.spec.containers.${f}`,
      `spec.template.spec.initContainers.${f}`,
    ]),
  ],
  "v1/Service": ["spec.selector", "spec.ports"],
};

/** Lists merged by key (their patchMergeKey / listMapKeys), by field name. */
const listKeys: Readonly<Record<string, readonly string[]>> = {
  containers: ["name"],
  initContainers: ["name"],
  env: ["name"],
  volumeMounts: ["mountPath"],
  volumes: ["name"],
  imagePullSecrets: ["name"],
  // Others may add owner references (never exact): only ours must stay as rendered.
  ownerReferences: ["uid"],
};

/** Ports are keyed by number and protocol (TCP when unset), containers' and Services' alike. */
function portKey(item: Record<string, unknown>): Record<string, unknown> | undefined {
  const number = item["containerPort"] ?? item["port"];
  if (typeof number !== "number") return undefined;
  const field = "containerPort" in item ? "containerPort" : "port";
  return { [field]: number, protocol: typeof item["protocol"] === "string" ? item["protocol"] : "TCP" };
}

function keyOf(field: string, item: unknown): Record<string, unknown> | undefined {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return undefined;
  const record = item as Record<string, unknown>;
  if (field === "ports") return portKey(record);
  const names = listKeys[field];
  if (names === undefined || names.some((n) => record[n] === undefined)) return undefined;
  return Object.fromEntries(names.map((n) => [n, record[n]]));
}

const sameKey = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  JSON.stringify(a) === JSON.stringify(b);
/** "HACK2", "8080/TCP": a list item's key as paths show it. */
const keyText = (key: Record<string, unknown>) => Object.values(key).map(String).join("/");

interface At {
  /** For a person. */
  path: string;
  pointer: string;
  /** Field names only (what exactFields lists). */
  schema: string;
  fields: string[];
}

/**
 * Every difference between what we render (`desired`) and the live child, in document
 * order; [] when the live child is exactly what we render in every part we own. Metadata
 * is compared by the general rule (others may label and annotate our objects).
 */
export function findDrift(desired: RenderedObject, live: LiveObject): Drift[] {
  const exact = new Set(exactFields[`${desired.apiVersion ?? ""}/${desired.kind ?? ""}`] ?? []);
  const out: Drift[] = [];
  const root: At = { path: "", pointer: "", schema: "", fields: [] };
  walk(desired, live, root, exact, out);
  return out;
}

function child(at: At, field: string): At {
  return {
    path: at.path === "" ? field : `${at.path}.${field}`,
    pointer: `${at.pointer}/${jsonPointerToken(field)}`,
    schema: at.schema === "" ? field : `${at.schema}.${field}`,
    fields: [...at.fields, `f:${field}`],
  };
}

function walk(want: unknown, have: unknown, at: At, exact: ReadonlySet<string>, out: Drift[]): void {
  if (want === undefined) return;
  if (Array.isArray(want)) return walkList(want, have, at, exact, out);
  if (typeof want === "object" && want !== null) {
    const wanted = want as Record<string, unknown>;
    if (have === undefined && Object.keys(wanted).length === 0) return;
    if (typeof have !== "object" || have === null || Array.isArray(have)) {
      out.push({ path: at.path, kind: "changed", fields: at.fields });
      return;
    }
    const live = have as Record<string, unknown>;
    const entry = (key: string) =>
      exact.has(at.schema) && isMap(at.schema) ? mapEntry(at, key) : child(at, key);
    for (const [key, value] of Object.entries(wanted)) walk(value, live[key], entry(key), exact, out);
    for (const [key, value] of Object.entries(live)) {
      if (wanted[key] !== undefined || value === undefined) continue;
      const next = entry(key);
      if (exact.has(at.schema) && isMap(at.schema)) {
        // A key we do not render in a map we own (a pod-template label).
        out.push({ path: next.path, kind: "foreign", pointer: next.pointer, value, fields: next.fields });
      } else if (exact.has(next.schema)) {
        // A part we own but render none of: each keyed item is foreign (named by its key), else the field.
        if (Array.isArray(value) && value.every((item) => keyOf(key, item) !== undefined))
          walkList([], value, next, exact, out);
        else
          out.push({ path: next.path, kind: "foreign", pointer: next.pointer, value, fields: next.fields });
      }
    }
    return;
  }
  if (!contains(have, want)) out.push({ path: at.path, kind: "changed", fields: at.fields });
}

/** A key of an exact map, named in brackets: labels[oaas.io/owner]. */
function mapEntry(at: At, key: string): At {
  return { ...child(at, key), path: `${at.path}[${key}]`, schema: `${at.schema}[]` };
}

/** Exact maps (labels, selector) name their keys in brackets; exact lists name their items. */
function isMap(schema: string): boolean {
  return schema.endsWith(".labels") || schema.endsWith(".selector");
}

function walkList(want: unknown[], have: unknown, at: At, exact: ReadonlySet<string>, out: Drift[]): void {
  if (have === undefined && want.length === 0) return;
  const field = at.schema.slice(at.schema.lastIndexOf(".") + 1);
  const live: unknown[] | undefined = Array.isArray(have) ? have : undefined;
  if (
    live === undefined ||
    !want.every((w) => keyOf(field, w) !== undefined) ||
    !live.every((h) => keyOf(field, h) !== undefined)
  ) {
    // Unkeyed (atomic) lists: apply replaces them whole, so one difference is the list.
    if (!contains(have, want)) out.push({ path: at.path, kind: "changed", fields: at.fields });
    return;
  }
  const liveKeys = live.map((h) => keyOf(field, h) ?? {});
  const wantKeys = want.map((w) => keyOf(field, w) ?? {});
  for (const [i, w] of want.entries()) {
    const key = wantKeys[i] ?? {};
    const j = liveKeys.findIndex((k) => sameKey(k, key));
    const item = itemAt(at, key, j);
    if (j < 0) out.push({ path: item.path, kind: "changed", fields: item.fields });
    else walk(w, live[j], item, exact, out);
  }
  if (!exact.has(at.schema)) return;
  for (const [j, h] of live.entries()) {
    const key = liveKeys[j] ?? {};
    if (wantKeys.some((k) => sameKey(k, key))) continue;
    const item = itemAt(at, key, j);
    out.push({ path: item.path, kind: "foreign", pointer: item.pointer, value: h, fields: item.fields });
  }
}

function itemAt(at: At, key: Record<string, unknown>, index: number): At {
  return {
    path: `${at.path}[${keyText(key)}]`,
    pointer: `${at.pointer}/${index}`,
    // Items share their list's field names: containers.env, not containers[function].env.
    schema: at.schema,
    fields: [...at.fields, `k:${JSON.stringify(key)}`],
  };
}

/**
 * JSON patch operations that take every foreign item out, each preceded by a test that it
 * is still exactly what we saw at that place: a concurrent edit makes the whole patch fail
 * (422) instead of removing the wrong item. Removals run from the last list position to
 * the first, so no removal shifts the index of another.
 */
export function removalOperations(drift: readonly Drift[]): JsonPatchOperation[] {
  const foreign = drift.filter((d) => d.kind === "foreign" && d.pointer !== undefined);
  foreign.sort((a, b) => comparePointers(b.pointer ?? "", a.pointer ?? ""));
  return foreign.flatMap((d) => [
    { op: "test" as const, path: d.pointer ?? "", value: d.value },
    { op: "remove" as const, path: d.pointer ?? "" },
  ]);
}

/** Token by token; numeric tokens (list indexes) by value. */
function comparePointers(a: string, b: string): number {
  const x = a.split("/");
  const y = b.split("/");
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i] ?? "";
    const q = y[i] ?? "";
    if (p === q) continue;
    const numeric = /^\d+$/.test(p) && /^\d+$/.test(q);
    if (numeric) return Number(p) - Number(q);
    return p < q ? -1 : 1;
  }
  return x.length - y.length;
}

/**
 * Field managers other than `ours` that own the drifted field (or a part of it), from the
 * live object's managedFields, e.g. ["kubectl-set"]: who to talk to when it keeps coming back.
 */
export function writersOf(live: LiveObject, drift: readonly Drift[], ours: string): string[] {
  const writers = new Set<string>();
  for (const entry of live.metadata?.managedFields ?? []) {
    if (entry.manager === undefined || entry.manager === ours) continue;
    if (drift.some((d) => ownsPath(entry.fieldsV1, d.fields))) writers.add(entry.manager);
  }
  return [...writers].sort();
}

function ownsPath(fields: unknown, path: readonly string[]): boolean {
  let node = fields;
  for (const segment of path) {
    if (typeof node !== "object" || node === null) return false;
    node = (node as Record<string, unknown>)[segment];
    if (node === undefined) return false;
  }
  return true;
}
