// Which record a child belongs to: its namespace plus the owner label's value (the
// record name); the record's uid from the child's owner reference, else from the record
// cache. A child whose record is unknown on both counts yields no job: there is nothing
// to reconcile it against (garbage collection removes children of deleted records).
import { kind as recordKind, ownerLabel, type DeploymentRecord } from "@oaas/crd";
import type { ObjectStore } from "@oaas/kube";

export interface ChildMeta {
  metadata?: {
    namespace?: string;
    labels?: Record<string, string>;
    ownerReferences?: { kind?: string; name?: string; uid?: string; apiVersion?: string }[];
  };
}

export interface RecordRef {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export function owningRecord(
  child: ChildMeta,
  records: ObjectStore<DeploymentRecord>,
): RecordRef | undefined {
  const namespace = child.metadata?.namespace;
  const name = child.metadata?.labels?.[ownerLabel];
  if (!namespace || !name) return undefined;
  const ref = child.metadata?.ownerReferences?.find(
    (r) => r.kind === recordKind && r.name === name && r.apiVersion?.startsWith("oaas.io/"),
  );
  const uid = ref?.uid ?? records.get(namespace, name)?.metadata.uid;
  return uid ? { namespace, name, uid } : undefined;
}
