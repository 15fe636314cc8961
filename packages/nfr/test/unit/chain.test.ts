// The enforcement chain with an injected clock: every check's verdict, reason and next
// eligible time, and sequences of analyses (stable vs flapping targets).
import { expect } from "chai";
import {
  decide,
  emptyState,
  observe,
  recordApplied,
  dimensionState,
  type DecisionInput,
  type DimensionState,
  type EnforcerState,
  type Recommendation,
} from "../../src/index.ts";
import { enforcement } from "./fixtures.ts";

const T = Date.parse("2026-12-07T12:00:00Z");
const s = 1000;

/** History of `target` every 60 s for `heldMs` up to T. */
function held(target: number, heldMs: number, extra: Partial<DimensionState> = {}): DimensionState {
  const history = [];
  for (let at = T - heldMs; at <= T; at += 60 * s) history.push({ atMs: at, target, confidence: 1 });
  return { history, firstSeen: { target, atMs: T - heldMs }, ...extra };
}

function input(over: Partial<DecisionInput> = {}, rec: Partial<Recommendation> = {}): DecisionInput {
  const recommendation: Recommendation = {
    component: "cart",
    dimension: "replicas",
    target: 4,
    basis: "test",
    confidence: 1,
    ...rec,
  };
  return {
    nowMs: T,
    settings: enforcement(),
    enforcement: { mode: "enforce", dimensions: ["replicas", "cpu", "memory"] },
    componentKind: "function",
    recommendation,
    current: 2,
    replicaTarget: "deployment",
    user: {},
    state: held(recommendation.target, 180 * s),
    ...over,
  };
}

function check(name: string, i: DecisionInput) {
  const d = decide(i);
  const c = d.checks.find((x) => x.check === name);
  if (c === undefined) throw new Error(`no check ${name}`);
  return { d, c };
}

