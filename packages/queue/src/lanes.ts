// The queue's priority lanes and how they map onto BullMQ priorities. Pure: no Redis.
//
// Three lanes, as controller-runtime's priority queue orders its items (events of live
// objects ahead of the initial list and of resyncs), with one more on top: a change of a
// child's health only needs the record's status written, which is cheap, so it must not
// wait behind hundreds of first applies.
//
// BullMQ drains its wait list (priority 0, O(1) per add) before the prioritized set
// (priorities 1 .. 2^21, lower first, FIFO within one value). The health lane therefore
// uses the wait list and the others the prioritized set.
import type { JobPriority } from "./types.ts";

/** Every lane, highest first. */
export const jobPriorities: readonly JobPriority[] = ["health", "live", "background"];

/** BullMQ priority value of each lane (0 = the wait list, ahead of every prioritized job). */
export const bullmqPriorities: Readonly<Record<JobPriority, number>> = {
  health: 0,
  live: 5,
  background: 10,
};

/** The BullMQ `priority` job option of a lane: undefined for the wait list (BullMQ's default 0). */
export function bullmqPriority(priority: JobPriority): number | undefined {
  const value = bullmqPriorities[priority];
  return value === 0 ? undefined : value;
}

/**
 * The lane of a BullMQ priority value (a job's `opts.priority`; undefined = 0): the
 * lowest lane whose value is at least as high as it, so a value between two lanes
 * (a job written by another version) counts as the higher one.
 */
export function priorityOfBullmq(value: number | undefined): JobPriority {
  const v = value ?? 0;
  for (const lane of jobPriorities) if (v <= bullmqPriorities[lane]) return lane;
  return "background";
}

/** The higher of two lanes (a coalesced job never moves down). */
export function higherPriority(a: JobPriority, b: JobPriority): JobPriority {
  return jobPriorities.indexOf(a) <= jobPriorities.indexOf(b) ? a : b;
}

/**
 * The lane a BullMQ job is in now: its `priority` field, which changePriority updates
 * (its stored `opts` keep the value it was added with), else its options'.
 */
export function priorityOfJob(job: {
  readonly priority?: unknown;
  readonly opts: { readonly priority?: number | undefined };
}): JobPriority {
  const value = Number(job.priority ?? job.opts.priority ?? 0);
  return priorityOfBullmq(Number.isFinite(value) ? value : 0);
}
