// The in-memory backend (STORAGE_TYPE=memory, the default): one process, nothing kept
// across restarts. A global counter plays etcd's revision so the same CAS code runs.
import { absent, type KvCompare, type KvEntry, type KvOp, type KvStore } from "./kv.ts";

export class MemoryKv implements KvStore {
  private readonly entries = new Map<string, KvEntry>();
  private revision = 0;

  get(key: string): Promise<KvEntry | undefined> {
    return Promise.resolve(this.entries.get(key));
  }

  list(prefix: string): Promise<KvEntry[]> {
    const found = [...this.entries.values()].filter((e) => e.key.startsWith(prefix));
    return Promise.resolve(found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
  }

  txn(compares: readonly KvCompare[], ops: readonly KvOp[]): Promise<boolean> {
    for (const c of compares) {
      const current = this.entries.get(c.key);
      if (c.modRevision === absent ? current !== undefined : current?.modRevision !== c.modRevision) {
        return Promise.resolve(false);
      }
    }
    // etcd's rule: no key may be written twice in one transaction (a delete range that
    // covers a put counts); failing the same way keeps the backends interchangeable.
    const puts = ops.flatMap((op) => ("put" in op ? [op.put] : []));
    const touched = (key: string) =>
      ops.filter((op) =>
        "put" in op ? op.put === key : "delete" in op ? op.delete === key : key.startsWith(op.deletePrefix),
      ).length;
    const duplicate = puts.find((key) => touched(key) > 1);
    if (duplicate !== undefined) {
      return Promise.reject(new Error(`duplicate key given in txn request: ${duplicate}`));
    }
    const revision = String(++this.revision);
    for (const op of ops) {
      if ("put" in op) this.entries.set(op.put, { key: op.put, value: op.value, modRevision: revision });
      else if ("delete" in op) this.entries.delete(op.delete);
      else
        for (const key of [...this.entries.keys()])
          if (key.startsWith(op.deletePrefix)) this.entries.delete(key);
    }
    return Promise.resolve(true);
  }

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
