// The informer's in-memory copy of the watched objects, keyed by namespace/name.
import type { KubeObject } from "../resources.ts";

/** Read access to an informer's cache. Objects are shared: callers must not mutate them. */
export interface ObjectStore<T> {
  /** The object, or undefined; `namespace` "" for cluster-scoped objects. */
  get(namespace: string, name: string): T | undefined;
  /** Every object, or those of one namespace. */
  list(namespace?: string): T[];
  readonly size: number;
}

export function objectKey(obj: KubeObject): string {
  return keyOf(obj.metadata?.namespace ?? "", obj.metadata?.name ?? "");
}

export function keyOf(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export class MapStore<T extends KubeObject> implements ObjectStore<T> {
  readonly items = new Map<string, T>();

  get(namespace: string, name: string): T | undefined {
    return this.items.get(keyOf(namespace, name));
  }

  list(namespace?: string): T[] {
    const all = [...this.items.values()];
    return namespace === undefined ? all : all.filter((o) => (o.metadata?.namespace ?? "") === namespace);
  }

  get size(): number {
    return this.items.size;
  }
}
