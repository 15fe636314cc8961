// The enforcer's durable state: plain JSON, pure updates, safe decoding.
import { expect } from "chai";
import {
  decodeState,
  dimensionState,
  emptyState,
  observe,
  recordApplied,
  type Recommendation,
} from "../../src/index.ts";

const T = Date.parse("2026-12-07T12:00:00Z");
const rec = (target: number, dimension: Recommendation["dimension"] = "replicas"): Recommendation => ({
  component: "cart",
  dimension,
  target,
  basis: "",
  confidence: 0.9,
});

describe("nfr: enforcer state", function () {
  it("records history, first-seen and the last applied change, and survives JSON", function () {
    let state = observe(emptyState(), [rec(3)], T, 360_000);
    state = observe(state, [rec(3)], T + 60_000, 360_000);
    state = observe(state, [rec(4)], T + 120_000, 360_000);
    state = recordApplied(state, "cart", "replicas", { from: 2, to: 4 }, T + 130_000);
    const back = decodeState(JSON.parse(JSON.stringify(state)));
    expect(back).to.deep.equal(state);
    const dim = dimensionState(back, "cart", "replicas");
    expect(dim?.history.map((p) => p.target)).to.deep.equal([3, 3, 4]);
    expect(dim?.firstSeen).to.deep.equal({ target: 4, atMs: T + 120_000 });
    expect(dim?.lastApplied).to.deep.equal({ atMs: T + 130_000, from: 2, to: 4 });
  });

  it("is idempotent per analysis time (a retried job adds nothing)", function () {
    const once = observe(emptyState(), [rec(3)], T, 360_000);
    expect(observe(once, [rec(5)], T, 360_000)).to.equal(once);
    expect(observe(once, [rec(5)], T - 1, 360_000)).to.equal(once);
  });

  it("drops points older than the kept span", function () {
    let state = emptyState();
    for (let i = 0; i < 20; i++) state = observe(state, [rec(3)], T + i * 60_000, 360_000);
    const history = dimensionState(state, "cart", "replicas")?.history ?? [];
    expect(history).to.have.length(7);
    expect(history[0]?.atMs).to.equal(T + 13 * 60_000);
  });

  it("a dimension missing from an analysis restarts its window but keeps the last applied change", function () {
    let state = observe(emptyState(), [rec(3), rec(400, "cpu")], T, 360_000);
    state = recordApplied(state, "cart", "cpu", { from: 200, to: 400 }, T);
    state = observe(state, [], T + 60_000, 360_000);
    expect(dimensionState(state, "cart", "replicas")).to.equal(undefined);
    expect(dimensionState(state, "cart", "cpu")).to.deep.equal({
      history: [],
      lastApplied: { atMs: T, from: 200, to: 400 },
    });
  });

  it("decodes anything malformed as the empty state (which only delays enforcement)", function () {
    for (const bad of [undefined, null, "x", 3, [], { version: 2, dimensions: {} }, { version: 1 }]) {
      expect(decodeState(bad)).to.deep.equal(emptyState());
    }
    const partial = decodeState({
      version: 1,
      dimensions: {
        "cart/replicas": {
          history: [
            { atMs: T, target: "3", confidence: 1 },
            { atMs: T, target: 2, confidence: 1 },
          ],
        },
        bad: 7,
      },
    });
    expect(partial.dimensions).to.deep.equal({
      "cart/replicas": { history: [{ atMs: T, target: 2, confidence: 1 }] },
    });
  });
});
