// The end-state oracles (oracles.ts), table-driven: a converged snapshot passes, and each
// kind of damage is named with its invariant.
import { expect } from "chai";
import { expectations } from "../../expectations.ts";
import type { LedgerEntry } from "../../ledger.ts";
import {
  checkInvariants,
  type ChildRef,
  type LiveChild,
  type LiveRecord,
  type Snapshot,
} from "../../oracles.ts";

const put = (seq: number, id: string, variant: string, path: "pm" | "ingress" = "ingress"): LedgerEntry => ({
  seq,
  id,
  path,
  kind: "create",
  action: "put",
  variant,
  sentMs: 0,
  doneMs: 1,
  outcome: "ack",
  code: "OK",
  phase: "baseline",
});
const nameOf = (id: string, path: string) => (path === "pm" ? `${id}-a` : id);

function record(name: string, ...with_: ((r: LiveRecord) => LiveRecord)[]): LiveRecord {
  const base: LiveRecord = {
    name,
    uid: `uid-${name}`,
    generation: 2,
    observedGeneration: 2,
    available: true,
    deleting: false,
    variant: "v1",
  };
  return with_.reduce((r, f) => f(r), base);
}
const rendered = (name: string, variant = "v1"): ChildRef[] => [
  { kind: "Deployment", name: `${name}-fn`, variant },
  { kind: "Service", name: `${name}-fn` },
];
const children = (name: string, variant = "v1"): LiveChild[] =>
  rendered(name, variant).map((c) => ({ ...c, owner: name, ownerUid: `uid-${name}` }));

const ledger = [put(0, "x", "v1"), put(1, "p", "v1", "pm")];
const good: Snapshot = {
  records: [record("x"), record("p-a")],
  children: [...children("x"), ...children("p-a")],
  rendered: new Map([
    ["x", rendered("x")],
    ["p-a", rendered("p-a")],
  ]),
  pmKeys: new Set(["p"]),
};

describe("chaos oracles", function () {
  it("a converged snapshot has no violation", function () {
    expect(checkInvariants(expectations(ledger), good, nameOf)).to.deep.equal([]);
  });

  const rows: { name: string; snapshot: Snapshot; want: string[] }[] = [
    {
      name: "I1: a record not yet observed",
      snapshot: { ...good, records: [record("x", (r) => ({ ...r, observedGeneration: 1 })), record("p-a")] },
      want: ["I1 x"],
    },
    {
      name: "I1: a record not Available, and one still being deleted",
      snapshot: {
        ...good,
        records: [
          record("x", (r) => ({ ...r, available: false })),
          record("p-a", (r) => ({ ...r, deleting: true })),
        ],
      },
      want: ["I1 x", "I1 p"],
    },
    {
      name: "I1: a missing child and a child of the old variant",
      snapshot: {
        ...good,
        children: [...children("x", "v0"), ...children("p-a").slice(1)],
      },
      want: ["I1 x", "I1 p"],
    },
    {
      name: "I1 and I3: a child the render does not make, of a kind it makes once",
      snapshot: {
        ...good,
        children: [...good.children, { kind: "Deployment", name: "x-old", owner: "x", ownerUid: "uid-x" }],
      },
      want: ["I1 x", "I3 x"],
    },
    {
      name: "I2: an orphan of a deleted record, and a child of an earlier incarnation",
      snapshot: {
        ...good,
        children: [
          ...good.children.filter((c) => c.name !== "x-fn" || c.kind !== "Service"),
          { kind: "Service", name: "x-fn", owner: "x", ownerUid: "uid-old" },
          { kind: "Service", name: "gone-fn", owner: "gone", ownerUid: "uid-gone" },
        ],
      },
      want: ["I2 x", "I2 gone"],
    },
    {
      name: "I2: the PM and the CRM disagree",
      snapshot: { ...good, pmKeys: new Set() },
      want: ["I2 p"],
    },
    {
      name: "I2: a record no operation made",
      snapshot: { ...good, records: [...good.records, record("stray")] },
      want: ["I2 stray"],
    },
    {
      name: "I5: an acknowledged record lost, and one with an older spec",
      snapshot: {
        ...good,
        records: [record("p-a", (r) => ({ ...r, variant: "v0" }))],
        children: children("p-a"),
      },
      want: ["I5 x", "I5 p"],
    },
  ];
  for (const row of rows)
    it(row.name, function () {
      const got = checkInvariants(expectations(ledger), row.snapshot, nameOf).map(
        (v) => `${v.invariant} ${v.id}`,
      );
      expect([...new Set(got)].sort()).to.deep.equal([...row.want].sort());
    });
});
