// Gather: the live children a plan needs (plan.ts planChildren), read through the io.
// A record's labelled children come from one list per served kind; a desired name the
// list lacks (free, foreign, or ours with the label edited away) is read by name. On a
// first run (plan.ts isFirstRun) nothing is listed and every desired name is read.
import type { DeploymentRecord } from "@oaas/crd";
import type { RenderedObject } from "@oaas/templates";
import { childKey, type ChildKind } from "./children.ts";
import { ownerLabelValue, type LiveObject } from "./compare.ts";
import type { ReconcilerIo } from "./io.ts";

/**
 * The live objects by childKey: every listed child of the record and every desired name
 * (undefined: read, not found). On a first run the desired names are read at once and a
 * read that fails is read once more (its error then ends the run).
 */
export async function gatherChildren(
  io: ReconcilerIo,
  record: DeploymentRecord,
  desired: readonly RenderedObject[],
  kinds: readonly ChildKind[],
  firstRun: boolean,
): Promise<Map<string, LiveObject | undefined>> {
  const live = new Map<string, LiveObject | undefined>();
  if (firstRun) {
    const reads = await Promise.allSettled(desired.map((object) => io.readChild(object)));
    reads.forEach((read, i) => {
      const object = desired[i];
      if (object !== undefined && read.status === "fulfilled") live.set(childKey(object), read.value);
    });
  } else {
    const listed = await io.listChildren(record.metadata.namespace ?? "", ownerLabelValue(record), kinds);
    for (const [key, child] of listed) live.set(key, child);
  }
  const missing = desired.filter((object) => !live.has(childKey(object)));
  const reads = await Promise.all(missing.map((object) => io.readChild(object)));
  missing.forEach((object, i) => live.set(childKey(object), reads[i]));
  return live;
}
