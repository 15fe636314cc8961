// The key rule (keys.ts): one function decides for every identifier; these rows are the
// fuzz-like cases a newcomer tried and the rest of their class. Every key field of a
// package and a deployment is checked with it (the second half).
import { expect } from "chai";
import {
  createAjv,
  decodeDeployment,
  decodePackage,
  keyKeyword,
  keyProblem,
  keySchema,
  maxKeyLength,
  type FieldError,
  type OClassDeployment,
  type OPackage,
} from "../../src/index.ts";
import { deployment, must, nth, pkg } from "../fixtures.ts";

/** Accepted: letters and digits of any script, "._-~", up to 253 code points. */
const usable = [
  "shop",
  "cart-add",
  "record.random",
  "snake_case",
  "~home",
  "v1.2.3",
  "Ünïcödé",
  "日本語",
  "a..b",
  "...",
  "x".repeat(maxKeyLength),
  // 4-byte letters (MATHEMATICAL SCRIPT CAPITAL A): 253 code points, 506 UTF-16 units.
  "\u{1D49C}".repeat(maxKeyLength),
];

/** Refused, with a substring of the message (which names the offending character). */
const refused: readonly (readonly [string, string])[] = [
  ["", "must not be empty"],
  ["x".repeat(maxKeyLength + 1), `is 254 characters long; at most ${maxKeyLength}`],
  ["\u{1D49C}".repeat(maxKeyLength + 1), "is 254 characters long"],
  [".", '"." is not a usable key'],
  ["..", '".." is not a usable key'],
  ["a/b", 'contains "/"'],
  ["../etc", 'contains "/"'],
  ["/", 'contains "/"'],
  ["a\\b", 'contains "\\\\"'],
  ["a%2Fb", 'contains "%"'],
  ["%2E%2E", 'contains "%"'],
  ["a?b", 'contains "?"'],
  ["a#b", 'contains "#"'],
  ["a,b", 'contains ","'],
  ["a+b", 'contains "+"'],
  ["a:b", 'contains ":"'],
  ["a@b", 'contains "@"'],
  ["a=b", 'contains "="'],
  ["a*b", 'contains "*"'],
  ["<script>", 'contains "<"'],
  ['a"b', 'contains "\\""'],
  ["😀", 'contains "😀"'],
  ["my shop", "must not contain whitespace"],
  [" shop", "must not contain whitespace"],
  ["shop\n", "must not contain whitespace"],
  ["a\u00a0b", "must not contain whitespace"],
  ["a\u3000b", "must not contain whitespace"],
  ["a\u0000b", "must not contain control characters"],
  ["a\u0007b", "must not contain control characters"],
  ["a\u007fb", "must not contain control characters"],
  // Invisible format characters: zero-width space, right-to-left override, BOM.
  ["a\u200bb", 'contains "\u200b"'],
  ["a\u202eb", 'contains "\u202e"'],
  ["\ufeffa", "must not contain whitespace"], // JavaScript counts the BOM as whitespace
  // e + combining acute (NFD) looks like "é" (NFC): two keys that look the same.
  ["cafe\u0301", "not in Unicode normalization form NFC"],
];

describe("models: the key rule", function () {
  for (const key of usable) {
    it(`accepts ${JSON.stringify(key.slice(0, 30))} (${key.length} UTF-16 units)`, function () {
      expect(keyProblem(key)).to.equal(undefined);
    });
  }
  for (const [key, message] of refused) {
    it(`refuses ${JSON.stringify(key.slice(0, 30))}: ${message}`, function () {
      expect(keyProblem(key)).to.be.a("string").that.contains(message);
    });
  }

  it("a long key is shown cut, with invisible characters escaped", function () {
    expect(keyProblem(`${"a".repeat(100)}/`)).to.match(/^"a{80}\.\.\." contains "\/"/);
    expect(keyProblem("a\u0000b")).to.equal('"a\\u0000b" must not contain control characters');
  });

  it(`the schema keyword "${keyKeyword}" answers with keyProblem's words, for text with coercion too`, function () {
    for (const coerce of [false, true]) {
      const validate = createAjv(coerce).compile({
        type: "object",
        properties: { name: keySchema },
      });
      expect(validate({ name: "ok" })).to.equal(true);
      for (const [key, message] of refused) {
        expect(validate({ name: key }), key).to.equal(false);
        expect(validate.errors?.[0]?.instancePath).to.equal("/name");
        expect(validate.errors?.[0]?.message).to.equal(keyProblem(key)).and.contain(message);
      }
    }
  });
});