describe("nfr: enforcement chain, check by check", function () {
  it("applies a stable, confident, bounded change", function () {
    const d = decide(input({}, { target: 3 }));
    expect(d.verdict, d.summary).to.equal("apply");
    expect(d.value).to.equal(3);
    expect(d.summary).to.equal("apply replicas 2 -> 3");
  });

  const holds: { name: string; check: string; given: DecisionInput; reason: RegExp }[] = [
    {
      name: "global flag off",
      check: "global",
      given: input({ settings: enforcement({ enabled: false }) }),
      reason: /off globally \(OPRC_CRM_FEATURES_NFR_ENFORCEMENT=false\)/,
    },
    {
      name: "mode observe (the default)",
      check: "mode",
      given: input({ enforcement: { mode: "observe", dimensions: ["replicas"] } }),
      reason: /mode is observe/,
    },
    {
      name: "mode off",
      check: "mode",
      given: input({ enforcement: { mode: "off", dimensions: [] } }),
      reason: /mode is off/,
    },
    {
      name: "dimension not enforced",
      check: "dimension",
      given: input({ enforcement: { mode: "enforce", dimensions: ["cpu"] } }),
      reason: /replicas not in spec.nfr.enforcement.dimensions \[cpu\]/,
    },
    { name: "current unknown", check: "current", given: input({ current: undefined }), reason: /not known/ },
    {
      name: "ODGM replicas are observe-only",
      check: "ownership",
      given: input({ componentKind: "odgm" }, { component: "odgm" }),
      reason: /ODGM replicas are observe-only/,
    },
    {
      name: "explicit cpu request wins",
      check: "ownership",
      given: input({ user: { explicitCpu: true }, current: 200 }, { dimension: "cpu", target: 400 }),
      reason: /the user's value wins/,
    },
    {
      name: "explicit memory wins",
      check: "ownership",
      given: input({ user: { explicitMemory: true }, current: 100 }, { dimension: "memory", target: 300 }),
      reason: /memory request\/limit set explicitly/,
    },
    {
      name: "low confidence",
      check: "confidence",
      given: input({}, { confidence: 0.49 }),
      reason: /0.49 < 0.8/,
    },
    {
      name: "a scale-down on partial data",
      check: "partial",
      given: input({ current: 6, state: held(4, 180 * s) }, { confidence: 0.9 }),
      reason: /decrease needs complete data: confidence 0.9 < 0.95/,
    },
    { name: "no change", check: "hysteresis", given: input({ current: 4 }), reason: /already 4/ },
    {
      name: "within 10 %",
      check: "hysteresis",
      given: input({ current: 10, state: held(11, 180 * s) }, { target: 11 }),
      reason: /within 10% of the current value/,
    },
  ];
  for (const row of holds) {
    it(`holds: ${row.name}`, function () {
      const { d, c } = check(row.check, row.given);
      expect(c.verdict).to.equal("hold");
      expect(c.reason).to.match(row.reason);
      expect(d.verdict).to.equal("hold");
      expect(d.summary).to.match(/^held: /);
    });
  }

  it("an ODGM's cpu may be enforced", function () {
    const d = decide(
      input({ componentKind: "odgm", current: 200 }, { component: "odgm", dimension: "cpu", target: 400 }),
    );
    expect(d.verdict, d.summary).to.equal("apply");
  });

  it("stability: holds until the target has been asked for the whole window, and says when", function () {
    const { d, c } = check("stability", input({ state: held(4, 120 * s) }));
    expect(c.verdict).to.equal("hold");
    expect(c.reason).to.match(/^stability 120\/180 s/);
    expect(c.nextEligibleAtMs).to.equal(T + 60 * s);
    expect(d.nextEligibleAtMs).to.equal(T + 60 * s);
    expect(d.summary).to.equal(`held: ${c.reason}; next eligible at 2026-12-07T12:01:00.000Z`);
  });

  it("stability: with no history the window starts now", function () {
    const { c } = check("stability", input({ state: undefined }));
    expect(c.nextEligibleAtMs).to.equal(T + 180 * s);
  });

  it("stability: a scale-up takes the lowest target of the window, a scale-down the highest (HPA)", function () {
    const up: DimensionState = {
      history: [5, 6, 5, 7].map((target, i) => ({ atMs: T - 180 * s + i * 60 * s, target, confidence: 1 })),
    };
    expect(check("stability", input({ state: up }, { target: 7 })).c.value).to.equal(5);
    const down: DimensionState = {
      history: [4, 3, 5, 3].map((target, i) => ({ atMs: T - 180 * s + i * 60 * s, target, confidence: 1 })),
    };
    const { c } = check("stability", input({ current: 8, state: down }, { target: 3 }));
    expect(c.verdict).to.equal("pass");
    expect(c.value).to.equal(5);
  });

  it("stability: a target flapping across the current value never passes", function () {
    const flapping: DimensionState = {
      history: [6, 1, 6, 1, 6].map((target, i) => ({
        atMs: T - 240 * s + i * 60 * s,
        target,
        confidence: 1,
      })),
    };
    const { c } = check("stability", input({ current: 3, state: flapping }, { target: 6 }));
    expect(c.verdict).to.equal("hold");
    expect(c.reason).to.match(/^stability 0\/180 s/);
  });

  it("bounds: the cap is min(max_scale, OPRC_CRM_LIMITS_MAX_REPLICAS)", function () {
    const capped = check(
      "bounds",
      input(
        { current: 10, state: held(40, 180 * s), settings: enforcement({ maxReplicaDeltaPct: 1000 }) },
        { target: 40 },
      ),
    );
    expect(capped.c).to.include({ verdict: "adjust", value: 20 });
    expect(capped.c.reason).to.include("OPRC_CRM_LIMITS_MAX_REPLICAS 20");
    expect(capped.d.value).to.equal(20);
    const userCap = check(
      "bounds",
      input({ current: 10, user: { maxScale: 12 }, state: held(40, 180 * s) }, { target: 40 }),
    );
    expect(userCap.c).to.include({ verdict: "adjust", value: 12 });
    expect(userCap.c.reason).to.include("max_scale 12");
  });

  it("bounds: a set min_scale is a floor", function () {
    const { c, d } = check(
      "bounds",
      input({ current: 5, user: { minScale: 4 }, state: held(2, 180 * s) }, { target: 2 }),
    );
    expect(c).to.include({ verdict: "adjust", value: 4 });
    expect(d.verdict).to.equal("apply");
    expect(d.value).to.equal(4);
  });

  it("cooldown: a scale-down waits the full cooldown, a scale-up a quarter, Knative twice as long", function () {
    const recent = (ago: number) => held(4, 180 * s, { lastApplied: { atMs: T - ago, from: 1, to: 2 } });
    // Scale-up 2 -> 4: a quarter of 120 s is 30 s.
    expect(check("cooldown", input({ state: recent(20 * s) })).c.verdict).to.equal("hold");
    expect(check("cooldown", input({ state: recent(31 * s) })).c.verdict).to.equal("pass");
    // Knative: 60 s for a scale-up.
    const kn = check("cooldown", input({ state: recent(31 * s), replicaTarget: "knative" }));
    expect(kn.c.verdict).to.equal("hold");
    expect(kn.c.nextEligibleAtMs).to.equal(T - 31 * s + 60 * s);
    // Scale-down 6 -> 4: the full 120 s.
    const down = (ago: number) =>
      input({ current: 6, state: { ...held(4, 180 * s), lastApplied: { atMs: T - ago, from: 8, to: 6 } } });
    const early = check("cooldown", down(100 * s));
    expect(early.c.verdict).to.equal("hold");
    expect(early.c.reason).to.equal("cooldown 100/120 s since 8 -> 6");
    expect(check("cooldown", down(121 * s)).c.verdict).to.equal("pass");
  });

  it("delta: one change moves at most the max delta percent, at least 1", function () {
    const one = check("delta", input({ current: 2, state: held(10, 180 * s) }, { target: 10 }));
    expect(one.c).to.include({ verdict: "adjust", value: 3 }); // 30 % of 2 floors to 0 -> at least 1
    expect(one.d.verdict).to.equal("apply");
    const many = check("delta", input({ current: 10, state: held(20, 180 * s) }, { target: 20 }));
    expect(many.c).to.include({ verdict: "adjust", value: 13 });
    const down = check("delta", input({ current: 10, state: held(2, 180 * s) }, { target: 2 }));
    expect(down.c).to.include({ verdict: "adjust", value: 7 });
  });

  it("summarizes several holds with the latest next-eligible time", function () {
    const i = input({ state: { ...held(4, 120 * s), lastApplied: { atMs: T - 10 * s, from: 1, to: 2 } } });
    const d = decide(i);
    expect(d.verdict).to.equal("hold");
    expect(d.checks.filter((c) => c.verdict === "hold").map((c) => c.check)).to.deep.equal([
      "stability",
      "cooldown",
    ]);
    expect(d.nextEligibleAtMs).to.equal(T + 60 * s);
  });

  it("a hold that no time can lift has no next-eligible time", function () {
    const d = decide(input({ settings: enforcement({ enabled: false }), state: held(4, 120 * s) }));
    expect(d.nextEligibleAtMs).to.equal(undefined);
  });
});

