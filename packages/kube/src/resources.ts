// Typed helpers over KubeClient for one resource type: paths, server-side apply, get,
// list and delete. No policy here: callers decide what a 404 or 409 means.
import type { CallOptions, KubeClient } from "./client.ts";
import { errorFromResponse, isKubeError } from "./errors.ts";

/** Identifies a resource type on the API server. `group` "" is the core group. */
export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    uid?: string;
  };
}

export interface KubeList<T> {
  items: T[];
  metadata?: { resourceVersion?: string; continue?: string };
}

/** core/v1 Pods: the reconciler reads a workload's pods while it is not available. */
export const pods: ResourceType = { group: "", version: "v1", plural: "pods", namespaced: true };
export const nodes: ResourceType = { group: "", version: "v1", plural: "nodes", namespaced: false };
export const customResourceDefinitions: ResourceType = {
  group: "apiextensions.k8s.io",
  version: "v1",
  plural: "customresourcedefinitions",
  namespaced: false,
};

/** The collection path, or the object path when `name` is given. */
export function resourcePath(type: ResourceType, namespace?: string, name?: string): string {
  const base = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  if (type.namespaced && !namespace) throw new Error(`${type.plural} is namespaced: a namespace is required`);
  const ns = type.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? "")}` : "";
  return `${base}${ns}/${type.plural}${name === undefined ? "" : `/${encodeURIComponent(name)}`}`;
}

export interface ApplyOptions extends CallOptions {
  /** The SSA field manager: one per concern (e.g. oaas-crm-ingress). */
  readonly fieldManager: string;
  /** Take over fields another manager owns instead of failing with 409. */
  readonly force?: boolean;
}

/**
 * Server-side apply of `obj` (apiVersion, kind, metadata.name[, namespace] set).
 * Include metadata.resourceVersion to make the apply conditional (409 when changed).
 */
export function applyObject<T extends KubeObject>(
  client: KubeClient,
  type: ResourceType,
  obj: T,
  options: ApplyOptions,
): Promise<T> {
  const name = obj.metadata?.name;
  if (!name) throw new Error("applyObject: metadata.name is required");
  return client.request<T>({
    method: "PATCH",
    path: resourcePath(type, obj.metadata?.namespace, name),
    query: { fieldManager: options.fieldManager, force: options.force ?? undefined },
    body: obj,
    contentType: "application/apply-patch+yaml",
    ...callOptions(options),
  });
}

/**
 * applyObject that also says whether the apply created the object (the API server
 * answers 201 Created then, 200 OK for an update or a no-op), so a caller needs no
 * read before its write. Throws KubeError like applyObject.
 */
export async function applyObjectReportingCreate<T extends KubeObject>(
  client: KubeClient,
  type: ResourceType,
  obj: T,
  options: ApplyOptions,
): Promise<{ object: T; created: boolean }> {
  const name = obj.metadata?.name;
  if (!name) throw new Error("applyObject: metadata.name is required");
  const path = resourcePath(type, obj.metadata?.namespace, name);
  const res = await client.exchange({
    method: "PATCH",
    path,
    query: { fieldManager: options.fieldManager, force: options.force ?? undefined },
    body: obj,
    contentType: "application/apply-patch+yaml",
    ...callOptions(options),
  });
  if (res.statusCode < 200 || res.statusCode > 299)
    throw errorFromResponse("PATCH", path, res.statusCode, res.body);
  return { object: res.body as T, created: res.statusCode === 201 };
}

/** One RFC 6902 operation; `path` is a JSON pointer (RFC 6901: "~" as "~0", "/" as "~1"). */
export type JsonPatchOperation =
  | { readonly op: "test" | "add" | "replace"; readonly path: string; readonly value: unknown }
  | { readonly op: "remove"; readonly path: string };

export interface JsonPatchOptions extends CallOptions {
  /** Recorded in managedFields as an Update by this manager. */
  readonly fieldManager: string;
}

/**
 * JSON patch (RFC 6902) of one object; answers the object after the patch. The operations
 * apply in order and all or none: a failed `test` leaves the object untouched and throws
 * KubeError kind "invalid" (422). Unlike server-side apply it can remove what another
 * field manager wrote (a list item, a map key), and unlike a strategic merge patch it
 * works on custom resources too.
 */
export function jsonPatchObject<T>(
  client: KubeClient,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  operations: readonly JsonPatchOperation[],
  options: JsonPatchOptions,
): Promise<T> {
  return client.request<T>({
    method: "PATCH",
    path: resourcePath(type, namespace, name),
    query: { fieldManager: options.fieldManager },
    body: operations,
    contentType: "application/json-patch+json",
    ...callOptions(options),
  });
}

/** RFC 6901: one reference token of a JSON pointer. */
export function jsonPointerToken(key: string | number): string {
  return String(key).replaceAll("~", "~0").replaceAll("/", "~1");
}

/** The object, or undefined when it does not exist. */
export async function getObject<T>(
  client: KubeClient,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  options: CallOptions = {},
): Promise<T | undefined> {
  const path = resourcePath(type, namespace, name);
  const res = await client.exchange({ method: "GET", path, ...callOptions(options) });
  if (res.statusCode >= 200 && res.statusCode <= 299) return res.body as T;
  // A 404 for the object (a Status body) is an answer; a 404 for the whole type (CRD
  // missing: no Status) is not.
  if (res.statusCode === 404 && (res.body as { kind?: unknown } | undefined)?.kind === "Status")
    return undefined;
  throw errorFromResponse("GET", path, res.statusCode, res.body);
}

export interface ListOptions extends CallOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

/** Every object of the type in the namespace (all pages). */
export async function listObjects<T>(
  client: KubeClient,
  type: ResourceType,
  namespace: string | undefined,
  options: ListOptions = {},
): Promise<T[]> {
  const items: T[] = [];
  let token: string | undefined;
  do {
    const page: KubeList<T> = await client.request<KubeList<T>>({
      method: "GET",
      path: resourcePath(type, namespace),
      query: {
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
        limit: 500,
        continue: token,
      },
      ...callOptions(options),
    });
    items.push(...page.items);
    token = page.metadata?.continue || undefined;
  } while (token);
  return items;
}

export interface DeleteOptions extends CallOptions {
  /** Delete only this incarnation of the name (409 otherwise). */
  readonly uid?: string;
  readonly propagationPolicy?: "Background" | "Foreground" | "Orphan";
}

/** Requests deletion; false when the object did not exist. */
export async function deleteObject(
  client: KubeClient,
  type: ResourceType,
  namespace: string | undefined,
  name: string,
  options: DeleteOptions = {},
): Promise<boolean> {
  try {
    await client.request({
      method: "DELETE",
      path: resourcePath(type, namespace, name),
      body: {
        apiVersion: "v1",
        kind: "DeleteOptions",
        ...(options.uid ? { preconditions: { uid: options.uid } } : {}),
        ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
      },
      ...callOptions(options),
    });
    return true;
  } catch (error) {
    if (isKubeError(error, "notFound") && !isMissingType(error.status)) return false;
    throw error;
  }
}

/**
 * True for a 404 that means "this resource type (or its namespace) is not served",
 * not "this object does not exist": the API server then sends no Status naming the
 * object, e.g. "404 page not found" when a CRD is not installed.
 */
export function isMissingType(status: { details?: { kind?: string } } | undefined): boolean {
  return status === undefined;
}

function callOptions(options: CallOptions): CallOptions {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.exempt === true ? { exempt: true } : {}),
  };
}
