// The query builders on the real PromQL engine: each builder's expression becomes a
// recording rule, and `promtool test rules` (Debian package prometheus) evaluates it over
// series written in promtool's notation. Checks per-component scoping (an ODGM pod and a
// look-alike pod name never count in a function), exclusions (pod total, pause and
// queue-proxy containers), a counter reset, rps, p99 and Knative's activator series.
import { expect } from "chai";
import { promtoolTestRules } from "@oaas/testkit";
import { componentQuery, componentsOf, namespaceQuery, type ComponentRef } from "../../src/index.ts";
import { record, withAddon, withFunction, withTemplate } from "../unit/fixtures.ts";

const options = { rateWindow: "1m", range: "5m" };
const shop = componentsOf(record("shop", withFunction("cart"), withAddon("odgm")));
const lookalike = componentsOf(record("shop-cart", withFunction("api")));
const knative = componentsOf(record("kn", withFunction("echo"), withTemplate("knative")));
const [cart, odgm] = shop as [ComponentRef, ComponentRef];
const [api] = lookalike as [ComponentRef];
const [echo] = knative as [ComponentRef];

/** Pod labels as kube-state-metrics exports them. */
function podLabels(pod: string, owner: string, component: string, fn?: string): string {
  const f = fn === undefined ? "" : `, label_oaas_io_function="${fn}"`;
  return `kube_pod_labels{namespace="ns1", pod="${pod}", label_oaas_io_owner="${owner}", label_oaas_io_component="${component}"${f}, label_app="${owner}"}`;
}
const cpu = (pod: string, container: string) =>
  `container_cpu_usage_seconds_total{namespace="ns1", pod="${pod}", container="${container}"}`;
const mem = (pod: string, container: string) =>
  `container_memory_working_set_bytes{namespace="ns1", pod="${pod}", container="${container}"}`;
const req = (owner: string, fn: string, le: string) =>
  `http_server_requests_seconds_bucket{namespace="ns1", oaas_io_owner="${owner}", oaas_io_function="${fn}", le="${le}"}`;

// 15 s steps, 21 points: t = 0 .. 300 s. A counter growing by x per step is x/15 per second.
const input: [string, string][] = [
  [podLabels("shop-cart-4-a-1", "shop", "function", "cart"), "1x20"],
  [podLabels("shop-cart-4-a-2", "shop", "function", "cart"), "1x20"],
  [podLabels("shop-odgm-0", "shop", "odgm"), "1x20"],
  // Same name prefix as shop's cart pods, another record: must never count for shop/cart.
  [podLabels("shop-cart-api-9-b-1", "shop-cart", "function", "api"), "1x20"],
  [podLabels("kn-echo-2-00001-dep-x", "kn", "function", "echo"), "1x20"],
  [cpu("shop-cart-4-a-1", "fn"), "0+7.5x20"], // 0.5 cores
  [cpu("shop-cart-4-a-1", ""), "0+15x20"], // pod total: excluded
  [cpu("shop-cart-4-a-1", "POD"), "0+1.5x20"], // pause: excluded
  // Counter reset at t = 255 s: 0..48 then 3..12; the rate over the last minute stays 0.2.
  [cpu("shop-cart-4-a-2", "fn"), "0+3x16 3+3x3"],
  [cpu("shop-odgm-0", "odgm"), "0+15x20"], // 1 core
  [cpu("shop-cart-api-9-b-1", "fn"), "0+30x20"], // 2 cores
  [cpu("kn-echo-2-00001-dep-x", "user-container"), "0+1.5x20"], // 0.1 cores
  [cpu("kn-echo-2-00001-dep-x", "queue-proxy"), "0+15x20"], // Knative's sidecar: excluded
  [mem("shop-cart-4-a-1", "fn"), "100000000x20"],
  [mem("shop-cart-4-a-2", "fn"), "50000000x20"],
  [mem("shop-odgm-0", "odgm"), "900000000x20"],
  [mem("shop-cart-api-9-b-1", "fn"), "700000000x20"],
  [`container_oom_events_total{namespace="ns1", pod="shop-cart-4-a-2", container="fn"}`, "0x10 1x10"],
  // cart: 4 requests/s, all under 100 ms; api: 1 request/s, all in (0.25, 0.5].
  [
    `http_server_requests_seconds_count{namespace="ns1", oaas_io_owner="shop", oaas_io_function="cart"}`,
    "0+60x20",
  ],
  [req("shop", "cart", "0.1"), "0+60x20"],
  [req("shop", "cart", "0.5"), "0+60x20"],
  [req("shop", "cart", "+Inf"), "0+60x20"],
  [
    `http_server_requests_seconds_count{namespace="ns1", oaas_io_owner="shop-cart", oaas_io_function="api"}`,
    "0+15x20",
  ],
  [req("shop-cart", "api", "0.1"), "0x20"],
  [req("shop-cart", "api", "0.25"), "0x20"],
  [req("shop-cart", "api", "0.5"), "0+15x20"],
  [req("shop-cart", "api", "+Inf"), "0+15x20"],
  // An ODGM pod's own server metrics carry no function label: never a function's rps.
  [
    `http_server_requests_seconds_count{namespace="ns1", oaas_io_owner="shop", oaas_io_component="odgm"}`,
    "0+600x20",
  ],
  // Knative activator: 2 requests/s for echo's configuration, latencies in ms (<= 50 ms).
  [
    `activator_request_count{namespace_name="ns1", configuration_name="${echo.workload}", revision_name="r1"}`,
    "0+30x20",
  ],
  [
    `activator_request_latencies_bucket{namespace_name="ns1", configuration_name="${echo.workload}", revision_name="r1", le="50"}`,
    "0+30x20",
  ],
  [
    `activator_request_latencies_bucket{namespace_name="ns1", configuration_name="${echo.workload}", revision_name="r1", le="+Inf"}`,
    "0+30x20",
  ],
];

