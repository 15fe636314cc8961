// The grouped results split back per component: the right series to the right component,
// and unknown (never zero) for failed, empty or NaN-only results.
import { expect } from "chai";
import {
  componentKey,
  componentsOf,
  gatherSignals,
  namespaceQuery,
  planQueries,
  splitOutcome,
  type ComponentRef,
  type SignalData,
} from "../../src/index.ts";
import { record, series, withAddon, withFunction, withTemplate, must } from "./fixtures.ts";

const options = { rateWindow: "1m", range: "10m" };
const cpuQuery = namespaceQuery("ns1", "cpu_cores", "deployment", options);

function pod(owner: string, pod: string, component: string, fn?: string): Record<string, string> {
  return {
    namespace: "ns1",
    pod,
    label_oaas_io_owner: owner,
    label_oaas_io_component: component,
    ...(fn === undefined ? {} : { label_oaas_io_function: fn }),
  };
}

function known(data: SignalData | undefined): string[] {
  expect(data?.status, JSON.stringify(data)).to.equal("known");
  return data?.status === "known" ? data.series.map((s) => s.labels["pod"] ?? "").sort() : [];
}

describe("nfr: splitting grouped results per component", function () {
  const shop = componentsOf(
    record("shop", withFunction("cart"), withFunction("cart-api"), withAddon("odgm")),
  );
  const other = componentsOf(record("shop-cart", withFunction("api")));
  const all: ComponentRef[] = [...shop, ...other];
  const [cart, cartApi, odgm] = shop;
  const [otherApi] = other;

  it("gives each pod's CPU to its own component only: an ODGM pod never counts in a function's CPU", function () {
    const outcome = {
      ok: true as const,
      series: [
        series(pod("shop", "shop-cart-4-abc-1", "function", "cart"), [0.2]),
        series(pod("shop", "shop-cart-4-abc-2", "function", "cart"), [0.3]),
        series(pod("shop", "shop-cart-api-4-def-1", "function", "cart-api"), [0.5]),
        series(pod("shop", "shop-odgm-0", "odgm"), [0.9]),
        // Name-prefix lookalike from another record: "shop-cart" + "api".
        series(pod("shop-cart", "shop-cart-api-9-xyz-1", "function", "api"), [0.7]),
      ],
    };
    const split = splitOutcome(cpuQuery, outcome, all);
    expect(known(split.get(componentKey(must(cart))))).to.deep.equal([
      "shop-cart-4-abc-1",
      "shop-cart-4-abc-2",
    ]);
    expect(known(split.get(componentKey(must(cartApi))))).to.deep.equal(["shop-cart-api-4-def-1"]);
    expect(known(split.get(componentKey(must(odgm))))).to.deep.equal(["shop-odgm-0"]);
    expect(known(split.get(componentKey(must(otherApi))))).to.deep.equal(["shop-cart-api-9-xyz-1"]);
  });

  it("a failed query is unknown with the error, for every component it covers", function () {
    const split = splitOutcome(cpuQuery, { ok: false, error: "HTTP 500: execution error" }, all);
    expect(split.size).to.equal(all.length);
    for (const data of split.values()) {
      expect(data.status).to.equal("unknown");
      expect(data.status === "unknown" ? data.why : "").to.include("HTTP 500");
    }
  });

  it("no series for a component is unknown, not zero", function () {
    const split = splitOutcome(
      cpuQuery,
      { ok: true, series: [series(pod("shop", "p1", "function", "cart"), [0.2])] },
      all,
    );
    const data = split.get(componentKey(must(cartApi)));
    expect(data?.status).to.equal("unknown");
    expect(data?.status === "unknown" ? data.why : "").to.match(/no series/);
  });

  it("only NaN points is unknown, not zero", function () {
    const split = splitOutcome(
      cpuQuery,
      { ok: true, series: [series(pod("shop", "p1", "function", "cart"), [NaN, NaN])] },
      all,
    );
    expect(split.get(componentKey(must(cart)))?.status).to.equal("unknown");
  });

  it("app rps covers Deployment functions only; Knative functions get the activator's series", function () {
    const knative = componentsOf(record("kn", withFunction("f"), withTemplate("knative")));
    const components = [...shop, ...knative];
    const app = namespaceQuery("ns1", "rps", "deployment", options);
    const kn = namespaceQuery("ns1", "rps", "knative", options);
    const appSplit = splitOutcome(
      app,
      {
        ok: true,
        series: [series({ namespace: "ns1", oaas_io_owner: "shop", oaas_io_function: "cart" }, [12])],
      },
      components,
    );
    expect([...appSplit.keys()].sort()).to.deep.equal(
      [componentKey(must(cart)), componentKey(must(cartApi))].sort(),
    );
    expect(appSplit.get(componentKey(must(cart)))?.status).to.equal("known");
    const knSplit = splitOutcome(
      kn,
      {
        ok: true,
        series: [series({ namespace_name: "ns1", configuration_name: must(knative[0]).workload }, [3])],
      },
      components,
    );
    expect([...knSplit.keys()]).to.deep.equal([componentKey(must(knative[0]))]);
    expect(knSplit.get(componentKey(must(knative[0])))?.status).to.equal("known");
  });

  it("gathers every signal of a cycle per component; ODGM gets no rps or p99", function () {
    const plan = planQueries("ns1", shop, options);
    const results = plan.map((query) => ({ query, outcome: { ok: true as const, series: [] } }));
    const gathered = gatherSignals(shop, results);
    expect(gathered.map((g) => g.component.name)).to.deep.equal(["cart", "cart-api", "odgm"]);
    expect(Object.keys(must(gathered[0]).signals).sort()).to.deep.equal(
      ["cpu_cores", "memory_bytes", "oom_events", "p99_latency_ms", "rps"].sort(),
    );
    expect(Object.keys(must(gathered[2]).signals).sort()).to.deep.equal([
      "cpu_cores",
      "memory_bytes",
      "oom_events",
    ]);
  });
});
