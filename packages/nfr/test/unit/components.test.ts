// A record's components, requirements, user bounds and enforcement settings.
import { expect } from "chai";
import { functionChildName, odgmChildName } from "@oaas/crd";
import { componentsOf, enforcementOf, requirementsFor, userBoundsOf } from "../../src/index.ts";
import { record, withAddon, withFunction, withTemplate, must } from "./fixtures.ts";

describe("nfr: components of a record", function () {
  it("one per function in spec order, then ODGM, with the renderer's workload names", function () {
    const r = record("shop", withFunction("cart"), withFunction("pay"), withAddon("ODGM"));
    expect(componentsOf(r)).to.deep.equal([
      {
        record: "shop",
        namespace: "ns1",
        kind: "function",
        name: "cart",
        functionKey: "cart",
        runtime: "deployment",
        workload: functionChildName("shop", "cart"),
      },
      {
        record: "shop",
        namespace: "ns1",
        kind: "function",
        name: "pay",
        functionKey: "pay",
        runtime: "deployment",
        workload: functionChildName("shop", "pay"),
      },
      {
        record: "shop",
        namespace: "ns1",
        kind: "odgm",
        name: "odgm",
        runtime: "deployment",
        workload: odgmChildName("shop"),
      },
    ]);
  });

  it("functions run on Knative when the rendered template is knative; ODGM never does", function () {
    const r = record("shop", withFunction("cart"), withAddon("odgm"), withTemplate("knative"));
    expect(componentsOf(r).map((c) => c.runtime)).to.deep.equal(["knative", "deployment"]);
  });

  it("a spec the renderer refuses has no functions to measure", function () {
    const r = record("shop", withFunction("cart"));
    r.spec.function = { image: "x" };
    expect(componentsOf(r)).to.deep.equal([]);
  });

  it("requirements: the function's own, each field falling back to the record's; ODGM only the utilization target", function () {
    const r = record("shop", withFunction("cart", {}, { max_latency_ms: 100 }));
    r.spec.nfr = {
      requirements: { max_latency_ms: 500, min_throughput_rps: 50, cpu_utilization_target: 0.6 },
    };
    const [cart] = componentsOf(r);
    expect(requirementsFor(r, must(cart))).to.deep.equal({
      max_latency_ms: 100,
      min_throughput_rps: 50,
      cpu_utilization_target: 0.6,
    });
    const withOdgm = record("shop", withFunction("cart"), withAddon("odgm"));
    withOdgm.spec.nfr = r.spec.nfr;
    const odgm = must(componentsOf(withOdgm)[1]);
    expect(requirementsFor(withOdgm, odgm)).to.deep.equal({ cpu_utilization_target: 0.6 });
  });

  it("user bounds: min_scale floor, max_scale cap, explicit requests or limits", function () {
    const r = record(
      "shop",
      withFunction("a", { min_scale: 2, cpu_request: "250m" }),
      withFunction("b", { max_scale: 8, memory_limit: "256Mi" }),
    );
    const [a, b] = componentsOf(r);
    expect(userBoundsOf(r, must(a))).to.deep.equal({ minScale: 2, explicitCpu: true });
    expect(userBoundsOf(r, must(b))).to.deep.equal({ maxScale: 8, explicitMemory: true });
  });

  it("enforcement defaults to observe with every dimension; an explicit [] allows none", function () {
    expect(enforcementOf(record("a"))).to.deep.equal({
      mode: "observe",
      dimensions: ["replicas", "cpu", "memory"],
    });
    const r = record("a");
    r.spec.nfr = { enforcement: { mode: "enforce", dimensions: [] } };
    expect(enforcementOf(r)).to.deep.equal({ mode: "enforce", dimensions: [] });
  });
});
