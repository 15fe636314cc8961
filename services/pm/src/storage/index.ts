export * from "./types.ts";
export { KvStorage } from "./storage.ts";
export { MemoryKv } from "./memory-kv.ts";
export { EtcdKv, etcdOptions, type EtcdSettings } from "./etcd-kv.ts";
export { StorageUnavailableError, type KvStore } from "./kv.ts";
export { nameMatches } from "./filters.ts";
