// Decoding JSON as existing clients write it: unchanged when complete, defaults for
// every optional collection when left out, unknown fields refused, input never mutated.
import { expect } from "chai";
import { decodeDeployment, decodePackage } from "../../src/index.ts";
import { clientPackageJson, nth } from "../fixtures.ts";

describe("models: JSON round trip", function () {
  it("a package written by an existing client decodes and re-encodes unchanged", function () {
    const text = JSON.stringify(clientPackageJson);
    const decoded = decodePackage(JSON.parse(text));
    expect(decoded.ok, JSON.stringify(decoded)).to.equal(true);
    if (decoded.ok) expect(JSON.parse(JSON.stringify(decoded.value))).to.deep.equal(JSON.parse(text));
  });

  it("an unknown field is refused, named at its path (a typo must not be dropped silently)", function () {
    const [first, ...rest] = clientPackageJson.functions;
    const functions = [{ ...first, provison_config: {} }, ...rest];
    const decoded = decodePackage({ ...clientPackageJson, x_extension: { a: 1 }, functions });
    expect(decoded.ok).to.equal(false);
    if (!decoded.ok)
      expect(decoded.errors).to.deep.include.members([
        { field: "x_extension", message: "is not a known field" },
        { field: "functions[0].provison_config", message: "is not a known field" },
      ]);
  });

  it("the reference implementation's own fields are kept as sent", function () {
    const [first, ...rest] = clientPackageJson.functions;
    const functions = [{ ...first, immutable: true, qos_constraint: { max_concurrency: 4 } }, ...rest];
    const decoded = decodePackage({ ...clientPackageJson, functions });
    expect(decoded.ok, JSON.stringify(decoded)).to.equal(true);
    if (decoded.ok) expect(decoded.value.functions[0]).to.include({ immutable: true });
    if (decoded.ok) expect(decoded.value.functions[0]?.qos_constraint).to.deep.equal({ max_concurrency: 4 });
  });

  it("optional collections default to empty, enums to their defaults", function () {
    const input = {
      name: "min",
      classes: [{ key: "c", function_bindings: [{ name: "f", function_key: "f" }], state_spec: {} }],
      functions: [{ key: "f" }],
    };
    const decoded = decodePackage(input);
    expect(decoded.ok, JSON.stringify(decoded)).to.equal(true);
    if (!decoded.ok) return;
    const p = decoded.value;
    expect(p.disabled).to.equal(false);
    expect(p.metadata).to.deep.equal({ tags: [] });
    expect(p.dependencies).to.deep.equal([]);
    expect(p.deployments).to.deep.equal([]);
    expect(p.functions[0]).to.deep.equal({ key: "f", function_type: "CUSTOM", config: {} });
    expect(nth(p.classes, 0).function_bindings[0]).to.deep.equal({
      name: "f",
      function_key: "f",
      access_modifier: "PUBLIC",
      stateless: false,
      parameters: [],
    });
    expect(nth(p.classes, 0).state_spec?.consistency_model).to.equal("NONE");
    expect(nth(p.classes, 0).state_spec?.key_specs).to.deep.equal([]);
    expect(input).to.not.have.property("disabled");
  });

  it("a minimal deployment gets its defaults", function () {
    const decoded = decodeDeployment({ package_name: "p", class_key: "c" });
    expect(decoded.ok).to.equal(true);
    if (decoded.ok)
      expect(decoded.value).to.deep.equal({
        key: "",
        package_name: "p",
        class_key: "c",
        target_env: "",
        target_clusters: [],
        nfr_requirements: {},
        functions: [],
        condition: "PENDING",
      });
  });
});
