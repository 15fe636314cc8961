// render() table: each row is a record and a context built from option builders, and a
// check on the rendered objects (or the error code and field path it must return).
import { expect } from "chai";
import type { V1Deployment } from "@kubernetes/client-node";
import { functionChildName, type DeploymentRecord } from "@oaas/crd";
import {
  defaultHpaCpuRequest,
  defaultRenderContext,
  knativeUserPort,
  render,
  type PodMonitor,
  type RenderContext,
  type RenderedObject,
  type RenderErrorCode,
} from "../../src/index.ts";
import {
  context,
  record,
  seedRecord,
  withAddon,
  withConcurrency,
  withConfig,
  withDeploymentId,
  withEnforcement,
  withFeature,
  withFunction,
  withFunctionNfr,
  withHttp2,
  withImage,
  withKnative,
  withMonitoring,
  withOdgm,
  withOdgmImage,
  withPort,
  withPrometheusOperator,
  withRequirements,
  withResources,
  withScale,
  withShorthand,
  withTemplate,
  withUid,
  type RecordOption,
} from "../fixtures.ts";
import { envOf, objectsOf, ofKind, one } from "../support.ts";

interface Row {
  name: string;
  given: RecordOption[];
  context?: RenderContext;
  want?: (objects: RenderedObject[], notes: string[]) => void;
  wantError?: { code: RenderErrorCode; path: string };
}

const f = withFunction("f");
const deploymentOf = (objects: RenderedObject[], key = "f") =>
  one(objects, "Deployment", functionChildName("r", key));
