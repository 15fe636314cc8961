// The chaos suite's workload, planned up front from a seed so a failing run can be
// replayed: creates, updates, deletes, delete-and-recreate of one id within 100 ms and
// A->B->A spec flips, spread over a time span, through the PM or straight to the CRM
// ingress. Pure: no clock, no I/O; the runner (runner.ts) plays the plan.
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/** Which front door an id's operations go through (one per id, for its whole life). */
export type Path = "pm" | "ingress";

/** What one planned operation asks for: `put` stores the variant (create or update), `delete` removes. */
export type OpAction = "put" | "delete";

/** Why the generator planned it (the figures and a failure report group by it). */
export type OpKind = "create" | "update" | "delete" | "recreate-delete" | "recreate-create" | "flip";

export interface PlannedOp {
  /** Position in the plan (0..n-1), also the ledger's key for this operation. */
  readonly seq: number;
  /** When to send it, ms after the workload starts (an op waits for its id's previous op). */
  readonly atMs: number;
  readonly id: string;
  readonly path: Path;
  readonly kind: OpKind;
  readonly action: OpAction;
  /** The spec variant a put stores (the functions' VARIANT setting); absent for a delete. */
  readonly variant?: string;
}

export interface WorkloadOptions {
  readonly seed: number;
  /** Ids driven through the PM ("pm-0".."pm-<n-1>") and straight to the ingress ("in-0"..). */
  readonly pmIds: number;
  readonly ingressIds: number;
  /** Number of operations to plan (a recreate or a flip counts as its two halves). */
  readonly ops: number;
  /** The span the operations are spread over, ms. */
  readonly spanMs: number;
  /** Prefix of every id, so two runs on one cluster never share names. Default "". */
  readonly prefix?: string;
}

/** The longest gap between the two halves of a delete-and-recreate or a flip, ms. */
export const quickPairMs = 100;

/**
 * The plan: every id starts with a create at a random time; afterwards each op is drawn
 * for a random id from what its planned state allows (absent: create; present: update,
 * delete, delete-and-recreate, A->B->A flip). Sorted by atMs, seq in that order, all
 * within spanMs + quickPairMs. The same options give the same plan.
 */
export function planWorkload(options: WorkloadOptions): PlannedOp[] {
  const rng = xoroshiro128plus(options.seed);
  const int = (from: number, to: number) => uniformInt(rng, from, to);
  const prefix = options.prefix ?? "";
  const ids: { id: string; path: Path }[] = [
    ...Array.from({ length: options.pmIds }, (_, i) => ({ id: `${prefix}pm-${i}`, path: "pm" as const })),
    ...Array.from({ length: options.ingressIds }, (_, i) => ({
      id: `${prefix}in-${i}`,
      path: "ingress" as const,
    })),
  ];
  if (ids.length === 0) return [];
  type Draft = Omit<PlannedOp, "seq">;
  const drafts: Draft[] = [];
  const present = new Map<string, boolean>();
  const lastAt = new Map<string, number>();
  let version = 0;
  const next = () => `v${++version}`;
  const add = (draft: Draft) => {
    drafts.push(draft);
    present.set(draft.id, draft.action === "put");
    lastAt.set(draft.id, draft.atMs);
  };
  // The first half of the span creates every id, so later ops find records to work on.
  const firstHalf = Math.max(1, Math.floor(options.spanMs / 2));
  for (const { id, path } of ids) {
    if (drafts.length >= options.ops) break;
    add({ atMs: int(0, firstHalf), id, path, kind: "create", action: "put", variant: next() });
  }
  while (drafts.length < options.ops) {
    const pick = ids[int(0, ids.length - 1)];
    if (pick === undefined) break;
    const { id, path } = pick;
    const atMs = Math.max(lastAt.get(id) ?? 0, int(0, options.spanMs));
    const room = options.ops - drafts.length;
    // The second half of a pair lands within quickPairMs, and never past span + quickPairMs.
    const pairAt = () =>
      atMs + int(0, Math.max(0, Math.min(quickPairMs, options.spanMs + quickPairMs - atMs)));
    if (present.get(id) !== true) {
      add({ atMs, id, path, kind: "create", action: "put", variant: next() });
      continue;
    }
    const roll = int(0, 99);
    if (roll < 40 || room < 2) add({ atMs, id, path, kind: "update", action: "put", variant: next() });
    else if (roll < 60) add({ atMs, id, path, kind: "delete", action: "delete" });
    else if (roll < 80) {
      add({ atMs, id, path, kind: "recreate-delete", action: "delete" });
      add({ atMs: pairAt(), id, path, kind: "recreate-create", action: "put", variant: next() });
    } else {
      // A -> B -> A: a new spec, then straight back to the one before.
      const before = variantBefore(drafts, id);
      add({ atMs, id, path, kind: "flip", action: "put", variant: next() });
      add({ atMs: pairAt(), id, path, kind: "flip", action: "put", variant: before });
    }
  }
  // Stable: one id's ops keep their order (their atMs never decreases).
  return drafts
    .map((d, i) => ({ d, i }))
    .sort((a, b) => a.d.atMs - b.d.atMs || a.i - b.i)
    .map(({ d }, seq) => ({ ...d, seq }));
}

/** The variant of the id's last planned put (the "A" of an A->B->A flip). */
function variantBefore(drafts: readonly Omit<PlannedOp, "seq">[], id: string): string {
  for (let i = drafts.length - 1; i >= 0; i--) {
    const d = drafts[i];
    if (d?.id === id && d.action === "put" && d.variant !== undefined) return d.variant;
  }
  return "v0";
}

/** The plan split into one ordered chain per id (the runner plays chains concurrently, each in order). */
export function chainsById(plan: readonly PlannedOp[]): Map<string, PlannedOp[]> {
  const chains = new Map<string, PlannedOp[]>();
  for (const op of plan) {
    const chain = chains.get(op.id) ?? [];
    chain.push(op);
    chains.set(op.id, chain);
  }
  return chains;
}
