// Every number of a package and a deployment against its bound (bounds.ts): the edges are
// accepted, one past them, fractions of integers, numbers as strings, null, Infinity (what
// JSON's 1e400 parses to) and 1e9 are refused at the field's own path.
import { expect } from "chai";
import {
  bounds,
  decodeDeployment,
  decodePackage,
  maxPartitionCount,
  type Decoded,
  type NumberBound,
} from "../../src/index.ts";

type Json = Record<string, unknown>;

interface Field {
  /** The field path errors name. */
  readonly path: string;
  readonly bound: NumberBound;
  /** Decodes a minimal document with the field set to `value`. */
  readonly decode: (value: unknown) => Decoded<unknown>;
}

const inPackageFunction = (name: string, bound: NumberBound): Field => ({
  path: `functions[0].provision_config.${name}`,
  bound,
  decode: (value) =>
    decodePackage({ name: "p", functions: [{ key: "f", provision_config: { [name]: value } }] }),
});

const inDeployment = (path: string, bound: NumberBound, make: (value: unknown) => Json): Field => ({
  path,
  bound,
  decode: (value) => decodeDeployment({ package_name: "p", class_key: "c", ...make(value) }),
});

const provision = ["port", "max_concurrency", "min_scale", "max_scale"] as const;
const provisionBound = {
  port: bounds.port,
  max_concurrency: bounds.maxConcurrency,
  min_scale: bounds.scale,
  max_scale: bounds.scale,
};
const nfr = {
  max_latency_ms: bounds.latencyMs,
  min_throughput_rps: bounds.throughputRps,
  availability: bounds.fraction,
  cpu_utilization_target: bounds.cpuTarget,
};

const fields: Field[] = [
  ...provision.map((name) => inPackageFunction(name, provisionBound[name])),
  ...provision.map((name) =>
    inDeployment(`functions[0].provision_config.${name}`, provisionBound[name], (v) => ({
      functions: [{ function_key: "f", provision_config: { [name]: v } }],
    })),
  ),
  ...Object.entries(nfr).flatMap(([name, bound]) => [
    inDeployment(`nfr_requirements.${name}`, bound, (v) => ({ nfr_requirements: { [name]: v } })),
    inDeployment(`functions[0].nfr_requirements.${name}`, bound, (v) => ({
      functions: [{ function_key: "f", nfr_requirements: { [name]: v } }],
    })),
  ]),
  inDeployment("odgm.partition_count", bounds.partitionCount, (v) => ({ odgm: { partition_count: v } })),
  inDeployment("odgm.replica_count", bounds.scale, (v) => ({ odgm: { replica_count: v } })),
  inDeployment("replicas", bounds.scale, (v) => ({ replicas: v })),
  inDeployment("achieved_availability", bounds.fraction, (v) => ({ achieved_availability: v })),
  {
    path: "deployments[0].odgm.partition_count",
    bound: bounds.partitionCount,
    decode: (value) =>
      decodePackage({
        name: "p",
        classes: [{ key: "c" }],
        deployments: [{ package_name: "p", class_key: "c", odgm: { partition_count: value } }],
      }),
  },
];

function refusal(field: Field, value: unknown): string {
  const result = field.decode(value);
  expect(result.ok, `${field.path} = ${String(value)} accepted`).to.equal(false);
  if (result.ok) return "";
  expect(result.errors.map((e) => e.field)).to.deep.equal([field.path]);
  return result.errors[0]?.message ?? "";
}

describe("models: number bounds", function () {
  it("the table's bounds are what the wire and Kubernetes can carry", function () {
    for (const [name, bound] of Object.entries(bounds)) {
      expect(bound.minimum, name).to.be.at.least(0);
      expect(bound.maximum, name).to.be.at.most(2_147_483_647);
      expect(bound.why, name).to.not.equal("");
    }
    expect(bounds.partitionCount.maximum).to.equal(maxPartitionCount);
  });

  for (const field of fields) {
    const { minimum, maximum, type } = field.bound;
    const below = type === "integer" ? minimum - 1 : minimum - 0.001;
    const above = type === "integer" ? maximum + 1 : maximum + 0.001;
    describe(field.path, function () {
      it(`accepts ${minimum} and ${maximum}`, function () {
        for (const value of [minimum, maximum]) expect(field.decode(value).ok, String(value)).to.equal(true);
      });
      it(`refuses ${below} and ${above}, naming the field and the bound`, function () {
        expect(refusal(field, below)).to.equal(`must be >= ${minimum}`);
        expect(refusal(field, above)).to.equal(`must be <= ${maximum}`);
      });
      it("refuses Infinity, -Infinity, 1e9 where it is out of range, and -1", function () {
        expect(refusal(field, Number.POSITIVE_INFINITY)).to.match(/^must be (<=|integer)/);
        expect(refusal(field, Number.NEGATIVE_INFINITY)).to.match(/^must be (>=|integer)/);
        if (maximum < 1e9) expect(refusal(field, 1e9)).to.equal(`must be <= ${maximum}`);
        expect(refusal(field, -1)).to.equal(`must be >= ${minimum}`);
      });
      it(`refuses strings ("NaN", "1"), null and booleans: must be ${type}`, function () {
        for (const value of ["NaN", "1", "", null, true])
          expect(refusal(field, value), JSON.stringify(value)).to.equal(`must be ${type}`);
      });
      if (type === "integer") {
        it("refuses a fraction", function () {
          expect(refusal(field, minimum + 0.5)).to.equal("must be integer");
        });
      }
    });
  }
});
