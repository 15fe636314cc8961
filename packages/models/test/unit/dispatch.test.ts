// Whether a dispatch may go ahead and what is stored before anything is sent
// (dispatch.ts): rows of given / want over create and replace, If-Match, a key held by
// another class, the compare-and-swap re-check, the PENDING record and sizing signals.
import { expect } from "chai";
import {
  admitDispatch,
  pendingDeployment,
  pendingRefusal,
  replaceable,
  sizingSignals,
  unitCreatedAtMs,
  unknownClusterErrors,
  type ClusterMapping,
  type Decided,
  type DispatchOptions,
  type OClassDeployment,
  type Refusal,
} from "../../src/index.ts";
import {
  mapping,
  t0,
  t1,
  withCondition,
  withCreatedAt,
  withGeneration,
  withLastError,
  withOwner,
  withTargets,
} from "../dispatch-fixtures.ts";
import { deployment } from "../fixtures.ts";

/** The refusal's kind and text (message or field messages), or "ok: <value>". */
function outcome<T>(d: Decided<T>): string {
  if (d.ok) return `ok: ${JSON.stringify(d.value)}`;
  return said(d.refusal);
}

function said(r: Refusal | undefined): string {
  if (!r) return "none";
  if (r.kind === "invalid") return `invalid: ${r.errors.map((e) => `${e.field}: ${e.message}`).join("; ")}`;
  return `${r.kind}: ${r.message}`;
}

describe("models: dispatch admission", function () {
  const rows: {
    name: string;
    existing?: OClassDeployment;
    mappings?: ClusterMapping[];
    keyNamed?: boolean;
    options?: DispatchOptions;
    want: RegExp | string;
  }[] = [
    { name: "a new key", want: 'ok: {"confirmed":[]}' },
    ...(["DOWN", "DELETED", "UNKNOWN"] as const).map((c) => ({
      name: `a create over a ${c} deployment`,
      existing: deployment(withCondition(c)),
      want: 'ok: {"confirmed":[]}',
    })),
    ...(["PENDING", "DEPLOYING", "RUNNING"] as const).map((c) => ({
      name: `a create over a ${c} deployment`,
      existing: deployment(withCondition(c)),
      want: `conflict: deployment "shop-cart" already exists (condition ${c})`,
    })),
    {
      name: "a derived key held by another package and class, whatever its condition",
      existing: deployment(withOwner("shop-cart", "x"), withCondition("DOWN")),
      want: /^conflict: deployment key "shop-cart" is held by package "shop-cart" class "x"; package "shop" class "cart" derives the same key/,
    },
    {
      name: "a named key held by another class, also for a replace",
      existing: deployment(withOwner("shop", "other")),
      keyNamed: true,
      options: { replace: true },
      want: /^conflict: .*class "cart" names the same key: give this deployment another key$/,
    },
    { name: "a replace of a key that does not exist", options: { replace: true }, want: /^not-found:/ },
    {
      name: "a replace to other clusters than it runs on",
      existing: deployment(withCondition("RUNNING")),
      mappings: [mapping("a", "DEPLOYED"), mapping("c", "DEPLOYED")],
      options: { replace: true },
      want: "invalid: target_clusters: a redeploy goes to the clusters the deployment runs on (a, c), not a, b; delete it and deploy it anew to move it",
    },
    {
      name: "a replace of a RUNNING deployment: the DEPLOYED clusters are confirmed",
      existing: deployment(withCondition("RUNNING")),
      mappings: [mapping("a", "DEPLOYED"), mapping("b", "FAILED")],
      options: { replace: true },
      want: 'ok: {"confirmed":["a"]}',
    },
    {
      name: "a replace of a deployment without mappings (cut short) goes anywhere",
      existing: deployment(withCondition("PENDING"), withTargets("z")),
      options: { replace: true },
      want: 'ok: {"confirmed":[]}',
    },
    {
      name: "If-Match naming the stored generation",
      existing: deployment(withCondition("DOWN"), withGeneration(3)),
      options: { ifMatch: [2, 3] },
      want: 'ok: {"confirmed":[]}',
    },
    {
      name: "If-Match naming another generation",
      existing: deployment(withCondition("DOWN"), withGeneration(3)),
      options: { ifMatch: [1, 2] },
      want: /^precondition: deployment "shop-cart" is at generation 3, not 1 or 2 \(If-Match\)/,
    },
    {
      name: "If-Match on a deployment without a generation is generation 0",
      existing: deployment(withCondition("DOWN")),
      options: { ifMatch: [0] },
      want: 'ok: {"confirmed":[]}',
    },
    {
      name: "a create over a live deployment is 409 before If-Match is looked at",
      existing: deployment(withCondition("RUNNING"), withGeneration(3)),
      options: { ifMatch: [1] },
      want: /^conflict: /,
    },
    {
      name: "If-Match on a new key is not checked (nothing to compare)",
      options: { ifMatch: [7] },
      want: 'ok: {"confirmed":[]}',
    },
  ];
  for (const row of rows) {
    it(row.name, function () {
      const got = outcome(
        admitDispatch({
          resolved: deployment(),
          keyNamed: row.keyNamed ?? false,
          existing: row.existing,
          mappings: row.mappings ?? [],
          options: row.options ?? {},
        }),
      );
      if (typeof row.want === "string") expect(got).to.equal(row.want);
      else expect(got).to.match(row.want);
    });
  }

  it("replaceable: DOWN, DELETED and UNKNOWN only", function () {
    const conditions = ["PENDING", "DEPLOYING", "RUNNING", "DOWN", "DELETED", "UNKNOWN"] as const;
    expect(conditions.filter((c) => replaceable(deployment(withCondition(c))))).to.deep.equal([
      "DOWN",
      "DELETED",
      "UNKNOWN",
    ]);
  });
});

