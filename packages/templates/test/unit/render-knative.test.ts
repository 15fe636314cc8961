// render() rows: Knative Services, rendered when the template and the cluster allow them.
import { expect } from "chai";
import {
  context,
  withConcurrency,
  withConfig,
  withEnforcement,
  withFeature,
  withFunction,
  withHttp2,
  withKnative,
  withScale,
  withTemplate,
} from "../fixtures.ts";
import { envOf, ofKind, one } from "../support.ts";
import { renderRows, kinds, type Row } from "../render-rows.ts";

const rows: Row[] = [
  // Knative.
  {
    name: "knative: one Knative Service per function, scale annotations, concurrency, env, owner",
    given: [
      withTemplate("knative"),
      withFunction("f", withScale(1, 5), withConcurrency(10), withConfig({ A: "1" })),
    ],
    context: context("full", withKnative),
    want: (objects) => {
      expect(kinds(objects)).to.deep.equal(["Service/r-f-1"]);
      const ksvc = one(objects, "KnativeService", "r-f-1");
      expect(ksvc.spec.template.metadata.annotations).to.include({
        "autoscaling.knative.dev/min-scale": "1",
        "autoscaling.knative.dev/max-scale": "5",
      });
      expect(ksvc.spec.template.spec.containerConcurrency).to.equal(10);
      expect(ksvc.spec.template.spec.containers[0]?.ports?.[0]?.name).to.equal("http1");
      expect(envOf(ksvc.spec.template.spec.containers)).to.deep.equal({ A: "1" });
      expect(ksvc.metadata.ownerReferences).to.have.length(1);
    },
  },
  {
    name: "knative: h2c port name with need_http2; no scale annotations when unset; no HPA ever",
    given: [withTemplate("kn"), withFunction("f", withHttp2)],
    context: context("full", withKnative, withFeature("hpa")),
    want: (objects) => {
      const ksvc = one(objects, "KnativeService", "r-f-1");
      expect(ksvc.spec.template.spec.containers[0]?.ports?.[0]?.name).to.equal("h2c");
      expect(ksvc.spec.template.metadata.annotations).to.not.have.property(
        "autoscaling.knative.dev/min-scale",
      );
      expect(ksvc.spec.template.spec).to.not.have.property("containerConcurrency");
      expect(ofKind(objects, "HorizontalPodAutoscaler")).to.be.empty;
    },
  },
  {
    name: "knative + enforce replicas: min-scale left to the enforcer, max-scale kept",
    given: [
      withTemplate("knative"),
      withFunction("f", withScale(2, 9)),
      withEnforcement({ mode: "enforce" }),
    ],
    context: context("full", withKnative),
    want: (objects) => {
      const annotations = one(objects, "KnativeService", "r-f-1").spec.template.metadata.annotations;
      expect(annotations).to.not.have.property("autoscaling.knative.dev/min-scale");
      expect(annotations["autoscaling.knative.dev/max-scale"]).to.equal("9");
    },
  },
];

describe("templates: render", () => {
  renderRows(rows);
});
