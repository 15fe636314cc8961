// Which fields of a child the enforcer owns, read from the child's own managedFields: the
// fields its server-side applies (field manager `oaas-crm-enforcer`) hold. One rule for
// two readers: the enforcer writes only these, and the watcher leaves their changes out
// of what it calls an edit, so an enforcement is never taken for drift (a reconcile run
// that would write nothing). Pure.
//
// managedFields' fieldsV1 format: https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management
// ("f:<name>" a map key, "k:<json>" a list item by its keys, "v:<json>" a set value,
// "." the item itself).

/** The enforcer's server-side-apply field manager (never the reconciler's: they must not fight). */
export const enforcerFieldManager = "oaas-crm-enforcer";

interface ManagedFieldsEntry {
  manager?: unknown;
  operation?: unknown;
  subresource?: unknown;
  fieldsV1?: unknown;
}

interface WithMeta {
  metadata?: object;
}

/** The fieldsV1 trees the enforcer's applies own on `obj` (status entries left out). */
export function enforcerFieldSets(obj: WithMeta): Record<string, unknown>[] {
  const entries = (obj.metadata as { managedFields?: unknown } | undefined)?.managedFields;
  if (!Array.isArray(entries)) return [];
  return (entries as (ManagedFieldsEntry | null)[])
    .filter(
      (e): e is ManagedFieldsEntry =>
        e?.manager === enforcerFieldManager && e.subresource !== "status" && isObject(e.fieldsV1),
    )
    .map((e) => e.fieldsV1 as Record<string, unknown>);
}

/**
 * A copy of `obj` without the leaf fields named by `fieldSets` (map keys and list items
 * matched by their keys; a leaf is a field whose tree is empty). Containers are kept: only
 * what the enforcer set inside them goes. Fields not present are ignored.
 */
export function withoutFields<T>(obj: T, fieldSets: readonly Record<string, unknown>[]): T {
  if (fieldSets.length === 0) return obj;
  const copy = structuredClone(obj) as unknown;
  for (const set of fieldSets) strip(copy, set);
  return copy as T;
}

/** `obj` without what the enforcer owns on `owner` (the newer object: its managedFields are current). */
export function withoutEnforcerFields<T extends WithMeta>(obj: T, owner: WithMeta): T {
  return withoutFields(obj, enforcerFieldSets(owner));
}

/** `itemKeys`: the fields that identify the list item `node` is (kept: the item stays). */
function strip(node: unknown, tree: Record<string, unknown>, itemKeys: readonly string[] = []): void {
  for (const [key, sub] of Object.entries(tree)) {
    if (key === "." || itemKeys.includes(key.slice(2))) continue;
    const subtree = isObject(sub) ? sub : {};
    const leaf = Object.keys(subtree).filter((k) => k !== ".").length === 0;
    if (key.startsWith("f:") && isObject(node)) {
      const field = key.slice(2);
      if (!(field in node)) continue;
      if (leaf) Reflect.deleteProperty(node, field);
      else strip(node[field], subtree);
    } else if (key.startsWith("k:") && Array.isArray(node)) {
      const match = parseKeys(key.slice(2));
      if (match === undefined) continue;
      const items: unknown[] = node;
      const item = items.find((i) => isObject(i) && Object.entries(match).every(([k, v]) => i[k] === v));
      if (item !== undefined && !leaf) strip(item, subtree, Object.keys(match));
    }
  }
}

function parseKeys(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
