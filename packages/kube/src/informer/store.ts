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

/**
 * One read view over several disjoint stores (informers of different namespaces): get asks
 * each in turn, list concatenates, size sums. `stores` is read on every call, so informers
 * added later are seen. The stores must not share objects (one informer per namespace).
 */
export function unionStore<T>(stores: () => readonly ObjectStore<T>[]): ObjectStore<T> {
  return {
    get: (namespace, name) => {
      for (const store of stores()) {
        const hit = store.get(namespace, name);
        if (hit !== undefined) return hit;
      }
      return undefined;
    },
    list: (namespace) => stores().flatMap((store) => store.list(namespace)),
    get size() {
      return stores().reduce((sum, store) => sum + store.size, 0);
    },
  };
}
