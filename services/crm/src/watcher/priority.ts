// Which queue lane (packages/queue lanes.ts) a watch event's job goes to: the one rule,
// pure, so the watcher, its tests and the docs agree.
//
// Status is cheap and goes first: a child whose health changed (a workload became
// available or failed) needs a run that mostly writes the record's status, so it goes
// ahead of first applies and spec changes, which render and apply every child. The
// startup list and the periodic resync only catch what events missed and stay lowest
// (controller-runtime's priority queue puts its initial list and resyncs below live
// events the same way). A change that needs an apply (a record added, changed or
// deleted, a child edited by hand, added by someone else or deleted) is in between.
// Coalescing keeps the highest lane of the events folded into one job
// (packages/queue producer.ts), so a lane can only make a record's run earlier.
import type { JobPriority } from "@oaas/queue";

/** What the watcher saw, as far as the lane depends on it. */
export type WatchEvent =
  /** A record in the informer's first list (a new term: startup or a relist after leadership). */
  | { readonly source: "record"; readonly change: "listed" }
  /** A record added, updated (more than its status) or deleted after the first list. */
  | { readonly source: "record"; readonly change: "added" | "updated" | "deleted" }
  /**
   * A labelled child: "added" (by someone else than the reconciler), "edited" (anything
   * the reconciler renders), "health" (only what the record's status reads from it
   * changed: children/workload-health.ts), "deleted".
   */
  | { readonly source: "child"; readonly change: "added" | "edited" | "health" | "deleted" }
  /** The periodic resync found the record due. */
  | { readonly source: "resync" };

/** The lane of the job a watch event enqueues. */
export function priorityOf(event: WatchEvent): JobPriority {
  switch (event.source) {
    case "resync":
      return "background";
    case "record":
      return event.change === "listed" ? "background" : "live";
    case "child":
      return event.change === "health" ? "health" : "live";
  }
}
