import { expect } from "chai";
import { compareQuantities, isValidQuantity, parseQuantity } from "../../src/index.ts";

describe("templates: Kubernetes quantities", () => {
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
