// The validation table: every rule, each message at its field path. Number ranges are
// the schema's (bounds.test.ts); the key rule itself is keys.test.ts.
import { expect } from "chai";
import {
  decodeDeployment,
  decodePackage,
  validateDeployment,
  validatePackage,
  type FieldError,
  type OClassDeployment,
  type OPackage,
} from "../../src/index.ts";
import { deployment, must, nth, pkg } from "../fixtures.ts";

interface Row<T> {
  readonly name: string;
  readonly given: T;
  readonly known?: Map<string, string[]>;
  /** [field, substring of the message] pairs, all of them and nothing else. */
  readonly want: readonly (readonly [string, string])[];
}

function expectErrors(errors: readonly FieldError[], want: Row<unknown>["want"]): void {
  expect(errors.map((e) => e.field)).to.deep.equal(
    want.map(([f]) => f),
    JSON.stringify(errors),
  );
  want.forEach(([, message], i) => expect(errors[i]?.message).to.contain(message));
}

const packageRows: Row<OPackage>[] = [
  { name: "the client package is valid", given: pkg(), want: [] },
  { name: "empty name", given: pkg((p) => (p.name = "")), want: [["name", "must not be empty"]] },
  { name: "name with a space", given: pkg((p) => (p.name = "my shop")), want: [["name", "whitespace"]] },
  {
    name: "name over 253 characters",
    given: pkg((p) => (p.name = "n".repeat(254))),
    want: [["name", "at most 253"]],
  },
  { name: "name '..'", given: pkg((p) => (p.name = "..")), want: [["name", "not a usable key"]] },
  {
    name: "name with a control character",
    given: pkg((p) => (p.name = "a\u0000b")),
    want: [["name", "control"]],
  },
  {
    name: "empty class key",
    given: pkg((p) => (nth(p.classes, 0).key = "")),
    want: [["classes[0].key", "must not be empty"]],
  },
  {
    name: "class key with a tab",
    given: pkg((p) => (nth(p.classes, 0).key = "a\tb")),
    want: [["classes[0].key", "whitespace"]],
  },
  {
    name: "duplicate class keys",
    given: pkg((p) => p.classes.push(structuredClone(nth(p.classes, 0)))),
    want: [["classes[1].key", 'duplicate key "cart"']],
  },
  {
    name: "function key with a space",
    given: pkg((p) => {
      nth(p.functions, 1).key = "cart total";
      nth(p.classes, 0).function_bindings.pop();
    }),
    want: [["functions[1].key", "whitespace"]],
  },
  {
    name: "duplicate function keys",
    given: pkg((p) => (nth(p.functions, 1).key = "cart-add")),
    want: [
      ["functions[1].key", 'duplicate key "cart-add"'],
      ["classes[0].function_bindings[1].function_key", '"cart-total" is not a function'],
    ],
  },
  {
    name: "binding to a missing function",
    given: pkg((p) => (nth(nth(p.classes, 0).function_bindings, 0).function_key = "nope")),
    want: [["classes[0].function_bindings[0].function_key", '"nope" is not a function of package "shop"']],
  },
  {
    name: "duplicate binding names",
    given: pkg((p) => (nth(nth(p.classes, 0).function_bindings, 1).name = "add")),
    want: [["classes[0].function_bindings[1].name", 'duplicate key "add"']],
  },
  {
    name: "empty binding name",
    given: pkg((p) => (nth(nth(p.classes, 0).function_bindings, 0).name = "")),
    want: [["classes[0].function_bindings[0].name", "must not be empty"]],
  },
  {
    name: "config keys that are not environment variable names",
    given: pkg((p) => (nth(p.functions, 0).config = { "1ST": "x", "A B": "y", OK_1: "z", "a=b": "w" })),
    want: [
      ["functions[0].config.1ST", "not a valid environment variable name"],
      ["functions[0].config.A B", "not a valid environment variable name"],
      ["functions[0].config.a=b", "not a valid environment variable name"],
    ],
  },
  {
    name: "bad quantities",
    given: pkg((p) => {
      must(nth(p.functions, 0).provision_config).cpu_request = "lots";
      must(nth(p.functions, 0).provision_config).memory_limit = "1 GB";
    }),
    want: [
      ["functions[0].provision_config.cpu_request", "not a Kubernetes quantity"],
      ["functions[0].provision_config.memory_limit", "not a Kubernetes quantity"],
    ],
  },
  {
    name: "container images the CRM refuses (@oaas/kube-rules containerImageProblem; a 502 at the PM before)",
    given: pkg((p) => {
      must(nth(p.functions, 0).provision_config).container_image = "UPPER CASE !! ";
      p.functions.push({
        ...nth(p.functions, 0),
        key: "second",
        provision_config: { ...must(nth(p.functions, 0).provision_config), container_image: "img\u0007:1" },
      });
    }),
    want: [
      ["functions[0].provision_config.container_image", "must not contain whitespace or control characters"],
      ["functions[2].provision_config.container_image", "must not contain whitespace or control characters"],
    ],
  },
  {
    // A kubelet answers InvalidImageName: repository paths are lowercase (distribution grammar).
    name: "container images a kubelet refuses (uppercase path, bad tag, bad digest)",
    given: pkg((p) => {
      must(nth(p.functions, 0).provision_config).container_image = "ghcr.io/Example/Cart-Add:1.0";
      p.functions.push(
        {
          ...nth(p.functions, 0),
          key: "second",
          provision_config: { ...must(nth(p.functions, 0).provision_config), container_image: "img:-1" },
        },
        {
          ...nth(p.functions, 0),
          key: "third",
          provision_config: {
            ...must(nth(p.functions, 0).provision_config),
            container_image: "img@sha256:abc",
          },
        },
      );
    }),
    want: [
      ["functions[0].provision_config.container_image", 'repository path "Example" must be lowercase'],
      ["functions[2].provision_config.container_image", 'tag "-1" must be letters'],
      ["functions[3].provision_config.container_image", "must be algorithm:hex"],
    ],
  },
  {
    name: "min_scale above max_scale",
    given: pkg((p) => (must(nth(p.functions, 0).provision_config).min_scale = 11)),
    want: [["functions[0].provision_config.min_scale", "11 exceeds max_scale 10"]],
  },
  {
    name: "depends on itself",
    given: pkg((p) => (p.dependencies = ["shop"])),
    want: [["dependencies[0]", "cannot depend on itself"]],
  },
  {
    name: "dependency that does not exist",
    given: pkg((p) => (p.dependencies = ["base", "ghost"])),
    known: new Map([["base", []]]),
    want: [["dependencies[1]", 'package "ghost" does not exist']],
  },
  {
    name: "dependency cycle",
    given: pkg((p) => (p.dependencies = ["base"])),
    known: new Map([
      ["base", ["mid"]],
      ["mid", ["shop"]],
    ]),
    want: [["dependencies[0]", "dependency cycle: shop -> base -> mid -> shop"]],
  },
  {
    name: "embedded deployment of another package and a missing class",
    given: pkg((p) =>
      p.deployments.push(deployment((d) => ((d.package_name = "other"), (d.class_key = "ghost")))),
    ),
    want: [
      ["deployments[0].package_name", '"other" is not this package'],
      ["deployments[0].class_key", '"ghost" is not a class'],
    ],
  },
  {
    name: "embedded deployment rules are prefixed",
    given: pkg((p) => p.deployments.push(deployment((d) => (d.target_env = "a b")))),
    want: [["deployments[0].target_env", "whitespace"]],
  },
];

