// `deploy --update` is a read-modify-write: only what is given changes.
import { expect } from "chai";
import { requestOf, updateRequest } from "../../src/deploy-request.ts";

/** A deployment as GET /deployments/{key} answers it (the PM's derived fields included). */
function stored(): Record<string, unknown> {
  return {
    key: "shop-cart",
    package_name: "shop",
    class_key: "cart",
    target_env: "local",
    target_clusters: ["default"],
    nfr_requirements: { availability: 0.9 },
    functions: [
      {
        function_key: "cart-add",
        nfr_requirements: { availability: 0.9 },
        provision_config: { container_image: "ghcr.io/shop/add:1", min_scale: 2 },
        config: {},
      },
      {
        function_key: "cart-total",
        nfr_requirements: { max_latency_ms: 100 },
        provision_config: { container_image: "ghcr.io/shop/total:1", min_scale: 2 },
        config: {},
      },
    ],
    odgm: { collections: ["carts"], partition_count: 4, replica_count: 2 },
    condition: "RUNNING",
    replicas: 2,
    achieved_availability: 0.99,
    generation: 4,
    created_at: "2026-12-07T10:00:00Z",
    updated_at: "2026-12-07T10:05:00Z",
    clusters: [{ cluster: "default", status: "RUNNING" }],
  };
}

describe("oaasctl deploy --update: read-modify-write", function () {
  it("the request a stored deployment stands for leaves out what the PM derives", function () {
    expect(requestOf(stored())).to.deep.equal({
      key: "shop-cart",
      package_name: "shop",
      class_key: "cart",
      target_env: "local",
      target_clusters: ["default"],
      nfr_requirements: { availability: 0.9 },
      // Only the function whose NFRs are its own; images come from the package again.
      functions: [{ function_key: "cart-total", nfr_requirements: { max_latency_ms: 100 } }],
      odgm: { collections: ["carts"], partition_count: 4 },
    });
  });

  const cases: {
    name: string;
    args: Parameters<typeof updateRequest>[1];
    changed: Record<string, unknown>;
  }[] = [
    { name: "nothing given", args: {}, changed: {} },
    { name: "the package and class repeated", args: { packageName: "shop", classKey: "cart" }, changed: {} },
    { name: "--target-env", args: { targetEnv: "edge" }, changed: { target_env: "edge" } },
    {
      name: "--availability keeps the other NFRs",
      args: { availability: 0.99 },
      changed: { nfr_requirements: { availability: 0.99 } },
    },
    { name: "--env", args: { envs: ["a", "b"] }, changed: { target_clusters: ["a", "b"] } },
    {
      name: "a -f file's fields replace only those fields",
      args: { file: { target_env: "prod" } },
      changed: { target_env: "prod" },
    },
  ];
  for (const c of cases) {
    it(`${c.name}: every other field as stored, the changes named`, function () {
      const before = requestOf(stored());
      const { body, changes } = updateRequest(stored(), c.args);
      expect(body).to.deep.equal({ ...before, ...c.changed });
      expect(changes.map((line) => line.split(":")[0])).to.deep.equal(Object.keys(c.changed).sort());
    });
  }

  it("prints a change as field: old -> new", function () {
    expect(updateRequest(stored(), { targetEnv: "edge" }).changes).to.deep.equal([
      'target_env: "local" -> "edge"',
    ]);
  });
});
