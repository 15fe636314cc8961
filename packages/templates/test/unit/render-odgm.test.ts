// render() rows: the ODGM sidecar and its collections, config and image.
import { expect } from "chai";
import { render, type RenderContext } from "../../src/index.ts";
import {
  context,
  record,
  withAddon,
  withConfig,
  withFeature,
  withFunction,
  withKnative,
  withOdgm,
  withOdgmImage,
  withTemplate,
} from "../fixtures.ts";
import { envOf, objectsOf, one } from "../support.ts";
import { renderRows, f, deploymentOf, kinds, type Row } from "../render-rows.ts";

const rows: Row[] = [
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
];

describe("templates: render", () => {
  renderRows(rows);
});
