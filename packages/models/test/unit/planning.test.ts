import { recordName } from "@oaas/crd";
import { isDns1035Label } from "@oaas/kube-rules";
import { expect } from "chai";
import {
  planUnits,
  resolveDeployment,
  unitId,
  type OClassDeployment,
  type OPackage,
} from "../../src/index.ts";
import { deployment, must, nth, pkg } from "../fixtures.ts";

function resolved(p: OPackage, d: OClassDeployment) {
  const r = resolveDeployment(p, d, "default");
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r;
}

describe("models: planning", function () {
  it("fills function specs from the class bindings and the package functions", function () {
    const r = resolved(pkg(), deployment());
    expect(r.deployment.functions.map((f) => f.function_key)).to.deep.equal(["cart-add", "cart-total"]);
    const add = nth(r.deployment.functions, 0);
    expect(add.provision_config?.container_image).to.equal("ghcr.io/shop/add:1");
    expect(add.description).to.equal("adds an item");
    expect(add.config).to.deep.equal({ LOG_LEVEL: "info" });
  });

  it("request functions override the package function's fields", function () {
    const d = deployment((x) =>
      x.functions.push({
        function_key: "cart-add",
        config: { EXTRA: "1" },
        provision_config: { max_concurrency: 0, need_http2: false, container_image: "ghcr.io/shop/add:2" },
      }),
    );
    const r = resolved(pkg(), d);
    expect(r.deployment.functions.map((f) => f.function_key)).to.deep.equal(["cart-add", "cart-total"]);
    expect(nth(r.deployment.functions, 0).provision_config?.container_image).to.equal("ghcr.io/shop/add:2");
    expect(nth(r.deployment.functions, 0).provision_config?.port).to.equal(8080);
    expect(nth(r.deployment.functions, 0).config).to.deep.equal({ LOG_LEVEL: "info", EXTRA: "1" });
  });

  // Listing one function (to give it NFRs) once dropped the class's other functions.
  it("listed functions merge by key into the class's bindings, in binding order", function () {
    const nfr = { max_latency_ms: 100 };
    const asResolved = (d: OClassDeployment) => resolved(pkg(), d).deployment.functions;
    const none = asResolved(deployment());
    const cases: { name: string; listed: OClassDeployment["functions"]; want: (fns: typeof none) => void }[] =
      [
        {
          name: "one of two, with NFRs",
          listed: [{ function_key: "cart-total", config: {}, nfr_requirements: nfr }],
          want: (fns) => {
            expect(fns.map((f) => f.function_key)).to.deep.equal(["cart-add", "cart-total"]);
            expect(nth(fns, 0)).to.deep.equal(nth(none, 0));
            expect(nth(fns, 1).nfr_requirements).to.deep.equal(nfr);
            expect(nth(fns, 1).provision_config).to.deep.equal(nth(none, 1).provision_config);
          },
        },
        {
          name: "the full list in another order, nothing overridden",
          listed: [
            { function_key: "cart-total", config: {} },
            { function_key: "cart-add", config: {} },
          ],
          want: (fns) => expect(fns).to.deep.equal(none),
        },
        { name: "none", listed: [], want: (fns) => expect(fns).to.deep.equal(none) },
      ];
    for (const c of cases) {
      const fns = asResolved(deployment((d) => d.functions.push(...c.listed)));
      try {
        c.want(fns);
      } catch (error) {
        throw new Error(`${c.name}: ${(error as Error).message}`, { cause: error });
      }
    }
  });

  it("a listed function the class does not bind, or one listed twice, is refused naming it", function () {
    const unbound = pkg((p) =>
      p.functions.push({ key: "cart-extra", function_type: "CUSTOM", config: {} } as never),
    );
    const cases: [OPackage, OClassDeployment["functions"], string, RegExp][] = [
      [
        pkg(),
        [{ function_key: "ghost", config: {} }],
        "functions[0].function_key",
        /binds: cart-add, cart-total/,
      ],
      // A function of the package that this class does not bind.
      [
        unbound,
        [{ function_key: "cart-extra", config: {} }],
        "functions[0].function_key",
        /"cart-extra" is not/,
      ],
      [
        pkg(),
        [
          { function_key: "cart-add", config: {} },
          { function_key: "cart-add", config: {} },
        ],
        "functions[1].function_key",
        /listed twice/,
      ],
    ];
    for (const [p, listed, field, message] of cases) {
      const r = resolveDeployment(
        p,
        deployment((d) => d.functions.push(...listed)),
        "default",
      );
      expect(r.ok, field).to.equal(false);
      if (r.ok) continue;
      expect(r.errors.map((e) => e.field)).to.deep.equal([field]);
      expect(r.errors[0]?.message).to.match(message);
    }
  });

  it("resolution errors name the field", function () {
    const cases: [OPackage | undefined, OClassDeployment, string][] = [
      [undefined, deployment(), "package_name"],
      [pkg((p) => (p.disabled = true)), deployment(), "package_name"],
      [pkg(), deployment((d) => (d.class_key = "ghost")), "class_key"],
      [pkg((p) => (nth(p.classes, 0).disabled = true)), deployment(), "class_key"],
      [
        pkg(),
        deployment((d) => d.functions.push({ function_key: "ghost", config: {} })),
        "functions[0].function_key",
      ],
      [
        pkg((p) => delete nth(p.functions, 1).provision_config),
        deployment(),
        "functions[1].provision_config.container_image",
      ],
    ];
    for (const [p, d, field] of cases) {
      const r = resolveDeployment(p, d, "default");
      expect(r.ok).to.equal(false);
      if (!r.ok) expect(r.errors.map((e) => e.field)).to.include(field);
    }
  });

  it("defaults the key and the target clusters", function () {
    const r = resolved(
      pkg(),
      deployment((d) => ((d.key = ""), (d.target_clusters = []))),
    );
    expect(r.deployment.key).to.equal("shop-cart");
    expect(r.deployment.target_clusters).to.deep.equal(["default"]);
    const none = resolveDeployment(
      pkg(),
      deployment((d) => (d.target_clusters = [])),
      undefined,
    );
    expect(none.ok).to.equal(false);
  });

  it("a derived key longer than a key may be is refused at key; an explicit key is the way out", function () {
    const long = (n: string) => n.repeat(200);
    const p = pkg(
      (x) => (x.name = long("p")),
      (x) => (nth(x.classes, 0).key = long("c")),
    );
    const d = deployment(
      (x) => (x.key = ""),
      (x) => (x.package_name = p.name),
      (x) => (x.class_key = long("c")),
    );
    const r = resolveDeployment(p, d, "default");
    expect(r.ok).to.equal(false);
    if (!r.ok)
      expect(r.errors).to.deep.equal([
        {
          field: "key",
          message:
            "derived from package_name and class_key, is 401 characters long; at most 253: give the deployment a key",
        },
      ]);
    expect(resolved(p, { ...d, key: "short" }).deployment.key).to.equal("short");
  });

  it("one unit per target cluster, replicas in min_scale and odgm replica_count (STRONG class)", function () {
    const r = resolved(
      pkg(),
      deployment((d) => (d.odgm = { collections: ["items"], partition_count: 2 })),
    );
    const plan = planUnits(
      r.deployment,
      r.cls,
      [
        { cluster: "a", availability: 0.9 },
        { cluster: "b", availability: 0.9 },
      ],
      1_700_000_000_000,
    );
    expect(plan.units.map((u) => u.cluster)).to.deep.equal(["a", "b"]);
    const ids = plan.units.map((u) => u.unit.id);
    expect(new Set(ids).size).to.equal(2);
    for (const id of ids) {
      expect(isDns1035Label(id)).to.equal(true);
      expect(recordName(id)).to.equal(id);
    }
    // 0.99 over two clusters at 0.9 -> 5 replicas; STRONG keeps 5 (odd).
    expect(plan.sizing.replicas).to.equal(5);
    for (const { unit } of plan.units) {
      for (const fn of unit.functions) expect(fn.provision_config?.min_scale).to.equal(5);
      expect(unit.odgm_config).to.deep.equal({
        collections: ["items"],
        partition_count: 2,
        replica_count: 5,
      });
      expect(nth(unit.functions, 0).nfr_requirements).to.deep.equal({ availability: 0.99 });
      expect(unit.target_env).to.equal("dev");
    }
    // max_scale 10 stays (>= 5)
    expect(nth(nth(plan.units, 0).unit.functions, 0).provision_config?.max_scale).to.equal(10);
    expect(plan.deployment.replicas).to.equal(5);
    expect(plan.deployment.achieved_availability).to.be.closeTo(plan.sizing.achieved, 1e-12);
  });

  it("max_scale below the replica count is raised to it", function () {
    const r = resolved(
      pkg((p) => (must(nth(p.functions, 0).provision_config).max_scale = 2)),
      deployment((d) => (d.target_clusters = ["a"])),
    );
    const plan = planUnits(r.deployment, r.cls, [{ cluster: "a", availability: 0.9 }], 0);
    expect(nth(nth(plan.units, 0).unit.functions, 0).provision_config?.max_scale).to.equal(
      plan.sizing.replicas,
    );
  });

  it("unit ids are valid names even for awkward keys", function () {
    for (const key of ["Shop.Cart", "a".repeat(200), "9lives", "x_y"]) {
      const id = unitId(key, "Cluster-A");
      expect(isDns1035Label(id), id).to.equal(true);
      expect(recordName(id)).to.equal(id);
    }
    expect(unitId("k", "a")).to.not.equal(unitId("k", "b"));
  });
});