interface Expectation {
  expr: string;
  samples: { labels: string; value: number }[];
}

const rules: { record: string; expr: string }[] = [];
function rule(name: string, expr: string | undefined): string {
  if (expr === undefined) throw new Error(`no query for ${name}`);
  rules.push({ record: name, expr });
  return name;
}

const group = "label_oaas_io_owner, label_oaas_io_component, label_oaas_io_function";
const tests: Expectation[] = [
  {
    // The namespace query, summed per component: each pod counted once, for its own component.
    expr: `sum by (${group}) (${rule("nfr:ns:cpu_cores", namespaceQuery("ns1", "cpu_cores", "deployment", options).expr)})`,
    samples: [
      {
        labels: `{label_oaas_io_owner="shop", label_oaas_io_component="function", label_oaas_io_function="cart"}`,
        value: 0.7,
      },
      { labels: `{label_oaas_io_owner="shop", label_oaas_io_component="odgm"}`, value: 1 },
      {
        labels: `{label_oaas_io_owner="shop-cart", label_oaas_io_component="function", label_oaas_io_function="api"}`,
        value: 2,
      },
      {
        labels: `{label_oaas_io_owner="kn", label_oaas_io_component="function", label_oaas_io_function="echo"}`,
        value: 0.1,
      },
    ],
  },
  {
    expr: `sum(${rule("nfr:cart:cpu_cores", componentQuery(cart, "cpu_cores", options))})`,
    samples: [{ labels: "{}", value: 0.7 }],
  },
  {
    expr: `sum(${rule("nfr:odgm:cpu_cores", componentQuery(odgm, "cpu_cores", options))})`,
    samples: [{ labels: "{}", value: 1 }],
  },
  {
    expr: `sum(${rule("nfr:api:cpu_cores", componentQuery(api, "cpu_cores", options))})`,
    samples: [{ labels: "{}", value: 2 }],
  },
  {
    expr: `sum by (${group}) (${rule("nfr:ns:memory_bytes", namespaceQuery("ns1", "memory_bytes", "deployment", options).expr)})`,
    samples: [
      {
        labels: `{label_oaas_io_owner="shop", label_oaas_io_component="function", label_oaas_io_function="cart"}`,
        value: 150_000_000,
      },
      { labels: `{label_oaas_io_owner="shop", label_oaas_io_component="odgm"}`, value: 900_000_000 },
      {
        labels: `{label_oaas_io_owner="shop-cart", label_oaas_io_component="function", label_oaas_io_function="api"}`,
        value: 700_000_000,
      },
    ],
  },
  {
    expr: rule("nfr:cart:oom", componentQuery(cart, "oom_events", options)),
    samples: [
      {
        labels: `nfr:cart:oom{namespace="ns1", pod="shop-cart-4-a-2", label_oaas_io_owner="shop", label_oaas_io_component="function", label_oaas_io_function="cart"}`,
        value: 1,
      },
    ],
  },
  {
    expr: rule("nfr:ns:rps", namespaceQuery("ns1", "rps", "deployment", options).expr),
    samples: [
      { labels: `nfr:ns:rps{namespace="ns1", oaas_io_owner="shop", oaas_io_function="cart"}`, value: 4 },
      { labels: `nfr:ns:rps{namespace="ns1", oaas_io_owner="shop-cart", oaas_io_function="api"}`, value: 1 },
    ],
  },
  {
    // All of cart's requests in the first bucket: p99 = 0.99 x 100 ms.
    expr: `round(${rule("nfr:cart:p99", componentQuery(cart, "p99_latency_ms", options))}, 0.001)`,
    samples: [{ labels: `{namespace="ns1", oaas_io_owner="shop", oaas_io_function="cart"}`, value: 99 }],
  },
  {
    // All of api's requests in (250, 500] ms: p99 = 250 + 0.99 x 250.
    expr: `round(${rule("nfr:api:p99", componentQuery(api, "p99_latency_ms", options))}, 0.001)`,
    samples: [
      { labels: `{namespace="ns1", oaas_io_owner="shop-cart", oaas_io_function="api"}`, value: 497.5 },
    ],
  },
  {
    expr: rule("nfr:echo:rps", componentQuery(echo, "rps", options)),
    samples: [
      { labels: `nfr:echo:rps{namespace_name="ns1", configuration_name="${echo.workload}"}`, value: 2 },
    ],
  },
  {
    expr: `round(${rule("nfr:echo:p99", componentQuery(echo, "p99_latency_ms", options))}, 0.001)`,
    samples: [{ labels: `{namespace_name="ns1", configuration_name="${echo.workload}"}`, value: 49.5 }],
  },
];

