// Compatibility with clients of the reference implementation (github.com/pawissanutt/oaas-rs,
// control-plane/oprc-pm and commons/oprc-models): the PM is driven with the request bodies
// such a client sends and its answers are read with the shapes that client reads (the
// reference's structs, as field -> type tables below). A field neither the PM nor the
// reference knows is a 400 naming it, and nothing is deployed. Two stand-in CRMs (a real
// CRM needs a cluster; the integration suites use real ones).
import { Code, ConnectError } from "@connectrpc/connect";
import { unitId } from "@oaas/models";
import { StatusCode, type DeploymentUnit } from "@oaas/proto";
import { expect } from "chai";
import { errorOf, startTestPm, type Answer, type TestPm } from "../support/pm.ts";
import { startStandInCrm, type StandInCrm } from "../support/stand-in-crm.ts";

type FieldType = "string" | "number" | "boolean" | "object" | "array";
/** A reference struct: field -> JSON type; "?" marks an Option<> field (absent or null allowed). */
type Shape = Record<string, FieldType | `${FieldType}?`>;

/** Fails unless `value` carries every field of `shape` with its type (extra fields are fine). */
function expectShape(value: unknown, shape: Shape, what: string): void {
  expect(value, what).to.be.an("object");
  const o = value as Record<string, unknown>;
  for (const [field, spec] of Object.entries(shape)) {
    const optional = spec.endsWith("?");
    const type = spec.replace("?", "");
    const v = o[field];
    if (optional && (v === undefined || v === null)) continue;
    const actual = Array.isArray(v) ? "array" : v === null ? "null" : typeof v;
    expect(actual, `${what}.${field}`).to.equal(type);
  }
}

// The reference's structs (oprc-pm src/models/responses.rs, commons/oprc-models).
const packageResponse: Shape = { id: "string", status: "string", message: "string?" };
const deploymentResponse: Shape = { id: "string", status: "string", message: "string?" };
const oClassDeployment: Shape = {
  key: "string",
  package_name: "string",
  class_key: "string",
  target_envs: "array",
  nfr_requirements: "object",
  functions: "array",
  condition: "string",
};
const clusterHealth: Shape = {
  cluster_name: "string",
  status: "string",
  crm_version: "string?",
  last_seen: "string",
  node_count: "number?",
  ready_nodes: "number?",
  availability: "number?",
};
const clusterInfo: Shape = { name: "string", health: "object" };
const deploymentStatus: Shape = {
  id: "string",
  status: "string",
  phase: "string",
  message: "string?",
  last_updated: "string",
};
const deploymentRecord: Shape = {
  id: "string",
  deployment_unit_id: "string",
  package_name: "string",
  class_key: "string",
  cluster_name: "string?",
};
const mappingsShape: Shape = { deployment_key: "string", cluster_ids: "object", env_ids: "object" };

/** A package as the reference's client writes it (its OFunction and FunctionBinding fields). */
const referencePackage = {
  name: "ref-shop",
  version: "1.0.0",
  disabled: false,
  metadata: { author: "dev", description: "shop", tags: ["demo"] },
  classes: [
    {
      key: "cart",
      description: "a cart",
      function_bindings: [
        {
          name: "add",
          function_key: "cart-add",
          access_modifier: "PUBLIC",
          immutable: false,
          parameters: [],
        },
      ],
      disabled: false,
    },
  ],
  functions: [
    {
      key: "cart-add",
      immutable: false,
      function_type: "CUSTOM",
      metadata: {
        description: "adds",
        parameters: [],
        return_type: null,
        resource_requirements: { cpu_request: "100m", memory_request: "128Mi" },
      },
      qos_requirement: { throughput: 10, availability: 0.9 },
      qos_constraint: { max_concurrency: 4 },
      provision_config: { container_image: "ghcr.io/oaas/echo:1", port: 8080 },
      disabled: false,
    },
  ],
  dependencies: [],
  deployments: [],
};

