import { expect } from "chai";
import { specSchema, statusSchema, type JsonSchemaProps } from "../../src/index.ts";
import { fullSpec, fullStatus, record, seedSpec, withSpecField } from "../fixtures.ts";
import { check, schemaPaths, valuePaths } from "../schema-check.ts";

describe("crd: spec and status schema", () => {
  // The types are derived from the schemas (Static<typeof X>), so their keys agree; this
  // walks real values, so a schema that prunes or rejects a field fails too.
  for (const [name, schema, value] of [
    ["spec", specSchema, fullSpec],
    ["status", statusSchema, fullStatus],
  ] as [string, JsonSchemaProps, unknown][]) {
    it(`declares every key of a fully populated ${name} and accepts its values`, () => {
      expect(check(schema, value)).to.deep.equal([]);
    });

    it(`is fully exercised by the ${name} fixture (so the round-trip test covers every field)`, () => {
      const set = new Set(valuePaths(schema, value));
      expect(schemaPaths(schema).filter((p) => !set.has(p))).to.deep.equal([]);
    });
  }

  it("accepts the hand-written hello-class sample, with and without nfr", () => {
    expect(check(specSchema, seedSpec())).to.deep.equal([]);
    expect(check(specSchema, seedSpec({ withNfr: true }))).to.deep.equal([]);
  });

  it("keeps optional what the ingress reports better (no image, no functions, empty spec)", () => {
    expect(check(specSchema, {})).to.deep.equal([]);
    expect(check(specSchema, { function: { port: 8080 } })).to.deep.equal([]);
    expect(
      check(specSchema, { functions: [{ function_key: "f", provision_config: { port: 80 } }] }),
    ).to.deep.equal([]);
  });

  const invalid: { name: string; path: (string | number)[]; value: unknown; field: string }[] = [
    {
      name: "enforcement mode",
      path: ["nfr", "enforcement", "mode"],
      value: "sometimes",
      field: "nfr.enforcement.mode",
    },
    {
      name: "dimension",
      path: ["nfr", "enforcement", "dimensions"],
      value: ["gpu"],
      field: "nfr.enforcement.dimensions[0]",
    },
    { name: "port above 65535", path: ["function", "port"], value: 70000, field: "function.port" },
    { name: "port 0", path: ["function", "port"], value: 0, field: "function.port" },
    {
      name: "provision port",
      path: ["functions", 0, "provision_config", "port"],
      value: 70000,
      field: "functions[0].provision_config.port",
    },
    {
      name: "negative scale",
      path: ["functions", 0, "provision_config", "min_scale"],
      value: -1,
      field: "min_scale",
    },
    {
      name: "availability above 1",
      path: ["nfr", "requirements", "availability"],
      value: 1.5,
      field: "availability",
    },
    { name: "int64 as a number", path: ["created_at", "seconds"], value: 12, field: "created_at.seconds" },
    { name: "int64 not decimal", path: ["created_at", "seconds"], value: "1e3", field: "created_at.seconds" },
    {
      name: "map of non-strings",
      path: ["odgm_config", "options"],
      value: { a: 1 },
      field: "odgm_config.options.a",
    },
  ];
  for (const row of invalid) {
    it(`rejects ${row.name}, naming ${row.field}`, () => {
      const spec = record("x", fullSpec, withSpecField(row.path, row.value)).spec;
      const problems = check(specSchema, spec);
      expect(problems).to.have.length.greaterThan(0);
      expect(problems.join("\n")).to.include(row.field);
    });
  }
});
