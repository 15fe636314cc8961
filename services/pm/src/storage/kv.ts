// The small key-value surface the PM's storage needs, with etcd's semantics: every key
// has a modification revision, and a transaction applies its operations only when
// every comparison holds. storage.ts builds the PM's storage on it once; memory-kv.ts
// and etcd-kv.ts are its two backends.

export interface KvEntry {
  readonly key: string;
  readonly value: string;
  /** Opaque; changes on every write of the key (etcd's mod_revision). */
  readonly modRevision: string;
}

/** The key's current revision must equal `modRevision`; `absent` means the key must not exist. */
export type KvCompare =
  | { readonly key: string; readonly modRevision: string }
  | { readonly key: string; readonly modRevision: typeof absent };

/** The revision of a key that does not exist (etcd: create revision 0). */
export const absent = Symbol("absent");

export type KvOp =
  | { readonly put: string; readonly value: string }
  | { readonly delete: string }
  | { readonly deletePrefix: string };

export interface KvStore {
  get(key: string): Promise<KvEntry | undefined>;
  /** Every entry whose key starts with `prefix`, in key order. */
  list(prefix: string): Promise<KvEntry[]>;
  /** Applies `ops` atomically when every comparison holds; false (nothing applied) otherwise. */
  txn(compares: readonly KvCompare[], ops: readonly KvOp[]): Promise<boolean>;
  /** Resolves when the backend answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The backend could not be reached or failed; the REST layer answers 503. */
export class StorageUnavailableError extends Error {
  override readonly name = "StorageUnavailableError";
}
