// render() rows: the HorizontalPodAutoscaler and the hand-off of resources to the NFR enforcer.
import { expect } from "chai";
import { render } from "../../src/index.ts";
import {
  context,
  record,
  withEnforcement,
  withFeature,
  withFunction,
  withFunctionNfr,
  withRequirements,
  withScale,
} from "../fixtures.ts";
import { objectsOf, ofKind, one } from "../support.ts";
import { renderRows, f, deploymentOf, type Row } from "../render-rows.ts";

const rows: Row[] = [
  // HPA and enforcement hand-off.
  {
    name: "HPA when the feature is on and max_scale > min replicas; Deployment leaves replicas to it",
    given: [withFunction("f", withScale(2, 8))],
    context: context("dev", withFeature("hpa")),
    want: (objects) => {
      const hpa = one(objects, "HorizontalPodAutoscaler", "r-f-1");
      expect(hpa.spec).to.deep.include({ minReplicas: 2, maxReplicas: 8 });
      expect(hpa.spec.scaleTargetRef).to.deep.equal({
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: "r-f-1",
      });
      expect(hpa.spec.metrics?.[0]?.resource?.target.averageUtilization).to.equal(80);
      expect(deploymentOf(objects).spec).to.not.have.property("replicas");
    },
  },
  {
    name: "HPA CPU target: function NFR, else spec.nfr, else 80 %",
    given: [
      withFunction("f", withScale(1, 4), withFunctionNfr({ cpu_utilization_target: 0.5 })),
      withFunction("g", withScale(1, 4)),
      withRequirements({ cpu_utilization_target: 0.7 }),
    ],
    context: context("dev", withFeature("hpa")),
    want: (objects) => {
      const target = (name: string) =>
        one(objects, "HorizontalPodAutoscaler", name).spec.metrics?.[0]?.resource?.target.averageUtilization;
      expect([target("r-f-1"), target("r-g-1")]).to.deep.equal([50, 70]);
    },
  },
  {
    name: "no HPA when the feature is off, or max_scale does not exceed the replicas",
    given: [
      withFunction("f", withScale(2, 8)),
      withFunction("g", withScale(3, 3)),
      withFunction("h", withScale(undefined, 2)),
    ],
    context: context("full"),
    want: (objects) => {
      expect(ofKind(objects, "HorizontalPodAutoscaler")).to.be.empty;
      expect(
        objectsOf(
          render(
            record("r", withFunction("g", withScale(3, 3)), withFunction("h", withScale(undefined, 2))),
            context("full", withFeature("hpa")),
          ),
        ).filter((o) => o.kind === "HorizontalPodAutoscaler"),
      ).to.be.empty;
    },
  },
  {
    name: "HPA minReplicas is at least 1 even with min_scale 0",
    given: [withFunction("f", withScale(0, 3))],
    context: context("dev", withFeature("hpa")),
    want: (objects) => expect(one(objects, "HorizontalPodAutoscaler", "r-f-1").spec.minReplicas).to.equal(1),
  },
  {
    name: "enforce with replicas: Deployment without spec.replicas",
    given: [f, withEnforcement({ mode: "enforce", dimensions: ["replicas"] })],
    context: context("full"),
    want: (objects) => expect(deploymentOf(objects).spec).to.not.have.property("replicas"),
  },
  {
    name: "enforce with dimensions absent means every dimension: replicas omitted",
    given: [f, withEnforcement({ mode: "enforce" })],
    want: (objects) => expect(deploymentOf(objects).spec).to.not.have.property("replicas"),
  },
  {
    name: "enforce without the replicas dimension, observe, or off: replicas rendered",
    given: [f, withEnforcement({ mode: "enforce", dimensions: ["cpu"] })],
    want: (objects) => {
      expect(deploymentOf(objects).spec?.replicas).to.equal(1);
      for (const mode of ["observe", "off"] as const) {
        const other = objectsOf(
          render(record("r", f, withEnforcement({ mode, dimensions: ["replicas"] })), context("dev")),
        );
        expect(deploymentOf(other).spec?.replicas).to.equal(1);
      }
    },
  },
  {
    name: "enforce with an HPA: neither Deployment replicas nor HPA minReplicas (the enforcer patches it)",
    given: [
      withFunction("f", withScale(2, 8)),
      withEnforcement({ mode: "enforce", dimensions: ["replicas"] }),
    ],
    context: context("edge", withFeature("hpa")),
    want: (objects) => {
      expect(deploymentOf(objects).spec).to.not.have.property("replicas");
      const hpa = one(objects, "HorizontalPodAutoscaler", "r-f-1");
      expect(hpa.spec).to.not.have.property("minReplicas");
      expect(hpa.spec.maxReplicas).to.equal(8);
    },
  },
];

describe("templates: render", () => {
  renderRows(rows);
});
