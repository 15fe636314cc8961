// Names of the keys this package writes itself (BullMQ owns `<prefix>:<queue>:*`).
// Every key starts with the prefix, so a Redis Cluster hash tag in it ("{oaas}") puts
// them in one slot with the queue's keys, which the Lua scripts and MULTI need.

/** The coalescing and lease unit: one record. */
export const recordId = (namespace: string, name: string): string => `${namespace}/${name}`;

export const leaseKey = (prefix: string, queue: string, record: string): string =>
  `${prefix}:${queue}:crm-lease:${record}`;

export const bucketKey = (prefix: string, queue: string, record: string): string =>
  `${prefix}:${queue}:crm-bucket:${record}`;

/** Exists (with a TTL) while the record's bucket is empty: producers delay new jobs by its PTTL. */
export const bucketEmptyKey = (prefix: string, queue: string, record: string): string =>
  `${prefix}:${queue}:crm-bucket-empty:${record}`;

export const historyKey = (prefix: string, namespace: string, name: string): string =>
  `${prefix}:history:${recordId(namespace, name)}`;

/** When a handler run of the record last started (epoch ms), for the watcher's resync (last-run.ts). */
export const lastRunKey = (prefix: string, queue: string, record: string): string =>
  `${prefix}:${queue}:crm-last-run:${record}`;
