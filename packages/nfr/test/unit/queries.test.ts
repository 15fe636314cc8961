// Query builders: escaping, windows, grouping per namespace, and per-component scoping.
import { expect } from "chai";
import {
  componentQuery,
  componentsOf,
  matcher,
  namespaceQuery,
  planQueries,
  promLabelName,
  quote,
} from "../../src/index.ts";
import { record, withAddon, withFunction, withTemplate, must } from "./fixtures.ts";

const options = { rateWindow: "1m", range: "10m" };

describe("nfr: PromQL pieces", function () {
  const rows: { name: string; value: string; want: string }[] = [
    { name: "plain", value: "shop", want: '"shop"' },
    { name: "double quote", value: 'a"b', want: '"a\\"b"' },
    { name: "backslash", value: "a\\b", want: '"a\\\\b"' },
    { name: "breakout attempt", value: '"} or vector(1) #', want: '"\\"} or vector(1) #"' },
    { name: "newline and tab", value: "a\nb\tc", want: '"a\\nb\\tc"' },
  ];
  for (const row of rows) {
    it(`quotes a label value: ${row.name}`, function () {
      expect(quote(row.value)).to.equal(row.want);
    });
  }

  it("builds exact and negated matchers", function () {
    expect(matcher("namespace", "ns1")).to.equal('namespace="ns1"');
    expect(matcher("container", "", "!=")).to.equal('container!=""');
  });

  it("sanitizes Kubernetes label names as kube-state-metrics and the operator do", function () {
    expect(promLabelName("oaas.io/owner")).to.equal("oaas_io_owner");
    expect(promLabelName("app.kubernetes.io/name")).to.equal("app_kubernetes_io_name");
  });
});

describe("nfr: query plan per namespace", function () {
  it("asks one query per signal per namespace, however many records", function () {
    const one = componentsOf(record("a", withFunction("f1")));
    const many = [...Array(50).keys()].flatMap((i) =>
      componentsOf(record(`r${i}`, withFunction("f1"), withFunction("f2"), withAddon("odgm"))),
    );
    const plannedOne = planQueries("ns1", one, options);
    const plannedMany = planQueries("ns1", many, options);
    expect(plannedMany.map((q) => q.expr)).to.deep.equal(plannedOne.map((q) => q.expr));
    expect(plannedMany.map((q) => q.signal)).to.deep.equal([
      "rps",
      "p99_latency_ms",
      "cpu_cores",
      "memory_bytes",
      "oom_events",
    ]);
  });

  it("adds the Knative activator queries only when a Knative function is present", function () {
    const mixed = [
      ...componentsOf(record("a", withFunction("f1"))),
      ...componentsOf(record("k", withFunction("f1"), withTemplate("knative"))),
    ];
    const planned = planQueries("ns1", mixed, options);
    expect(planned.filter((q) => q.source === "knative").map((q) => q.signal)).to.deep.equal([
      "rps",
      "p99_latency_ms",
    ]);
    expect(planned.filter((q) => q.source === "app")).to.have.length(2);
    expect(planQueries("ns1", [], options)).to.deep.equal([]);
  });

  it("refuses a component of another namespace", function () {
    const components = componentsOf(record("a", withFunction("f1")));
    expect(() => planQueries("ns2", components, options)).to.throw(/is in ns1/);
  });

  it("uses the configured rate window, not a literal", function () {
    for (const rateWindow of ["1m", "2m30s"]) {
      const rps = namespaceQuery("ns1", "rps", "deployment", { rateWindow, range: "10m" }).expr;
      expect(rps).to.include(`[${rateWindow}]`);
      const cpu = namespaceQuery("ns1", "cpu_cores", "deployment", { rateWindow, range: "10m" }).expr;
      expect(cpu).to.include(`[${rateWindow}]`);
    }
    expect(namespaceQuery("ns1", "oom_events", "deployment", options).expr).to.include("[10m]");
    expect(namespaceQuery("ns1", "oom_events", "deployment", options).kind).to.equal("instant");
  });

  it("groups the kubelet series per pod with the owner, component and function labels", function () {
    const cpu = namespaceQuery("ns1", "cpu_cores", "deployment", options).expr;
    expect(cpu).to.include(
      "sum by (namespace, pod, label_oaas_io_owner, label_oaas_io_component, label_oaas_io_function)",
    );
    expect(cpu).to.include('kube_pod_labels{namespace="ns1", label_oaas_io_owner!=""}');
    expect(cpu).not.to.match(/pod=~/);
  });
});

describe("nfr: queries scoped to one component", function () {
  const r = record("shop", withFunction("cart"), withFunction("cart-api"), withAddon("odgm"));
  const [cart, cartApi, odgm] = componentsOf(r);

  it("scopes a function's CPU by its owner, component and function labels, never a pod-name pattern", function () {
    const q = componentQuery(must(cart), "cpu_cores", options) ?? "";
    expect(q).to.include('label_oaas_io_owner="shop"');
    expect(q).to.include('label_oaas_io_component="function"');
    expect(q).to.include('label_oaas_io_function="cart"');
    expect(q).not.to.match(/=~/);
    expect(componentQuery(must(cartApi), "cpu_cores", options)).to.include(
      'label_oaas_io_function="cart-api"',
    );
  });

  it("scopes ODGM by component odgm and leaves its rps and p99 unmeasured", function () {
    expect(componentQuery(must(odgm), "memory_bytes", options)).to.include('label_oaas_io_component="odgm"');
    expect(componentQuery(must(odgm), "rps", options)).to.equal(undefined);
    expect(componentQuery(must(odgm), "p99_latency_ms", options)).to.equal(undefined);
  });

  it("reads rps and p99 of a Deployment function from its own histogram with owner and function labels", function () {
    expect(componentQuery(must(cart), "rps", options)).to.equal(
      'sum by (namespace, oaas_io_owner, oaas_io_function) (rate(http_server_requests_seconds_count{namespace="ns1", oaas_io_owner="shop", oaas_io_function="cart"}[1m]))',
    );
    expect(componentQuery(must(cart), "p99_latency_ms", options)).to.equal(
      '1000 * histogram_quantile(0.99, sum by (namespace, oaas_io_owner, oaas_io_function, le) (rate(http_server_requests_seconds_bucket{namespace="ns1", oaas_io_owner="shop", oaas_io_function="cart"}[1m])))',
    );
  });

  it("reads rps and p99 of a Knative function from the activator by configuration name", function () {
    const [fn] = componentsOf(record("shop", withFunction("cart"), withTemplate("knative")));
    expect(fn?.runtime).to.equal("knative");
    expect(componentQuery(must(fn), "rps", options)).to.equal(
      `sum by (namespace_name, configuration_name) (rate(activator_request_count{namespace_name="ns1", configuration_name="${fn?.workload}"}[1m]))`,
    );
    expect(componentQuery(must(fn), "p99_latency_ms", options)).to.match(
      /^max by \(namespace_name, configuration_name\) \(histogram_quantile\(0\.99, sum by \(namespace_name, configuration_name, revision_name, le\)/,
    );
  });

  it("escapes label values that come from the record (function keys are made label-safe first)", function () {
    const [fn] = componentsOf(record("shop", withFunction("Cart_Item")));
    expect(componentQuery(must(fn), "rps", options)).to.include('oaas_io_function="Cart_Item"');
  });
});
