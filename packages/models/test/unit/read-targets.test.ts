// Which cluster and unit id the PM's history and status reads ask (read-targets.ts), and
// when a history read is a 404.
import { expect } from "chai";
import {
  historyClusters,
  historyTargets,
  statusTarget,
  unknownClusterRefusal,
  type ClusterMapping,
  type Decided,
} from "../../src/index.ts";
import { mapping } from "../dispatch-fixtures.ts";

function shown<T>(d: Decided<T>): string {
  if (!d.ok)
    return d.refusal.kind === "invalid"
      ? `invalid: ${d.refusal.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`
      : `${d.refusal.kind}: ${d.refusal.message}`;
  return JSON.stringify(d.value);
}

describe("models: read targets", function () {
  const mapped = [mapping("b", "DEPLOYED"), mapping("c", "FAILED")];

  it("a cluster named that is not configured is 400", function () {
    expect(unknownClusterRefusal("x", ["a"])).to.deep.equal({
      kind: "invalid",
      errors: [{ field: "cluster", message: 'unknown cluster "x"' }],
    });
    expect(unknownClusterRefusal("a", ["a"])).to.equal(undefined);
    expect(unknownClusterRefusal(undefined, [])).to.equal(undefined);
  });

  const historyRows: { name: string; mappings?: ClusterMapping[]; only?: string; want: string[] }[] = [
    { name: "a known key: each cluster it went to, by unit id", mappings: mapped, want: ["b=u-b", "c=u-c"] },
    { name: "a known key on one cluster", mappings: mapped, only: "c", want: ["c=u-c"] },
    { name: "a known key without mappings: nothing to ask", mappings: [], want: [] },
    { name: "a unit id: every configured cluster", want: ["a=id", "b=id"] },
    { name: "a unit id on one cluster", only: "b", want: ["b=id"] },
  ];
  for (const row of historyRows) {
    it(`history: ${row.name}`, function () {
      const got = historyTargets("id", row.mappings, ["a", "b"], row.only).map(
        (t) => `${t.cluster}=${t.unit}`,
      );
      expect(got).to.deep.equal(row.want);
    });
  }

  const empty = { cluster: "a", entries: [] };
  const asked = [
    empty,
    { cluster: "b", entries: [{ reason: "created" }] },
    { cluster: "c", entries: [], error: "unreachable" },
  ];
  const answerRows: { name: string; known: boolean; asked: typeof asked; only?: string; want: string }[] = [
    { name: "a known key lists every cluster asked", known: true, asked, want: JSON.stringify(asked) },
    {
      name: "a known key with no history anywhere",
      known: true,
      asked: [empty],
      want: JSON.stringify([empty]),
    },
    {
      name: "a unit id lists the clusters with entries or an error",
      known: false,
      asked,
      want: JSON.stringify([asked[1], asked[2]]),
    },
    {
      name: "a unit id no cluster knows is 404",
      known: false,
      asked: [empty],
      want: 'not-found: no history for deployment "id": not a deployment of the PM and unknown to every cluster',
    },
    {
      name: "a unit id one cluster does not know is 404 naming it",
      known: false,
      asked: [],
      only: "a",
      want: 'not-found: no history for deployment "id": not a deployment of the PM and unknown to cluster "a"',
    },
  ];
  for (const row of answerRows) {
    it(`history answer: ${row.name}`, function () {
      expect(shown(historyClusters("id", row.known, row.asked, row.only))).to.equal(row.want);
    });
  }

  const statusRows: {
    name: string;
    mappings: ClusterMapping[];
    cluster?: string;
    defaultCluster?: string;
    want: string;
  }[] = [
    {
      name: "where it was sent first",
      mappings: mapped,
      defaultCluster: "a",
      want: '{"cluster":"b","unit":"u-b"}',
    },
    {
      name: "the named cluster's mapping",
      mappings: mapped,
      cluster: "c",
      want: '{"cluster":"c","unit":"u-c"}',
    },
    {
      name: "a named cluster it was not sent to: the id as given",
      mappings: mapped,
      cluster: "a",
      want: '{"cluster":"a","unit":"id"}',
    },
    {
      name: "no mapping: the default cluster",
      mappings: [],
      defaultCluster: "a",
      want: '{"cluster":"a","unit":"id"}',
    },
    {
      name: "no mapping and no default: 400",
      mappings: [],
      want: "invalid: cluster: is required (no default cluster)",
    },
    {
      name: "a named cluster not configured: 400",
      mappings: [],
      cluster: "x",
      want: 'invalid: cluster: unknown cluster "x"',
    },
    {
      name: "a mapping on a cluster no longer configured: 400",
      mappings: [mapping("gone", "DEPLOYED")],
      want: 'invalid: cluster: unknown cluster "gone"',
    },
  ];
  for (const row of statusRows) {
    it(`status: ${row.name}`, function () {
      const got = statusTarget({
        id: "id",
        mappings: row.mappings,
        cluster: row.cluster,
        defaultCluster: row.defaultCluster,
        configured: ["a", "b", "c"],
      });
      expect(shown(got)).to.equal(row.want);
    });
  }
});