const kinds = (objects: RenderedObject[]) => objects.map((o) => `${o.kind ?? ""}/${o.metadata?.name ?? ""}`);

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
  // ODGM.
  {
    name: "sample record: ODGM Deployment + Service, function env points at the port the Service listens on",
    given: [],
    context: context("dev", withFeature("odgm")),
    want: (objects) => {
      const odgmSvc = one(objects, "Service", "hello-class-odgm");
      const port = odgmSvc.spec?.ports?.[0]?.port;
      const env = envOf(
        one(objects, "Deployment", "hello-class-function-11").spec?.template.spec?.containers,
      );
      expect(env).to.include({
        ODGM_ENABLED: "true",
        ODGM_SERVICE: `hello-class-odgm:${port}`,
        ODGM_COLLECTIONS: "orders,users",
      });
      const odgm = one(objects, "Deployment", "hello-class-odgm");
      const container = odgm.spec?.template.spec?.containers[0];
      expect(container?.ports?.[0]?.containerPort).to.equal(port);
      expect(odgmSvc.spec?.ports?.[0]?.targetPort).to.equal(container?.ports?.[0]?.name);
      expect(container?.image).to.equal("ghcr.io/pawissanutt/oprc-odgm:dev");
      expect(odgm.spec?.replicas).to.equal(1);
      const odgmEnv = envOf(odgm.spec?.template.spec?.containers);
      expect(odgmEnv).to.include({ ODGM_CLUSTER_ID: "hello-class", ODGM_COLLECTIONS: "orders,users" });
      const collections = JSON.parse(odgmEnv["ODGM_COLLECTION"] ?? "[]") as {
        name: string;
        shard_type: string;
        partition_count: number;
      }[];
      expect(collections.map((c) => [c.name, c.shard_type, c.partition_count])).to.deep.equal([
        ["orders", "mst", 1],
        ["users", "mst", 1],
      ]);
      expect(env["ODGM_COLLECTION"]).to.equal(odgmEnv["ODGM_COLLECTION"]);
    },
  },
  {
    name: "ODGM image per profile (edge, full) and from the context override",
    given: [withAddon("odgm"), f],
    context: context("edge", withFeature("odgm")),
    want: (objects) => {
      expect(one(objects, "Deployment", "r-odgm").spec?.template.spec?.containers[0]?.image).to.equal(
        "ghcr.io/pawissanutt/oprc-odgm:edge",
      );
      const image = (c: RenderContext) =>
        one(objectsOf(render(record("r", withAddon("odgm"), f), c)), "Deployment", "r-odgm").spec?.template
          .spec?.containers[0]?.image;
      expect(image(context("full", withFeature("odgm")))).to.equal("ghcr.io/pawissanutt/oprc-odgm:latest");
      expect(image(context("full", withFeature("odgm"), withOdgmImage("registry.local/odgm:1")))).to.equal(
        "registry.local/odgm:1",
      );
    },
  },
  {
    name: "ODGM without odgm_config: one collection named after the record",
    given: [withAddon("ODGM"), f],
    context: context("dev", withFeature("odgm")),
    want: (objects) =>
      expect(envOf(deploymentOf(objects).spec?.template.spec?.containers)["ODGM_COLLECTIONS"]).to.equal("r"),
  },
  {
    name: "ODGM config: replicas, partitions, shard type, options, explicit routes win over defaults",
    given: [
      withAddon("odgm"),
      f,
      withFunction("g"),
      withOdgm({
        collections: ["c"],
        replica_count: 3,
        partition_count: 8,
        shard_type: "raft",
        options: { k: "v" },
        invocations: { fn_routes: { g: { url: "http://elsewhere:1" } }, disabled_fn: ["x"] },
      }),
    ],
    context: context("dev", withFeature("odgm")),
    want: (objects) => {
      const odgm = one(objects, "Deployment", "r-odgm");
      expect(odgm.spec?.replicas).to.equal(3);
      const [entry] = JSON.parse(
        envOf(odgm.spec?.template.spec?.containers)["ODGM_COLLECTION"] ?? "[]",
      ) as Record<string, unknown>[];
      expect(entry).to.deep.equal({
        name: "c",
        partition_count: 8,
        replica_count: 3,
        shard_type: "raft",
        options: { k: "v" },
        invocations: {
          fn_routes: {
            f: { url: "http://r-f-1:8080", stateless: false, standby: false, active_group: [] },
            g: { url: "http://elsewhere:1" },
          },
          disabled_fn: ["x"],
        },
      });
    },
  },
  {
    name: "ODGM addon with the feature off: nothing rendered, a note says why",
    given: [withAddon("odgm"), f],
    context: context("full", withFeature("odgm", false)),
    want: (objects, notes) => {
      expect(kinds(objects)).to.deep.equal(["Deployment/r-f-1", "Service/r-f-1"]);
      expect(envOf(deploymentOf(objects).spec?.template.spec?.containers)).to.not.have.property(
        "ODGM_SERVICE",
      );
      expect(notes.join()).to.match(/ODGM feature is off/);
    },
  },
  {
    name: "ODGM feature on without the addon: nothing rendered",
    given: [f],
    context: context("full", withFeature("odgm")),
    want: (objects) => expect(kinds(objects)).to.deep.equal(["Deployment/r-f-1", "Service/r-f-1"]),
  },
  {
    name: "platform ODGM variables win over a config entry of the same name (no duplicate env)",
    given: [withAddon("odgm"), withFunction("f", withConfig({ ODGM_SERVICE: "mine:1", OTHER: "x" }))],
    context: context("dev", withFeature("odgm")),
    want: (objects) => {
      const env = deploymentOf(objects).spec?.template.spec?.containers[0]?.env ?? [];
      expect(env.filter((e) => e.name === "ODGM_SERVICE")).to.deep.equal([
        { name: "ODGM_SERVICE", value: "r-odgm:8080" },
      ]);
      expect(env.map((e) => e.name)).to.include("OTHER");
    },
  },
  {
    name: "ODGM with knative: ODGM stays a Deployment, routes use the Knative URL",
    given: [withAddon("odgm"), withTemplate("knative"), f],
    context: context("full", withKnative, withFeature("odgm")),
    want: (objects) => {
      expect(kinds(objects)).to.deep.equal(["Service/r-f-1", "Deployment/r-odgm", "Service/r-odgm"]);
      expect(
        envOf(one(objects, "KnativeService", "r-f-1").spec.template.spec.containers)["ODGM_COLLECTION"],
      ).to.contain('"url":"http://r-f-1"');
    },
  },
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
  // Errors are values, with the field path.
  { name: "no functions", given: [], wantError: { code: "NoFunctions", path: "spec.functions" } },
  {
    name: "function without image",
    given: [f, withFunction("g", withImage(undefined))],
    wantError: { code: "MissingImage", path: "spec.functions[1].provision_config.container_image" },
  },
  {
    name: "blank image",
    given: [withFunction("g", withImage("  "))],
    wantError: { code: "MissingImage", path: "spec.functions[0].provision_config.container_image" },
  },
  {
    name: "shorthand without image",
    given: [withShorthand(undefined, 8080)],
    wantError: { code: "MissingImage", path: "spec.function.image" },
  },
  {
    name: "both functions and the shorthand",
    given: [f, withShorthand("img")],
    wantError: { code: "ConflictingFunctions", path: "spec.function" },
  },
  {
    name: "invalid cpu quantity",
    given: [withFunction("f", withResources({ cpu_request: "lots" }))],
    wantError: { code: "InvalidQuantity", path: "spec.functions[0].provision_config.cpu_request" },
  },
  {
    name: "negative memory limit",
    given: [withFunction("f", withResources({ memory_limit: "-1Gi" }))],
    wantError: { code: "InvalidQuantity", path: "spec.functions[0].provision_config.memory_limit" },
  },
  {
    name: "request above limit",
    given: [withFunction("f", withResources({ memory_request: "2Gi", memory_limit: "1Gi" }))],
    wantError: { code: "RequestExceedsLimit", path: "spec.functions[0].provision_config.memory_request" },
  },
  {
    name: "min_scale above max_scale",
    given: [withFunction("f", withScale(5, 2))],
    wantError: { code: "InvalidScale", path: "spec.functions[0].provision_config.max_scale" },
  },
  {
    name: "port out of range",
    given: [withFunction("f", withPort(70000))],
    wantError: { code: "InvalidPort", path: "spec.functions[0].provision_config.port" },
  },
  {
    name: "duplicate function key",
    given: [f, f],
    wantError: { code: "DuplicateFunctionKey", path: "spec.functions[1].function_key" },
  },
  {
    name: "empty function key",
    given: [withFunction("")],
    wantError: { code: "InvalidFunctionKey", path: "spec.functions[0].function_key" },
  },
  {
    name: "bad env name",
    given: [withFunction("f", withConfig({ "1BAD": "x" }))],
    wantError: { code: "InvalidEnvName", path: "spec.functions[0].config.1BAD" },
  },
  {
    name: "zero CPU target",
    given: [withFunction("f", withFunctionNfr({ cpu_utilization_target: 0 }))],
    wantError: {
      code: "InvalidCpuTarget",
      path: "spec.functions[0].nfr_requirements.cpu_utilization_target",
    },
  },
  {
    name: "collection name with a comma",
    given: [f, withAddon("odgm"), withOdgm({ collections: ["a,b"] })],
    context: context("dev", withFeature("odgm")),
    wantError: { code: "InvalidCollection", path: "spec.odgm_config.collections[0]" },
  },
  {
    name: "duplicate collection",
    given: [f, withAddon("odgm"), withOdgm({ collections: ["a", "a"] })],
    context: context("dev", withFeature("odgm")),
    wantError: { code: "InvalidCollection", path: "spec.odgm_config.collections[1]" },
  },
  {
    name: "record without uid",
    given: [f, withUid(undefined)],
    wantError: { code: "MissingUid", path: "metadata.uid" },
  },
];

describe("templates: render", () => {
  for (const row of rows) {
    it(row.name, () => {
      const base = row.name.startsWith("sample record")
        ? seedRecord(...row.given)
        : record("r", ...row.given);
      const result = render(base, row.context ?? context("dev"));
      if (row.wantError) {
        if (result.ok)
          return expect.fail(`expected ${row.wantError.code}, rendered ${kinds(result.objects).join(", ")}`);
        expect({ code: result.error.code, path: result.error.path }).to.deep.equal(row.wantError);
        expect(result.error.message).to.be.a("string").and.not.empty;
        return;
      }
      if (!result.ok) return expect.fail(`render failed: ${JSON.stringify(result.error)}`);
      row.want?.(result.objects, result.notes);
    });
  }

  it("is pure: the same input renders the same output and the record is not modified", () => {
    const input = seedRecord();
    const frozen = structuredClone(input);
    const ctx = context("dev", withFeature("odgm"));
    expect(render(input, ctx)).to.deep.equal(render(input, ctx));
    expect(input).to.deep.equal(frozen);
  });
});

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
