import { expect } from "chai";
import { compareQuantities, isValidQuantity, parseQuantity, quantityProblem } from "../../src/index.ts";

describe("kube-rules: Kubernetes quantities", () => {
  const valid = [
    "100m",
    "0.5",
    "128Mi",
    "1Gi",
    "1e3",
    "1E3",
    "1E",
    "2k",
    "1.",
    ".5",
    "+1",
    "-1",
    "0",
    "5e-3",
    "1e+2",
    "3Ei",
    "1.5Gi",
    "007",
  ];
  const invalid = [
    "",
    "m",
    "1.5.5",
    "1 Gi",
    "1gi",
    "1KI",
    "1e",
    "1e1.5",
    "Mi",
    "1Mi2",
    "ten",
    ".",
    "1,5",
    "0x10",
    "1b",
    " 1",
    "1e99999",
  ];
  for (const text of valid)
    it(`accepts ${JSON.stringify(text)}`, () => expect(isValidQuantity(text)).to.be.true);
  for (const text of invalid)
    it(`rejects ${JSON.stringify(text)}`, () => expect(isValidQuantity(text)).to.be.false);

  const order: { a: string; b: string; want: number }[] = [
    { a: "100m", b: "0.1", want: 0 },
    { a: "1", b: "1000m", want: 0 },
    { a: "1Ki", b: "1024", want: 0 },
    { a: "1k", b: "1Ki", want: -1 },
    { a: "1Gi", b: "1G", want: 1 },
    { a: "1e3", b: "1k", want: 0 },
    { a: "250m", b: "1", want: -1 },
    { a: "512Mi", b: "128Mi", want: 1 },
    { a: "-1", b: "0", want: -1 },
    { a: ".5", b: "500m", want: 0 },
  ];
  for (const { a, b, want } of order) {
    it(`compares ${a} with ${b}: ${want}`, () => {
      const left = parseQuantity(a);
      const right = parseQuantity(b);
      if (left === undefined || right === undefined) return expect.fail("both must parse");
      expect(compareQuantities(left, right)).to.equal(want);
    });
  }
});

describe("templates: quantityProblem (what the API server would refuse or store changed)", () => {
  const rows: { text: string; says?: RegExp }[] = [
    { text: "500m" },
    { text: "1m" },
    { text: "0.001" },
    { text: "128Mi" },
    { text: "9223372036854775807" },
    { text: "7.99Ei" },
    { text: "0" },
    { text: "1.5Gi" },
    { text: "100n", says: /finer than 1m/ },
    { text: "0.5m", says: /finer than 1m/ },
    { text: "1e-4", says: /finer than 1m/ },
    { text: "1u", says: /finer than 1m/ },
    { text: "1000000n" }, // exactly 1m
    { text: "10e-4" }, // exactly 1m
    { text: "9223372036854775808", says: /larger than the API server stores/ },
    { text: "8Ei", says: /larger than the API server stores/ },
    { text: "99999999999999999999Ei", says: /larger than the API server stores/ },
    { text: "1e999", says: /larger than the API server stores/ },
    { text: "-1", says: /is negative/ },
    { text: "abc", says: /is not a Kubernetes quantity/ },
    { text: "x".repeat(100), says: /^"x{40}\.\.\." is not a Kubernetes quantity/ },
  ];
  for (const row of rows)
    it(`${row.text.slice(0, 30)}: ${row.says ? "refused" : "accepted"}`, () => {
      const problem = quantityProblem(row.text);
      if (row.says) expect(problem).to.match(row.says);
      else expect(problem).to.equal(undefined);
    });
});
