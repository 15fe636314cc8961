// render() rows: scrape objects (ServiceMonitor/PodMonitor) and the metrics wiring.
import { expect } from "chai";
import { render } from "../../src/index.ts";
import {
  context,
  record,
  withAddon,
  withFunction,
  withKnative,
  withMonitoring,
  withPrometheusOperator,
  withShorthand,
  withTemplate,
} from "../fixtures.ts";
import { objectsOf, ofKind, one } from "../support.ts";
import { renderRows, f, deploymentOf, kinds, type Row } from "../render-rows.ts";

const rows: Row[] = [
  // Monitoring.
  {
    name: "monitors not asked for: none",
    given: [f],
    context: context("full", withPrometheusOperator),
    want: (objects) => expect(objects.filter((o) => o.apiVersion === "monitoring.coreos.com/v1")).to.be.empty,
  },
  {
    name: "auto on a Deployment template: ServiceMonitor selecting owner + app, port http, /metrics, match labels",
    given: [f, withFunction("g")],
    context: context("full", withPrometheusOperator, withMonitoring("auto", { release: "prometheus" })),
    want: (objects) => {
      const sm = one(objects, "ServiceMonitor", "r-metrics");
      expect(sm.spec).to.deep.equal({
        selector: { matchLabels: { app: "r", "oaas.io/owner": "r" } },
        podTargetLabels: ["oaas.io/owner", "oaas.io/function", "oaas.io/component"],
        endpoints: [{ port: "http", path: "/metrics" }],
      });
      expect(sm.metadata.labels).to.include({ release: "prometheus", "oaas.io/owner": "r" });
      for (const svc of ofKind(objects, "Service"))
        expect(svc.metadata?.labels).to.include(sm.spec.selector.matchLabels);
    },
  },
  {
    name: "podmonitor: PodMonitor selecting the function pods",
    given: [f],
    context: context("dev", withPrometheusOperator, withMonitoring("podmonitor")),
    want: (objects) => {
      const pm = one(objects, "PodMonitor", "r-metrics");
      expect(pm.spec.podMetricsEndpoints).to.deep.equal([{ port: "http", path: "/metrics" }]);
      expect(deploymentOf(objects).spec?.template.metadata?.labels).to.include(pm.spec.selector.matchLabels);
    },
  },
  {
    name: "auto on knative: no monitor; explicit servicemonitor on knative: honoured",
    given: [withTemplate("knative"), f],
    context: context("full", withKnative, withPrometheusOperator, withMonitoring("auto")),
    want: (objects) => {
      expect(kinds(objects)).to.deep.equal(["Service/r-f-1"]);
      const explicit = objectsOf(
        render(
          record("r", withTemplate("knative"), f),
          context("full", withKnative, withPrometheusOperator, withMonitoring("servicemonitor")),
        ),
      );
      expect(ofKind(explicit, "ServiceMonitor")).to.have.length(1);
    },
  },
  {
    name: "none: no monitor; asked but operator CRDs missing: no monitor and a note",
    given: [f],
    context: context("dev", withPrometheusOperator, withMonitoring("none")),
    want: (objects) => {
      expect(kinds(objects)).to.have.length(2);
      const missing = render(record("r", f), context("dev", withMonitoring("servicemonitor")));
      expect(objectsOf(missing)).to.have.length(2);
      expect(missing.ok && missing.notes.join()).to.match(/Prometheus Operator CRDs/);
    },
  },
  {
    name: "unknown addons are ignored with a note",
    given: [f, withAddon("redis")],
    want: (_objects, notes) => expect(notes.join()).to.match(/"redis" is unknown/),
  },
  {
    name: 'shorthand spec.function: one function under the key "function", port from the shorthand',
    given: [withShorthand("img:1", 9000)],
    want: (objects) => {
      const d = one(objects, "Deployment", "r-function-1");
      expect(d.spec?.template.spec?.containers[0]?.ports?.[0]?.containerPort).to.equal(9000);
      expect(d.metadata?.labels?.["oaas.io/function"]).to.equal("function");
    },
  },
  {
    name: "namespace comes from the record",
    given: [f, (r) => void (r.metadata.namespace = "team-a")],
    want: (objects) => expect(objects.every((o) => o.metadata?.namespace === "team-a")).to.be.true,
  },
];

describe("templates: render", () => {
  renderRows(rows);
});
