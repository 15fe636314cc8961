// The chaos suite's end-state oracles: given what the ledger promises (expectations.ts)
// and a snapshot of the cluster and the PM, the list of invariant violations. The
// expected children of a record are rendered by the caller with @oaas/templates (pure)
// from the record holding the last acknowledged spec, so nothing here is learned from a
// reference run. Pure: the snapshot is read elsewhere (snapshot.ts).
//   I1 convergence: observedGeneration = generation, Available, children exactly the
//      rendered set (names, and the spec variant of each function workload).
//   I2 no orphan: every child's owner label names a live record with that uid; the PM's
//      deployments and the CRM's records agree; no record that no operation asked for.
//   I3 no duplicate children: no more children of a kind than the render makes.
//   I5 no acknowledged operation lost: the record is in a state the ledger allows.
import { allows, describeState, type Expectation, type State } from "./expectations.ts";
import type { Path } from "./workload.ts";

export interface LiveRecord {
  /** metadata.name */
  readonly name: string;
  readonly uid: string;
  readonly generation: number;
  readonly observedGeneration?: number;
  readonly available: boolean;
  /** deletionTimestamp set (a finalizer still holds it). */
  readonly deleting: boolean;
  /** The spec variant it carries (the functions' VARIANT setting). */
  readonly variant?: string;
}

export interface ChildRef {
  /** "Deployment", "Service", ... */
  readonly kind: string;
  readonly name: string;
  /** The spec variant a function workload carries (its VARIANT env), when it is one. */
  readonly variant?: string;
}

export interface LiveChild extends ChildRef {
  /** The oaas.io/owner label: the owning record's name. */
  readonly owner: string;
  /** uid of the controller owner reference. */
  readonly ownerUid?: string;
}

export interface Snapshot {
  readonly records: readonly LiveRecord[];
  readonly children: readonly LiveChild[];
  /** By record name: what @oaas/templates renders for that live record. */
  readonly rendered: ReadonlyMap<string, readonly ChildRef[]>;
  /** The PM's deployment keys (undefined: the PM was not asked). */
  readonly pmKeys?: ReadonlySet<string>;
}

export type Invariant = "I1" | "I2" | "I3" | "I4" | "I5";

export interface Violation {
  readonly invariant: Invariant;
  /** The ledger id (or the record/child name when no id owns it). */
  readonly id: string;
  readonly message: string;
}

/** The record name of a ledger id (for PM ids: the unit id of the test's cluster). */
export type RecordNameOf = (id: string, path: Path) => string;

const childKey = (c: ChildRef) => `${c.kind}/${c.name}`;

/** Every violation of I1, I2, I3 and I5 in `snapshot` against `expected` (empty: all hold). */
export function checkInvariants(
  expected: ReadonlyMap<string, Expectation>,
  snapshot: Snapshot,
  recordNameOf: RecordNameOf,
): Violation[] {
  const violations: Violation[] = [];
  const records = new Map(snapshot.records.map((r) => [r.name, r]));
  const childrenOf = new Map<string, LiveChild[]>();
  for (const c of snapshot.children) childrenOf.set(c.owner, [...(childrenOf.get(c.owner) ?? []), c]);
  const named = new Set<string>();

  for (const e of expected.values()) {
    const name = recordNameOf(e.id, e.path);
    named.add(name);
    const record = records.get(name);
    const live: State = record === undefined ? "absent" : { variant: record.variant ?? "" };
    const add = (invariant: Invariant, message: string) => violations.push({ invariant, id: e.id, message });
    if (!allows(e, live))
      add(
        "I5",
        `record ${name} is ${describeState(live)}; the ledger allows ${e.possible.map(describeState).join(" or ")} (last acknowledged op #${e.lastAck})`,
      );
    if (e.path === "pm" && snapshot.pmKeys !== undefined) {
      const inPm = snapshot.pmKeys.has(e.id);
      if (inPm !== (record !== undefined))
        add(
          "I2",
          `the PM ${inPm ? "has" : "does not have"} deployment ${e.id}; the CRM ${record ? "has" : "does not have"} record ${name}`,
        );
    }
    if (record === undefined) continue;
    if (record.deleting) add("I1", `record ${name} is still being deleted`);
    if (record.observedGeneration !== record.generation)
      add(
        "I1",
        `record ${name}: observedGeneration ${record.observedGeneration ?? "unset"} != generation ${record.generation}`,
      );
    if (!record.available) add("I1", `record ${name} is not Available`);
    const want = snapshot.rendered.get(name) ?? [];
    const have = childrenOf.get(name) ?? [];
    const haveByKey = new Map(have.map((c) => [childKey(c), c]));
    const wantKeys = new Set(want.map(childKey));
    for (const w of want) {
      const h = haveByKey.get(childKey(w));
      if (h === undefined) add("I1", `record ${name}: ${childKey(w)} is missing`);
      else if (w.variant !== h.variant)
        add(
          "I1",
          `record ${name}: ${childKey(w)} carries variant ${h.variant ?? "none"}, the render ${w.variant ?? "none"}`,
        );
    }
    for (const h of have)
      if (!wantKeys.has(childKey(h))) add("I1", `record ${name}: ${childKey(h)} is not rendered`);
    const wantPerKind = countBy(want, (c) => c.kind);
    for (const [kind, n] of countBy(have, (c) => c.kind))
      if (n > (wantPerKind.get(kind) ?? 0))
        add("I3", `record ${name}: ${n} ${kind} children, the render makes ${wantPerKind.get(kind) ?? 0}`);
  }

  for (const c of snapshot.children) {
    const owner = records.get(c.owner);
    if (owner === undefined)
      violations.push({
        invariant: "I2",
        id: c.owner,
        message: `${childKey(c)}: owner record ${c.owner} does not exist`,
      });
    else if (c.ownerUid !== undefined && c.ownerUid !== owner.uid)
      violations.push({
        invariant: "I2",
        id: c.owner,
        message: `${childKey(c)}: owned by uid ${c.ownerUid}, record ${c.owner} is uid ${owner.uid} (an earlier incarnation's child)`,
      });
  }
  for (const r of snapshot.records)
    if (!named.has(r.name))
      violations.push({
        invariant: "I2",
        id: r.name,
        message: `record ${r.name}: no operation of the ledger made it`,
      });
  return violations;
}

function countBy<T>(items: readonly T[], by: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(by(item), (counts.get(by(item)) ?? 0) + 1);
  return counts;
}