const deploymentRows: Row<OClassDeployment>[] = [
  { name: "valid", given: deployment(), want: [] },
  { name: "key with a space", given: deployment((d) => (d.key = "a b")), want: [["key", "whitespace"]] },
  {
    name: "empty package and class",
    given: deployment((d) => ((d.package_name = ""), (d.class_key = ""))),
    want: [
      ["package_name", "must not be empty"],
      ["class_key", "must not be empty"],
    ],
  },
  {
    name: "target env with a space",
    given: deployment((d) => (d.target_env = "dev env")),
    want: [["target_env", "whitespace"]],
  },
  {
    name: "cluster names: empty and duplicate",
    given: deployment((d) => (d.target_clusters = ["a", "", "a"])),
    want: [
      ["target_clusters[1]", "must not be empty"],
      ["target_clusters[2]", 'duplicate key "a"'],
    ],
  },
  {
    name: "function spec rules",
    given: deployment((d) =>
      d.functions.push(
        { function_key: "", config: {} },
        {
          function_key: "f",
          config: {},
          provision_config: {
            max_concurrency: 0,
            need_http2: false,
            min_scale: 3,
            max_scale: 2,
          },
        },
        { function_key: "f", config: {} },
      ),
    ),
    want: [
      ["functions[0].function_key", "must not be empty"],
      ["functions[1].provision_config.min_scale", "3 exceeds max_scale 2"],
      ["functions[2].function_key", 'duplicate key "f"'],
    ],
  },
  {
    name: "a function spec's container image: empty or with whitespace",
    given: deployment((d) =>
      d.functions.push(
        {
          function_key: "a",
          config: {},
          provision_config: { max_concurrency: 0, need_http2: false, container_image: "" },
        },
        {
          function_key: "b",
          config: {},
          provision_config: { max_concurrency: 0, need_http2: false, container_image: "repo/img:1 " },
        },
      ),
    ),
    want: [
      ["functions[0].provision_config.container_image", "is required"],
      ["functions[1].provision_config.container_image", "must not contain whitespace"],
    ],
  },
  {
    name: "a function spec's config key that is not an environment variable name",
    given: deployment((d) => d.functions.push({ function_key: "f", config: { "X:Y": "1" } })),
    want: [["functions[0].config.X:Y", '"X:Y" is not a valid environment variable name']],
  },
  {
    name: "odgm collection names",
    given: deployment((d) => (d.odgm = { collections: ["ok", "not ok"] })),
    want: [["odgm.collections[1]", "whitespace"]],
  },
  {
    name: "odgm collection listed twice (the CRM would refuse it: a 502 at the PM before)",
    given: deployment((d) => (d.odgm = { collections: ["a", "b", "a"] })),
    want: [["odgm.collections[2]", 'duplicate key "a"']],
  },
];

