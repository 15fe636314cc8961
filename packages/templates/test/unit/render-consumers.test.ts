// render(): what consumers of the rendered objects need (HPA CPU requests, PodMonitor ports).
import { expect } from "chai";
import type { V1Deployment } from "@kubernetes/client-node";
import type { DeploymentRecord } from "@oaas/crd";
import {
  defaultHpaCpuRequest,
  defaultRenderContext,
  knativeUserPort,
  render,
  type PodMonitor,
  type RenderContext,
  type RenderedObject,
} from "../../src/index.ts";

describe("render: what consumers of the objects need", () => {
  const hpaContext: RenderContext = {
    ...defaultRenderContext("dev"),
    features: { odgm: false, hpa: true, knative: false },
  };
  const scaled = (pc: Record<string, unknown>): DeploymentRecord => ({
    apiVersion: "oaas.io/v1alpha1",
    kind: "DeploymentRecord",
    metadata: { name: "hpa", namespace: "ns", uid: "u" },
    spec: {
      deployment_id: "hpa",
      functions: [
        { function_key: "f", provision_config: { container_image: "i", min_scale: 1, max_scale: 5, ...pc } },
      ],
    },
  });
  const containerOf = (objects: RenderedObject[]) =>
    (objects.find((o) => o.kind === "Deployment") as V1Deployment).spec?.template.spec?.containers[0];

  it("an HPA over a function without CPU request or limit gets a default request and a note", () => {
    const result = render(scaled({}), hpaContext);
    if (!result.ok) expect.fail(JSON.stringify(result.error));
    expect(result.objects.map((o) => o.kind)).to.include("HorizontalPodAutoscaler");
    expect(containerOf(result.objects)?.resources?.requests?.["cpu"]).to.equal(defaultHpaCpuRequest);
    expect(result.notes.join("\n")).to.contain("CPU request 100m rendered");
  });

  it("a CPU request or a CPU limit (which defaults the request) is kept as given, with no note", () => {
    for (const pc of [{ cpu_request: "250m" }, { cpu_limit: "1" }]) {
      const result = render(scaled(pc), hpaContext);
      if (!result.ok) expect.fail(JSON.stringify(result.error));
      expect(containerOf(result.objects)?.resources?.requests?.["cpu"]).to.equal(pc.cpu_request);
      expect(result.notes).to.deep.equal([]);
    }
  });

  it("an HPA with the enforcer owning cpu: no default request (the enforcer sets it), a note says so", () => {
    const record = scaled({});
    record.spec.nfr = { enforcement: { mode: "enforce", dimensions: ["cpu"] } };
    const result = render(record, hpaContext);
    if (!result.ok) expect.fail(JSON.stringify(result.error));
    expect(containerOf(result.objects)?.resources).to.equal(undefined);
    expect(result.notes.join("\n")).to.contain("CPU request left to the NFR enforcer");
    const explicit = scaled({ cpu_request: "250m" });
    explicit.spec.nfr = { enforcement: { mode: "enforce" } };
    const kept = render(explicit, hpaContext);
    if (!kept.ok) expect.fail(JSON.stringify(kept.error));
    expect(
      containerOf(kept.objects)?.resources?.requests?.["cpu"],
      "a user's request is never left out",
    ).to.equal("250m");
  });

  it("no HPA, no default request", () => {
    const result = render(scaled({}), defaultRenderContext("dev"));
    if (!result.ok) expect.fail(JSON.stringify(result.error));
    expect(containerOf(result.objects)?.resources).to.equal(undefined);
  });

  it("a PodMonitor scrapes a port that exists: http on Deployment pods, user-port on Knative pods", () => {
    const base = {
      ...defaultRenderContext("full"),
      features: { odgm: false, hpa: false, knative: true },
      capabilities: { knativeInstalled: true, prometheusOperatorInstalled: true },
      monitoring: { scrapeKind: "podmonitor" as const, matchLabels: {} },
    };
    for (const [template, port] of [
      ["knative", knativeUserPort],
      ["full", "http"],
    ] as const) {
      const record = scaled({});
      record.spec.selected_template = template;
      const result = render(record, base);
      if (!result.ok) expect.fail(JSON.stringify(result.error));
      const monitor = result.objects.find((o) => o.kind === "PodMonitor") as PodMonitor;
      expect(monitor.spec.podMetricsEndpoints.map((e) => e.port)).to.deep.equal([port]);
    }
  });
});
