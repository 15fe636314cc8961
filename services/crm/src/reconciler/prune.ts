// Prune step: children that carry this record's owner label (and its owner reference)
// but are no longer desired are deleted: a removed function, or the old shape after a
// template change (e.g. Deployment + Service -> Knative Service).
import { deleteObject, type KubeClient } from "@oaas/kube";
import { childKey, displayName, kindOf } from "./children.ts";
import { ownership, type LiveObject } from "./compare.ts";

/**
 * Deletes every listed child whose key is not desired. Returns "Kind/name" of each.
 * Guarantees: only objects whose owner reference names `recordUid` are deleted, each
 * only in the incarnation that was listed (uid precondition). Caveats: a child created
 * after the list is pruned by the next reconcile, not this one.
 */
export async function pruneChildren(
  kube: KubeClient,
  listed: ReadonlyMap<string, LiveObject>,
  desiredKeys: ReadonlySet<string>,
  recordUid: string,
  recordLabel: string,
  signal: AbortSignal,
): Promise<string[]> {
  const stale = [...listed.values()].filter(
    (live) =>
      !desiredKeys.has(childKey(live)) &&
      ownership(live, recordUid, recordLabel).owned &&
      !live.metadata?.deletionTimestamp,
  );
  await Promise.all(
    stale.map((live) =>
      deleteObject(kube, kindOf(live).type, live.metadata?.namespace, live.metadata?.name ?? "", {
        ...(live.metadata?.uid ? { uid: live.metadata.uid } : {}),
        propagationPolicy: "Background",
        signal,
      }),
    ),
  );
  return stale.map(displayName);
}
