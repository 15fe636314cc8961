// render() rows: which workload each template renders and how many replicas, and render's purity.
import { expect } from "chai";
import { render } from "../../src/index.ts";
import {
  context,
  record,
  seedRecord,
  withConfig,
  withDeploymentId,
  withFeature,
  withFunction,
  withHttp2,
  withPort,
  withResources,
  withScale,
} from "../fixtures.ts";
import { objectsOf, one } from "../support.ts";
import { renderRows, f, deploymentOf, kinds, type Row } from "../render-rows.ts";

const rows: Row[] = [
  // Runtimes and replicas per template.
  ...(["dev", "edge", "full"] as const).map((profile, i): Row => ({
    name: `profile ${profile}: Deployment + Service, ${i === 0 ? 1 : i === 1 ? 2 : 3} replicas by default`,
    given: [f],
    context: context(profile),
    want: (objects) => {
      expect(kinds(objects)).to.deep.equal(["Deployment/r-f-1", "Service/r-f-1"]);
      expect(deploymentOf(objects).spec?.replicas).to.equal([1, 2, 3][i]);
    },
  })),
  {
    name: "min_scale overrides the template default (0 included)",
    given: [withFunction("f", withScale(0)), withFunction("g", withScale(5))],
    context: context("full"),
    want: (objects) => {
      expect(deploymentOf(objects).spec?.replicas).to.equal(0);
      expect(deploymentOf(objects, "g").spec?.replicas).to.equal(5);
    },
  },
  {
    name: "full spreads replicas across nodes; dev does not",
    given: [f],
    context: context("full"),
    want: (objects) => expect(deploymentOf(objects).spec?.template.spec?.affinity?.podAntiAffinity).to.exist,
  },
  {
    name: "dev has no anti-affinity",
    given: [f],
    want: (objects) => expect(deploymentOf(objects).spec?.template.spec?.affinity).to.be.undefined,
  },
  {
    name: "container: image, port (default 8080), probes on the port, config as sorted env, resources",
    given: [
      withFunction(
        "f",
        withConfig({ B: "2", A: "1" }),
        withResources({ cpu_request: "100m", memory_limit: "1Gi" }),
      ),
    ],
    want: (objects) => {
      const c = deploymentOf(objects).spec?.template.spec?.containers[0];
      expect(c?.image).to.equal("ghcr.io/example/f:1");
      expect(c?.ports).to.deep.equal([{ name: "http", containerPort: 8080, protocol: "TCP" }]);
      expect(c?.readinessProbe?.tcpSocket?.port).to.equal(8080);
      expect(c?.livenessProbe?.tcpSocket?.port).to.equal(8080);
      expect(c?.env).to.deep.equal([
        { name: "A", value: "1" },
        { name: "B", value: "2" },
      ]);
      expect(c?.resources).to.deep.equal({ requests: { cpu: "100m" }, limits: { memory: "1Gi" } });
      const svc = one(objects, "Service", "r-f-1");
      expect(svc.spec?.ports).to.deep.equal([
        { name: "http", port: 8080, targetPort: "http", protocol: "TCP" },
      ]);
    },
  },
  {
    name: "need_http2 marks the Service port h2c",
    given: [withFunction("f", withHttp2, withPort(9090))],
    want: (objects) =>
      expect(one(objects, "Service", "r-f-1").spec?.ports?.[0]?.appProtocol).to.equal("kubernetes.io/h2c"),
  },
  {
    name: "labels, deployment id and scrape annotations on the pods; selector matches the pod labels",
    given: [f, withDeploymentId("Shop.Order-1")],
    want: (objects) => {
      const d = deploymentOf(objects);
      const podLabels = d.spec?.template.metadata?.labels ?? {};
      expect(podLabels).to.include({
        app: "r",
        "oaas.io/owner": "r",
        "oaas.io/function": "f",
        "oaas.io/deployment-id": "Shop.Order-1",
      });
      expect(podLabels).to.include(d.spec?.selector.matchLabels);
      expect(d.spec?.template.metadata?.annotations).to.include({
        "prometheus.io/scrape": "true",
        "prometheus.io/port": "8080",
      });
    },
  },
  {
    name: "names follow the function key, not its position: reordering renames nothing",
    given: [withFunction("b"), withFunction("a")],
    want: (objects) => {
      const again = objectsOf(render(record("r", withFunction("a"), withFunction("b")), context("dev")));
      expect(new Set(kinds(objects))).to.deep.equal(new Set(kinds(again)));
    },
  },
];

describe("templates: render", () => {
  renderRows(rows);

  it("is pure: the same input renders the same output and the record is not modified", () => {
    const input = seedRecord();
    const frozen = structuredClone(input);
    const ctx = context("dev", withFeature("odgm"));
    expect(render(input, ctx)).to.deep.equal(render(input, ctx));
    expect(input).to.deep.equal(frozen);
  });
});