describe("models: every key field of a package and a deployment goes through the key rule", function () {
  const withDeployment = (): OPackage =>
    pkg((p) => {
      p.dependencies = ["base"];
      p.deployments = [
        deployment((d) => {
          d.target_clusters = ["edge"];
          d.functions = [{ function_key: "cart-add", config: {} }];
          d.odgm = { collections: ["orders"] };
        }),
      ];
    });
  const inDeployment = (set: (d: OClassDeployment, bad: string) => void) => (p: OPackage, bad: string) =>
    set(nth(p.deployments, 0), bad);
  const deploymentFields: readonly (readonly [string, (d: OClassDeployment, bad: string) => void])[] = [
    ["key", (d, bad) => (d.key = bad)],
    ["package_name", (d, bad) => (d.package_name = bad)],
    ["class_key", (d, bad) => (d.class_key = bad)],
    ["target_env", (d, bad) => (d.target_env = bad)],
    ["target_clusters[0]", (d, bad) => (d.target_clusters[0] = bad)],
    ["functions[0].function_key", (d, bad) => (nth(d.functions, 0).function_key = bad)],
    ["odgm.collections[0]", (d, bad) => (must(d.odgm).collections[0] = bad)],
  ];
  const packageFields: readonly (readonly [string, (p: OPackage, bad: string) => void])[] = [
    ["name", (p, bad) => (p.name = bad)],
    ["classes[0].key", (p, bad) => (nth(p.classes, 0).key = bad)],
    [
      "classes[0].function_bindings[0].name",
      (p, bad) => (nth(nth(p.classes, 0).function_bindings, 0).name = bad),
    ],
    ["functions[0].key", (p, bad) => (nth(p.functions, 0).key = bad)],
    ["dependencies[0]", (p, bad) => (p.dependencies[0] = bad)],
    ...deploymentFields.map(([field, set]) => [`deployments[0].${field}`, inDeployment(set)] as const),
  ];

  function expectKeyError(errors: readonly FieldError[], field: string, bad: string): void {
    const hit = errors.find((e) => e.field === field);
    expect(hit, `${field} in ${JSON.stringify(errors)}`).to.not.equal(undefined);
    expect(hit?.message).to.equal(keyProblem(bad));
  }

  it("the fixture with a deployment is valid", function () {
    expect(decodePackage(withDeployment()).ok).to.equal(true);
  });
  for (const [field, set] of packageFields) {
    for (const bad of ["a/b", "..", "a\u0000b", "x".repeat(maxKeyLength + 1)]) {
      it(`package ${field} = ${JSON.stringify(bad.slice(0, 12))} is refused at ${field}`, function () {
        const p = withDeployment();
        set(p, bad);
        const result = decodePackage(p);
        expect(result.ok).to.equal(false);
        if (!result.ok) expectKeyError(result.errors, field, bad);
      });
    }
  }
  for (const [field, set] of deploymentFields) {
    it(`deployment ${field} = "a/b" is refused at ${field}`, function () {
      const d = nth(withDeployment().deployments, 0);
      set(d, "a/b");
      const result = decodeDeployment(d);
      expect(result.ok).to.equal(false);
      if (!result.ok) expectKeyError(result.errors, field, "a/b");
    });
  }
});