describe("models: the PENDING record and its compare-and-swap re-check", function () {
  const rows: { name: string; current: OClassDeployment; options: DispatchOptions; want: string }[] = [
    { name: "create over DOWN", current: deployment(withCondition("DOWN")), options: {}, want: "none" },
    {
      name: "create over a deployment another request made RUNNING meanwhile",
      current: deployment(withCondition("RUNNING")),
      options: {},
      want: 'conflict: deployment "shop-cart" already exists (condition RUNNING)',
    },
    {
      name: "replace over RUNNING",
      current: deployment(withCondition("RUNNING")),
      options: { replace: true },
      want: "none",
    },
    {
      name: "a concurrent update bumped the generation",
      current: deployment(withCondition("RUNNING"), withGeneration(4)),
      options: { replace: true, ifMatch: [3] },
      want: 'precondition: deployment "shop-cart" is at generation 4, not 3 (If-Match): it was changed since it was read; read it again and retry',
    },
  ];
  for (const row of rows) {
    it(row.name, function () {
      expect(said(pendingRefusal("shop-cart", row.current, row.options))).to.equal(row.want);
    });
  }

  it("a new key: PENDING, generation 1, created and updated now, no last_error", function () {
    const got = pendingDeployment(deployment(withCondition("DOWN"), withLastError("old")), undefined, t1);
    expect(got).to.include({ condition: "PENDING", generation: 1, created_at: t1, updated_at: t1 });
    expect(got).not.to.have.property("last_error");
  });

  it("over a stored one: the next generation, its created_at kept", function () {
    const current = deployment(withGeneration(4), withCreatedAt(t0));
    const got = pendingDeployment(deployment(withTargets("a")), current, t1);
    expect(got).to.include({ condition: "PENDING", generation: 5, created_at: t0, updated_at: t1 });
    expect(got.target_clusters).to.deep.equal(["a"]);
  });

  it("the units' created_at is the stored deployment's, else now", function () {
    expect(unitCreatedAtMs(deployment(withCreatedAt(t0)), 5)).to.equal(Date.parse(t0));
    expect(unitCreatedAtMs(deployment(), 5)).to.equal(5);
    expect(unitCreatedAtMs(undefined, 5)).to.equal(5);
    expect(unitCreatedAtMs(deployment(withCreatedAt("not a time")), 5)).to.equal(5);
  });
});

describe("models: where a dispatch goes", function () {
  it("target clusters that are not configured are named at their index", function () {
    expect(unknownClusterErrors(["a", "x", "b", "y"], ["a", "b"])).to.deep.equal([
      { field: "target_clusters[1]", message: 'unknown cluster "x" (configured: a, b)' },
      { field: "target_clusters[3]", message: 'unknown cluster "y" (configured: a, b)' },
    ]);
    expect(unknownClusterErrors(["a"], [])).to.deep.equal([
      { field: "target_clusters[0]", message: 'unknown cluster "a" (configured: none)' },
    ]);
    expect(unknownClusterErrors(["a", "b"], ["b", "a"])).to.deep.equal([]);
  });

  const rows: { name: string; healths: Parameters<typeof sizingSignals>[0]; want: string }[] = [
    {
      name: "every cluster's figures, the absent ones left out",
      healths: [
        {
          cluster: "a",
          reachable: true,
          status: "HEALTHY",
          availability: 0.99,
          node_count: 3,
          ready_nodes: 2,
        },
        { cluster: "b", reachable: true, status: "SERVING" },
      ],
      want: 'ok: [{"cluster":"a","availability":0.99,"nodeCount":3,"readyNodes":2},{"cluster":"b"}]',
    },
    {
      name: "the first unreachable cluster is a 503 with its error",
      healths: [
        { cluster: "a", reachable: true, status: "HEALTHY" },
        { cluster: "b", reachable: false, status: "UNREACHABLE", error: "connect ECONNREFUSED" },
        { cluster: "c", reachable: false, status: "UNREACHABLE" },
      ],
      want: 'unavailable: cluster "b" is unreachable: connect ECONNREFUSED',
    },
    {
      name: "a cluster refusing the PM's credentials is a 503 saying so, not 'unreachable'",
      healths: [
        { cluster: "a", reachable: true, status: "HEALTHY" },
        {
          cluster: "b",
          reachable: false,
          status: "UNAUTHENTICATED",
          error: 'cluster "b": Unauthenticated: x',
        },
      ],
      want: 'unavailable: cluster "b" refuses the PM\'s credentials (UNAUTHENTICATED): cluster "b": Unauthenticated: x',
    },
    {
      name: "without an error, its status",
      healths: [{ cluster: "c", reachable: false, status: "UNREACHABLE" }],
      want: 'unavailable: cluster "c" is unreachable: UNREACHABLE',
    },
  ];
  for (const row of rows) {
    it(`sizing signals: ${row.name}`, function () {
      expect(outcome(sizingSignals(row.healths))).to.equal(row.want);
    });
  }
});