/** YAML via JSON (JSON is YAML), single-quoted promtool strings not needed. */
function files(): Record<string, string> {
  const rulesFile = { groups: [{ name: "nfr", interval: "15s", rules }] };
  const testFile = {
    rule_files: ["rules.yml"],
    evaluation_interval: "15s",
    tests: [
      {
        interval: "15s",
        input_series: input.map(([series, values]) => ({ series, values })),
        promql_expr_test: tests.map((t) => ({
          expr: t.expr,
          eval_time: "5m",
          exp_samples: t.samples.map((s) => ({ labels: s.labels, value: s.value })),
        })),
      },
    ],
  };
  return { "rules.yml": JSON.stringify(rulesFile, null, 2), "test.yml": JSON.stringify(testFile, null, 2) };
}

describe("nfr: query builders on the PromQL engine (promtool test rules)", function () {
  this.timeout(60_000);

  it("every builder gives each component exactly its own series", function () {
    const result = promtoolTestRules(files(), "test.yml");
    expect(result.passed, result.output).to.equal(true);
    expect(result.output).to.include("SUCCESS");
  });

  it("fails when an expectation is wrong (the harness can fail)", function () {
    const f = files();
    const broken = (f["test.yml"] ?? "").replace('"value": 0.7', '"value": 0.8');
    const result = promtoolTestRules({ ...f, "test.yml": broken }, "test.yml");
    expect(result.passed).to.equal(false);
    expect(result.output).to.match(/FAILED/);
  });
});