describe("models: validation table", function () {
  describe("validatePackage", function () {
    for (const row of packageRows) {
      it(row.name, function () {
        expectErrors(validatePackage(row.given, row.known), row.want);
      });
    }
  });
  describe("validateDeployment", function () {
    for (const row of deploymentRows) {
      it(row.name, function () {
        expectErrors(validateDeployment(row.given), row.want);
      });
    }
  });

  describe("schema (decode)", function () {
    const rows: Row<unknown>[] = [
      { name: "not an object", given: "shop", want: [["", "must be object"]] },
      { name: "missing name", given: {}, want: [["name", "is required"]] },
      {
        name: "wrong types",
        given: { name: 5, disabled: "no", classes: {} },
        want: [
          ["name", "must be string"],
          ["disabled", "must be boolean"],
          ["classes", "must be array"],
        ],
      },
      {
        name: "unknown enum values",
        given: {
          name: "p",
          functions: [{ key: "f", function_type: "SERVERLESS" }],
          classes: [{ key: "c", state_spec: { consistency_model: "strong" } }],
        },
        want: [
          ["classes[0].state_spec.consistency_model", "must be one of NONE, READ_YOUR_WRITE"],
          ["functions[0].function_type", "must be one of BUILTIN, CUSTOM, MACRO, LOGICAL"],
        ],
      },
      {
        name: "a binding without function_key",
        given: { name: "p", classes: [{ key: "c", function_bindings: [{ name: "x" }] }] },
        want: [["classes[0].function_bindings[0].function_key", "is required"]],
      },
      {
        name: "negative port",
        given: { name: "p", functions: [{ key: "f", provision_config: { port: -1 } }] },
        want: [["functions[0].provision_config.port", "must be >= 1"]],
      },
    ];
    for (const row of rows) {
      it(row.name, function () {
        const result = decodePackage(row.given);
        expect(result.ok).to.equal(false);
        if (!result.ok) expectErrors(result.errors, row.want);
      });
    }

    it("a deployment with an unknown condition is rejected at its path", function () {
      const result = decodeDeployment({ package_name: "p", class_key: "c", condition: "UP" });
      expect(result.ok).to.equal(false);
      if (!result.ok) expectErrors(result.errors, [["condition", "must be one of PENDING"]]);
    });
  });
});