describe("pm REST: compatibility with the reference implementation's clients", function () {
  this.timeout(60_000);
  let pm: TestPm;
  const crms = new Map<string, StandInCrm>();
  const held = new Map<string, DeploymentUnit[]>();

  before(async function () {
    for (const name of ["earth", "mars"]) {
      const units: DeploymentUnit[] = [];
      held.set(name, units);
      crms.set(
        name,
        await startStandInCrm({
          health: { availability: 0.99, nodes: 3 },
          deploy: (unit) => {
            units.push(unit);
          },
          delete: (id) => {
            units.splice(
              units.findIndex((u) => u.id === id),
              1,
            );
          },
          list: () => units,
          status: (id) => {
            if (!units.some((u) => u.id === id))
              throw new ConnectError(`no deployment "${id}"`, Code.NotFound);
            return { status: StatusCode.OK, message: "RUNNING (Available): every function is ready" };
          },
          detail: () => Promise.resolve(undefined),
        }),
      );
    }
    pm = await startTestPm({
      OPRC_PM_CRM_CLUSTERS: "earth,mars",
      OPRC_PM_CRM_DEFAULT_CLUSTER: "earth",
      OPRC_PM_CRM_EARTH_URL: crms.get("earth")?.url ?? "",
      OPRC_PM_CRM_MARS_URL: crms.get("mars")?.url ?? "",
      CRM_DEFAULT_RETRY_ATTEMPTS: "0",
      CRM_HEALTH_CHECK_INTERVAL: "0",
    });
  });
  after(async function () {
    await pm.close();
    for (const crm of crms.values()) await crm.close();
  });

  const ok = (answer: Answer, status = 200): unknown => {
    expect(answer.status, answer.text).to.equal(status);
    return answer.json;
  };

  it("packages: the reference's package body is created (PackageResponse) and read back as sent", async function () {
    const created = ok(await pm.request("POST", "/api/v1/packages", referencePackage), 201);
    expectShape(created, packageResponse, "PackageResponse");
    expect(created).to.include({ id: "ref-shop", status: "created" });
    const stored = ok(await pm.request("GET", "/api/v1/packages/ref-shop")) as typeof referencePackage;
    expect(stored.functions[0]).to.deep.include({
      immutable: false,
      qos_constraint: { max_concurrency: 4 },
      metadata: referencePackage.functions[0]?.metadata,
    });
    expect(stored.classes[0]?.function_bindings[0]).to.include({ immutable: false });
    const updated = ok(await pm.request("POST", "/api/v1/packages/ref-shop", referencePackage));
    expectShape(updated, packageResponse, "PackageResponse");
    expect(updated).to.include({ id: "ref-shop", status: "updated" });
    const listed = ok(await pm.request("GET", "/api/v1/packages")) as unknown[];
    expect(listed).to.have.length(1);
  });

  it("deployments: target_envs chooses the clusters (the reference's name for target_clusters)", async function () {
    const body = { key: "ref-cart", package_name: "ref-shop", class_key: "cart", target_envs: ["mars"] };
    const created = ok(await pm.request("POST", "/api/v1/deployments", body), 201);
    expectShape(created, deploymentResponse, "DeploymentResponse");
    expect(created).to.include({ id: "ref-cart", status: "created" });
    expect(held.get("mars")?.map((u) => u.id)).to.deep.equal([unitId("ref-cart", "mars")]);
    expect(held.get("earth")).to.deep.equal([]);

    const got = ok(await pm.request("GET", "/api/v1/deployments/ref-cart"));
    expectShape(got, oClassDeployment, "OClassDeployment");
    expect(got).to.deep.include({ target_envs: ["mars"], target_clusters: ["mars"] });
    const listed = ok(await pm.request("GET", "/api/v1/deployments")) as unknown[];
    for (const d of listed) expectShape(d, oClassDeployment, "OClassDeployment");
  });

  it("cluster-mappings and env-mappings: {deployment_key, cluster_ids, env_ids}", async function () {
    for (const path of ["cluster-mappings", "env-mappings"]) {
      const mappings = ok(await pm.request("GET", `/api/v1/deployments/ref-cart/${path}`));
      expectShape(mappings, mappingsShape, "mappings");
      const unit = unitId("ref-cart", "mars");
      expect(mappings).to.deep.include({
        deployment_key: "ref-cart",
        cluster_ids: { mars: unit },
        env_ids: { mars: unit },
      });
    }
  });

  it("clusters and their health: ClusterInfo and ClusterHealth lists, one cluster's ClusterHealth", async function () {
    for (const base of ["/api/v1/envs", "/api/v1/clusters"]) {
      const infos = ok(await pm.request("GET", base)) as { name: string; health: unknown }[];
      expect(infos.map((i) => i.name)).to.deep.equal(["earth", "mars"]);
      for (const info of infos) {
        expectShape(info, clusterInfo, "ClusterInfo");
        expectShape(info.health, clusterHealth, "ClusterInfo.health");
      }
      const healths = ok(await pm.request("GET", `${base}/health`)) as unknown[];
      expect(healths).to.be.an("array").with.length(2);
      for (const h of healths) expectShape(h, clusterHealth, "ClusterHealth");
      expect(healths[1]).to.include({
        cluster_name: "mars",
        status: "HEALTHY",
        node_count: 3,
        ready_nodes: 3,
      });
      const one = ok(await pm.request("GET", `${base}/mars/health`));
      expectShape(one, clusterHealth, "ClusterHealth");
    }
    expect(errorOf(await pm.request("GET", "/api/v1/envs/venus/health"))).to.contain("venus");
  });

  it("class-runtimes: a list of records with the reference's fields", async function () {
    const runtimes = ok(await pm.request("GET", "/api/v1/class-runtimes")) as unknown[];
    expect(runtimes).to.be.an("array").with.length(1);
    for (const r of runtimes) expectShape(r, deploymentRecord, "DeploymentRecord");
    expect(runtimes[0]).to.include({ cluster_name: "mars", deployment_unit_id: unitId("ref-cart", "mars") });
    const one = ok(await pm.request("GET", `/api/v1/class-runtimes/${unitId("ref-cart", "mars")}`));
    expectShape(one, deploymentRecord, "DeploymentRecord");
  });

  it("deployment-status: {id, status, phase, message, last_updated}", async function () {
    const unit = unitId("ref-cart", "mars");
    const status = ok(await pm.request("GET", `/api/v1/deployment-status/${unit}?cluster=mars`));
    expectShape(status, deploymentStatus, "DeploymentStatus");
    expect(status).to.include({ id: unit, status: "RUNNING", phase: "Available" });
  });

  it("an unknown field is a 400 naming it, and nothing is deployed", async function () {
    const before = [...(held.get("earth") ?? []), ...(held.get("mars") ?? [])].length;
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ target_clustres: ["mars"] }, /target_clustres: is not a known field/],
      [
        { functions: [{ function_key: "cart-add", replica: 2 }] },
        /functions\[0\]\.replica: is not a known field/,
      ],
      [{ target_envs: ["mars"], target_clusters: ["earth"] }, /target_envs: names other clusters/],
      [
        { env_templates: { mars: "knative" } },
        /env_templates: per-cluster template overrides are not supported/,
      ],
      [
        { target_envs: ["earth"], available_envs: ["mars"] },
        /available_envs: the deployment would go to "earth"/,
      ],
      [{ available_envs: ["mars"] }, /available_envs: the deployment would go to "earth"/],
    ];
    for (const [extra, want] of cases) {
      const answer = await pm.request("POST", "/api/v1/deployments", {
        key: "ref-typo",
        package_name: "ref-shop",
        class_key: "cart",
        ...extra,
      });
      expect(answer.status, `${JSON.stringify(extra)}: ${answer.text}`).to.equal(400);
      expect(errorOf(answer), JSON.stringify(extra)).to.match(want);
    }
    const pkg = await pm.request("POST", "/api/v1/packages", {
      ...referencePackage,
      name: "p2",
      colour: "red",
    });
    expect(pkg.status).to.equal(400);
    expect(errorOf(pkg)).to.match(/colour: is not a known field/);
    expect([...(held.get("earth") ?? []), ...(held.get("mars") ?? [])]).to.have.length(before);
    expect((await pm.request("GET", "/api/v1/deployments/ref-typo")).status).to.equal(404);
  });

  it("delete: the reference's ?cluster= delete answers {id, message, cluster}", async function () {
    const deleted = ok(await pm.request("DELETE", "/api/v1/deployments/ref-cart?cluster=mars"));
    expectShape(deleted, { id: "string", message: "string", cluster: "string" }, "delete answer");
    expect(held.get("mars")).to.deep.equal([]);
  });
});
