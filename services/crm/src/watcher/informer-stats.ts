// The watcher's informer figures per watched resource, whatever the number of served
// namespaces: one gauge and one set of counters per resource (kind), as the metrics have
// always been labelled, so a dashboard does not change when a namespace is added.
import type { Informer, InformerStats, KubeObject } from "@oaas/kube";

/** What the figures read of an informer. */
export type CountedInformer = Pick<Informer<KubeObject>, "lastActivityAgeMs" | "stats" | "resource">;

/** ms since the last event/bookmark/list per resource: the most silent namespace's informer of it. */
export function activityAges(informers: readonly CountedInformer[]): Record<string, number> {
  const ages: Record<string, number> = {};
  for (const informer of informers)
    ages[informer.resource] = Math.max(ages[informer.resource] ?? 0, informer.lastActivityAgeMs());
  return ages;
}

/** Informer counters (lists, watches, events, bookmarks, 410 relists, errors) per resource, summed over namespaces. */
export function summedStats(informers: readonly CountedInformer[]): Record<string, InformerStats> {
  const stats: Record<string, InformerStats> = {};
  for (const informer of informers) {
    const own = informer.stats();
    const sum = stats[informer.resource];
    stats[informer.resource] = sum
      ? {
          lists: sum.lists + own.lists,
          watches: sum.watches + own.watches,
          events: sum.events + own.events,
          bookmarks: sum.bookmarks + own.bookmarks,
          gone: sum.gone + own.gone,
          errors: sum.errors + own.errors,
        }
      : own;
  }
  return stats;
}
