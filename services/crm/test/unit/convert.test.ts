// The DeploymentUnit <-> record spec mapping is lossless: what the PM sent comes back,
// also after a trip through JSON (etcd stores the spec as JSON).
import { create, equals } from "@bufbuild/protobuf";
import {
  DeploymentUnitSchema,
  FunctionDeploymentSpecSchema,
  FunctionRouteSchema,
  InvocationRoutesSchema,
  NfrRequirementsSchema,
  OdgmConfigSchema,
  ProvisionConfigSchema,
  TimestampSchema,
  type DeploymentUnit,
} from "@oaas/proto";
import { expect } from "chai";
import fc from "fast-check";
import { specToUnit, unitToSpec } from "../../src/ingress/convert.ts";

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const u32 = fc.integer({ min: 0, max: 4294967295 });
const str = fc.string({ unit: "binary", maxLength: 12 });
const map = fc.dictionary(str, str, { maxKeys: 3 });
const double = fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0));

const provision = fc.record({
  containerImage: opt(str),
  port: opt(u32),
  maxConcurrency: u32,
  needHttp2: fc.boolean(),
  cpuRequest: opt(str),
  memoryRequest: opt(str),
  cpuLimit: opt(str),
  memoryLimit: opt(str),
  minScale: opt(u32),
  maxScale: opt(u32),
});
const nfr = fc.record({
  maxLatencyMs: opt(u32),
  minThroughputRps: opt(u32),
  availability: opt(double),
  cpuUtilizationTarget: opt(double),
});
const fnSpec = fc.record({
  functionKey: str,
  description: opt(str),
  availableLocation: opt(str),
  nfrRequirements: opt(nfr.map((n) => create(NfrRequirementsSchema, n))),
  provisionConfig: opt(provision.map((p) => create(ProvisionConfigSchema, p))),
  config: map,
});
const route = fc.record({
  url: str,
  stateless: opt(fc.boolean()),
  standby: opt(fc.boolean()),
  activeGroup: fc.array(fc.bigInt({ min: 0n, max: 18446744073709551615n }), { maxLength: 3 }),
});
const odgm = fc.record({
  collections: fc.array(str, { maxLength: 3 }),
  partitionCount: opt(u32),
  replicaCount: opt(u32),
  shardType: opt(str),
  invocations: opt(
    fc
      .record({
        fnRoutes: fc.dictionary(
          str,
          route.map((r) => create(FunctionRouteSchema, r)),
          { maxKeys: 2 },
        ),
        disabledFn: fc.array(str, { maxLength: 2 }),
      })
      .map((i) => create(InvocationRoutesSchema, i)),
  ),
  options: map,
});
const unitArb: fc.Arbitrary<DeploymentUnit> = fc
  .record({
    id: str,
    packageName: str,
    classKey: str,
    targetEnv: str,
    functions: fc.array(
      fnSpec.map((f) => create(FunctionDeploymentSpecSchema, f)),
      { maxLength: 3 },
    ),
    createdAt: opt(
      fc
        .record({
          seconds: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
          nanos: fc.integer({ min: -2147483648, max: 2147483647 }),
        })
        .map((t) => create(TimestampSchema, t)),
    ),
    odgmConfig: opt(odgm.map((o) => create(OdgmConfigSchema, o))),
  })
  .map((u) => create(DeploymentUnitSchema, u));

describe("DeploymentUnit <-> record spec", function () {
  it("round-trips every unit through the spec and JSON (property, 2,000 runs)", function () {
    fc.assert(
      fc.property(unitArb, (unit) => {
        const stored = JSON.parse(JSON.stringify(unitToSpec(unit))) as ReturnType<typeof unitToSpec>;
        const back = specToUnit(stored);
        return equals(DeploymentUnitSchema, back, unit);
      }),
      { numRuns: 2000 },
    );
  });

  it("stores proto field names, id as deployment_id, 64-bit integers as decimal strings, implicit fields with defaults", function () {
    const unit = create(DeploymentUnitSchema, {
      id: "a",
      functions: [create(FunctionDeploymentSpecSchema, { functionKey: "" })],
      createdAt: create(TimestampSchema, { seconds: 9007199254740993n }),
      odgmConfig: create(OdgmConfigSchema, {
        invocations: create(InvocationRoutesSchema, {
          fnRoutes: { r: create(FunctionRouteSchema, { activeGroup: [18446744073709551615n] }) },
        }),
      }),
    });
    const spec = unitToSpec(unit);
    expect(spec.deployment_id).to.equal("a");
    expect(spec).to.not.have.property("id");
    expect(spec.created_at).to.deep.equal({ seconds: "9007199254740993", nanos: 0 });
    expect(spec.functions?.[0]).to.deep.equal({ function_key: "", config: {} });
    expect(spec.odgm_config?.invocations?.fn_routes?.["r"]?.active_group).to.deep.equal([
      "18446744073709551615",
    ]);
    expect(spec.odgm_config?.invocations?.fn_routes?.["r"]?.url).to.equal("");
  });

  it("ignores derived and hand-written fields, and survives a spec that is not a unit", function () {
    expect(
      specToUnit({ deployment_id: "x", addons: ["odgm"], selected_template: "dev", function: { image: "i" } })
        .id,
    ).to.equal("x");
    const broken = specToUnit({ deployment_id: "y", functions: "nope" as unknown as [] });
    expect(broken.id).to.equal("y");
    expect(broken.functions).to.deep.equal([]);
  });
});
