// Reading the PM's answers: the spellings issue 9 leaves open are accepted, and the
// --wait verdicts follow the deployment condition and the record's Available condition.
import { expect } from "chai";
import {
  clusterUnits,
  clusterViews,
  deployResult,
  failedClusters,
  listItems,
  statusViews,
} from "../../src/shapes.ts";
import { deploymentVerdict, statusVerdict } from "../../src/verdicts.ts";
import { statusText } from "../../src/views.ts";

describe("PM answer shapes", function () {
  it("list answers: bare arrays or wrapped", function () {
    expect(listItems([1, 2])).to.deep.equal([1, 2]);
    expect(listItems({ items: [1], total: 1 })).to.deep.equal([1]);
    expect(listItems({ packages: [3] }, "packages")).to.deep.equal([3]);
    expect(listItems({ nothing: true })).to.deep.equal([]);
    expect(listItems(undefined)).to.deep.equal([]);
  });

  it("failed clusters of a partial answer", function () {
    expect(
      failedClusters({
        items: [],
        partial: true,
        failed_clusters: [{ cluster: "b", error: "deadline" }, "c"],
      }),
    ).to.deep.equal(["b (deadline)", "c"]);
    expect(failedClusters({ key: "k", failed_clusters: ["a"] })).to.deep.equal(["a"]);
    expect(failedClusters([])).to.deep.equal([]);
  });

  it("per-cluster units: map, list, bare mappings answer", function () {
    expect(clusterUnits({ key: "k", cluster_mappings: { a: "k-a" } })).to.deep.equal([
      { cluster: "a", unitId: "k-a" },
    ]);
    expect(clusterUnits({ a: "k-a", b: "k-b" })).to.deep.equal([
      { cluster: "a", unitId: "k-a" },
      { cluster: "b", unitId: "k-b" },
    ]);
    expect(
      clusterUnits({
        key: "k",
        cluster_status: [
          { cluster: "a", unit_id: "k-a", status: "RUNNING" },
          { cluster: "b", error: "UNAVAILABLE" },
        ],
      }),
    ).to.deep.equal([
      { cluster: "a", unitId: "k-a", status: "RUNNING", message: undefined },
      { cluster: "b", unitId: undefined, status: undefined, message: "UNAVAILABLE" },
    ]);
    expect(clusterUnits({ key: "k", condition: "RUNNING", functions: [] })).to.deep.equal([]);
  });

  it("deploy result: top-level or nested under deployment", function () {
    expect(
      deployResult(
        { key: "k", units: [{ cluster: "a", id: "k-a" }], achieved_availability: 0.972, replicas: 3 },
        "x",
      ),
    ).to.deep.include({
      key: "k",
      achievedAvailability: 0.972,
      replicas: 3,
    });
    const nested = deployResult(
      { deployment: { key: "n", achieved_availability: 0.9, cluster_mappings: { b: "n-b" } } },
      "x",
    );
    expect(nested.key).to.equal("n");
    expect(nested.units).to.deep.equal([{ cluster: "b", unitId: "n-b" }]);
    expect(deployResult(undefined, "fallback").key).to.equal("fallback");
  });

  it("status: a record status (camelCase conditions) and a per-cluster answer", function () {
    const record = {
      deployment_id: "d",
      status: {
        phase: "Progressing",
        conditions: [
          {
            type: "Available",
            status: "False",
            reason: "WaitingForPods",
            message: "0/1",
            lastTransitionTime: "t",
          },
        ],
        functions: { greet: { ready: false, url: "http://greet" } },
      },
    };
    const [one] = statusViews(record, "d");
    expect(one?.phase).to.equal("Progressing");
    expect(one?.conditions).to.deep.equal([
      {
        type: "Available",
        status: "False",
        reason: "WaitingForPods",
        message: "0/1",
        lastTransitionTime: "t",
      },
    ]);
    expect(one?.functions).to.deep.equal([
      { key: "greet", ready: false, reason: undefined, message: undefined, url: "http://greet" },
    ]);

    const multi = statusViews(
      {
        clusters: [
          { cluster: "a", phase: "Available" },
          { cluster: "b", summarized_status: "PROGRESSING" },
        ],
      },
      "d",
    );
    expect(multi.map((v) => [v.cluster, v.phase])).to.deep.equal([
      ["a", "Available"],
      ["b", "PROGRESSING"],
    ]);
  });

  it("deployment verdicts: RUNNING ready, DOWN failed with the last error, else waiting", function () {
    expect(deploymentVerdict({ condition: "RUNNING" })).to.deep.equal({ kind: "ready", state: "RUNNING" });
    expect(deploymentVerdict({ condition: "DOWN", last_error: "cluster b: refused" })).to.deep.equal({
      kind: "failed",
      state: "DOWN",
      reason: "cluster b: refused",
    });
    expect(
      deploymentVerdict({
        condition: "DEPLOYING",
        cluster_status: [
          { cluster: "a", status: "RUNNING" },
          { cluster: "b", status: "PROGRESSING" },
        ],
      }),
    ).to.deep.equal({ kind: "waiting", state: "DEPLOYING (a=RUNNING, b=PROGRESSING)" });
    expect(deploymentVerdict({})).to.deep.equal({ kind: "waiting", state: "UNKNOWN" });
  });

  it("status verdicts: every cluster Available; Available=False outranks a RUNNING-looking phase", function () {
    const available = { conditions: [{ type: "Available", status: "True" }] };
    const waiting = {
      phase: "Progressing",
      conditions: [{ type: "Available", status: "False", reason: "WaitingForPods" }],
    };
    expect(statusVerdict(statusViews(available, "d")).kind).to.equal("ready");
    expect(
      statusVerdict(
        statusViews(
          {
            clusters: [
              { cluster: "a", ...available },
              { cluster: "b", ...waiting },
            ],
          },
          "d",
        ),
      ),
    ).to.deep.equal({
      kind: "waiting",
      state: "a=Available, b=Progressing/WaitingForPods",
    });
    expect(
      statusVerdict(
        statusViews({ phase: "Running", conditions: [{ type: "Available", status: "False" }] }, "d"),
      ).kind,
    ).to.equal("waiting");
    expect(statusVerdict(statusViews({ summarized_status: "RUNNING" }, "d")).kind).to.equal("ready");
    expect(statusVerdict(statusViews({ phase: "Failed", message: "image missing" }, "d"))).to.deep.equal({
      kind: "failed",
      state: "Failed",
      reason: "image missing",
    });
  });

  it("status: the PM's deployment-status answer (record detail in snake_case) as text", function () {
    const now = Date.parse("2026-01-01T00:02:00Z");
    const answer = {
      cluster: "a",
      deployment_id: "hello-greeter-a",
      status: "PROGRESSING",
      message: "PROGRESSING (Progressing): function count: 0/1 ready",
      status_resource_refs: [],
      conditions: [
        {
          type: "Available",
          status: "False",
          reason: "WaitingForPods",
          message: "function count: 0/1 ready",
          last_transition_time: "2026-01-01T00:00:00Z",
          observed_generation: 1,
        },
      ],
      functions: [
        {
          function_key: "greet",
          ready: true,
          reason: "Available",
          message: "1/1 ready",
          url: "http://g:8080",
        },
        {
          function_key: "count",
          ready: false,
          reason: "RollingOut",
          message: "0/1 ready",
          url: "http://c:8080",
        },
      ],
    };
    const [view] = statusViews(answer, "hello-greeter");
    expect(view?.conditions[0]).to.include({
      reason: "WaitingForPods",
      lastTransitionTime: "2026-01-01T00:00:00Z",
    });
    const text = statusText(statusViews(answer, "hello-greeter"), now);
    expect(text).to.match(/^phase:\s+PROGRESSING$/m);
    expect(text).to.match(/^Available\s+False\s+WaitingForPods\s+2m\s+function count: 0\/1 ready$/m);
    expect(text).to.match(/^greet\s+True\s+Available\s+http:\/\/g:8080\s+1\/1 ready$/m);
    expect(text).to.match(/^count\s+False\s+RollingOut\s+http:\/\/c:8080\s+0\/1 ready$/m);
    expect(text).not.to.contain("detail:");

    // The PM could not get the detail: the reason is shown where the tables would be.
    const bare = {
      ...answer,
      conditions: undefined,
      functions: undefined,
      detail_unavailable: 'cluster "a": status: HTTP 500',
    };
    const bareText = statusText(statusViews(bare, "hello-greeter"), now);
    expect(bareText).to.match(/^detail:\s+unavailable: cluster "a": status: HTTP 500$/m);
    expect(bareText).not.to.match(/^CONDITION/m);
  });

  it("status verdicts: a summary that is not RUNNING outranks an Available=True left from the previous spec", function () {
    const stale = {
      status: "PROGRESSING",
      conditions: [{ type: "Available", status: "True", reason: "AllReady", observed_generation: 1 }],
    };
    expect(statusVerdict(statusViews(stale, "d")).kind).to.equal("waiting");
    expect(statusVerdict(statusViews({ ...stale, status: "RUNNING" }, "d")).kind).to.equal("ready");
  });

  it("clusters: list joined with health by name", function () {
    const rows = clusterViews([{ name: "a" }, "b", { name: "c" }], {
      clusters: [
        {
          env_name: "a",
          status: "SERVING",
          availability: 0.99,
          node_count: 3,
          ready_nodes: 2,
          crm_version: "1",
        },
        { cluster: "b", status: "NOT_SERVING", error: "deadline" },
      ],
    });
    expect(rows).to.deep.equal([
      {
        name: "a",
        health: "SERVING",
        availability: 0.99,
        nodes: "2/3",
        crmVersion: "1",
        lastSeen: undefined,
        message: undefined,
        breaker: undefined,
      },
      {
        name: "b",
        health: "NOT_SERVING",
        availability: undefined,
        nodes: undefined,
        crmVersion: undefined,
        lastSeen: undefined,
        message: "deadline",
        breaker: undefined,
      },
      { name: "c", health: undefined },
    ]);
    expect(clusterViews([], { x: { status: "SERVING" } }).map((r) => r.name)).to.deep.equal(["x"]);
  });

  // The answers of services/pm as written on the pm branch (DeploymentResult, the GET
  // with `clusters`, the status summary, /clusters with cached health).
  describe("the PM's own answer shapes", function () {
    it("POST /deployments and GET /deployments/{key}", function () {
      const created = deployResult(
        {
          key: "k",
          condition: "DEPLOYING",
          replicas: 3,
          achieved_availability: 0.972,
          units: [
            { cluster: "a", unit_id: "k-a", state: "DEPLOYED" },
            { cluster: "b", unit_id: "k-b", state: "FAILED", message: "UNAVAILABLE" },
          ],
          failed_clusters: ["b"],
        },
        "x",
      );
      expect(created.units).to.deep.equal([
        { cluster: "a", unitId: "k-a", status: "DEPLOYED", message: undefined },
        { cluster: "b", unitId: "k-b", status: "FAILED", message: "UNAVAILABLE" },
      ]);
      const got = {
        key: "k",
        condition: "DEPLOYING",
        clusters: [
          { cluster: "a", unit_id: "k-a", state: "DEPLOYED", status: "RUNNING", message: "RUNNING: ready" },
          { cluster: "b", unit_id: "k-b", state: "DEPLOYED", status: "UNKNOWN", error: "deadline exceeded" },
        ],
      };
      expect(deploymentVerdict(got)).to.deep.equal({
        kind: "waiting",
        state: "DEPLOYING (a=RUNNING, b=UNKNOWN)",
      });
      expect(clusterUnits(got)[1]).to.deep.equal({
        cluster: "b",
        unitId: "k-b",
        status: "UNKNOWN",
        message: "deadline exceeded",
      });
    });

    it("GET /deployment-status/{id}: the summarized status decides", function () {
      const running = {
        cluster: "a",
        deployment_id: "k-a",
        status: "RUNNING",
        message: "RUNNING: 2/2 functions ready",
      };
      const views = statusViews(running, "k");
      expect(views).to.deep.equal([
        {
          id: "k-a",
          cluster: "a",
          phase: "RUNNING",
          reason: undefined,
          message: "RUNNING: 2/2 functions ready",
          conditions: [],
          functions: [],
        },
      ]);
      expect(statusVerdict(views).kind).to.equal("ready");
      expect(statusVerdict(statusViews({ ...running, status: "PROGRESSING" }, "k")).kind).to.equal("waiting");
      expect(statusVerdict(statusViews({ ...running, status: "ERROR" }, "k")).kind).to.equal("waiting");
    });

    it("GET /clusters with cached health, joined with GET /clusters/health", function () {
      const health = {
        cluster: "a",
        status: "HEALTHY",
        reachable: true,
        availability: 0.95,
        node_count: 2,
        ready_nodes: 2,
        checked_at: "t1",
      };
      const rows = clusterViews([{ name: "a", url: "http://crm:8088", default: true, health }], {
        status: "DEGRADED",
        clusters: [
          {
            ...health,
            status: "UNHEALTHY",
            reachable: false,
            error: "connection refused",
            checked_at: "t2",
            breaker: "open",
          },
        ],
      });
      expect(rows).to.deep.equal([
        {
          name: "a",
          health: "UNHEALTHY",
          availability: 0.95,
          nodes: "2/2",
          crmVersion: undefined,
          lastSeen: "t2",
          message: "connection refused",
          breaker: "open",
        },
      ]);
    });
  });
});