describe("nfr: enforcement over a sequence of analyses (injected clock)", function () {
  const interval = 60 * s;

  /** Runs analyses every interval with the given targets; applies what decide says. Returns the changes. */
  function run(
    targets: number[],
    start = 2,
    options: Partial<DecisionInput> = {},
  ): { at: number; from: number; to: number }[] {
    let state: EnforcerState = emptyState();
    let current = start;
    const changes: { at: number; from: number; to: number }[] = [];
    targets.forEach((target, i) => {
      const now = T + i * interval;
      const recommendation: Recommendation = {
        component: "cart",
        dimension: "replicas",
        target,
        basis: "",
        confidence: 1,
      };
      state = observe(state, [recommendation], now, 360 * s);
      const d = decide({
        ...input({ current, recommendation: undefined as never }),
        ...options,
        nowMs: now,
        recommendation,
        current,
        state: dimensionState(state, "cart", "replicas"),
      });
      if (d.verdict === "apply" && d.value !== undefined) {
        changes.push({ at: now - T, from: current, to: d.value });
        state = recordApplied(state, "cart", "replicas", { from: current, to: d.value }, now);
        current = d.value;
      }
    });
    return changes;
  }

  it("a stable step up is applied once the stability window has passed, not before", function () {
    const changes = run([3, 3, 3, 3, 3, 3]);
    expect(changes).to.deep.equal([{ at: 180 * s, from: 2, to: 3 }]);
  });

  it("a target flapping faster than the window makes no change", function () {
    const square = [...Array(30).keys()].map((i) => (Math.floor(i / 2) % 2 === 0 ? 6 : 1));
    expect(run(square, 3)).to.deep.equal([]);
  });

  it("a large step is reached in bounded steps, each after a cooldown", function () {
    const changes = run(Array<number>(12).fill(8), 4, { settings: enforcement({ maxReplicaDeltaPct: 50 }) });
    expect(changes.map((c) => c.to)).to.deep.equal([6, 8]);
    expect((changes[1]?.at ?? 0) - (changes[0]?.at ?? 0)).to.be.at.least(30 * s);
  });

  it("a scale-down happens no earlier than stability + cooldown after the last change", function () {
    const targets = [...Array<number>(4).fill(4), ...Array<number>(10).fill(2)];
    const changes = run(targets, 2);
    expect(changes[0]).to.deep.include({ from: 2, to: 3 });
    const down = changes.find((c) => c.to < c.from);
    expect(down).to.not.equal(undefined);
    expect((down?.at ?? 0) - (changes[changes.length - 2]?.at ?? 0)).to.be.at.least(120 * s);
  });
});
