import { expect } from "chai";
import { isDns1035Label } from "@oaas/kube-rules";
import {
  functionChildName,
  labelValue,
  monitorName,
  odgmChildName,
  recordName,
  shortHash,
} from "../../src/index.ts";

describe("crd: names (examples)", () => {
  it("keeps an id that is already a valid short DNS-1035 label", () => {
    expect(recordName("hello-class")).to.equal("hello-class");
    expect(functionChildName("hello-class", "place")).to.equal("hello-class-place-11");
    expect(odgmChildName("hello-class")).to.equal("hello-class-odgm");
    expect(monitorName("hello-class")).to.equal("hello-class-metrics");
  });

  const rows: { name: string; ids: string[] }[] = [
    { name: "ids differing only in case", ids: ["abc", "ABC", "Abc", "aBC"] },
    { name: "separators", ids: ["a-b", "a_b", "a.b", "a b", "a--b", "a__b"] },
    { name: "leading digits, dashes and underscores", ids: ["1abc", "-abc", "_abc", "abc"] },
    {
      name: "long ids sharing a 40-char prefix",
      ids: ["a".repeat(40) + "x", "a".repeat(40) + "y", "a".repeat(41)],
    },
    // UTF-8 turns every lone surrogate into U+FFFD; these all hashed alike before the fix.
    {
      name: "lone surrogates and U+FFFD",
      ids: ["\ud800", "\udbff", "\udc00", "\udfff", "\ufffd", "a\ud800", "a\ufffd"],
    },
    { name: "the empty id and filler-only ids", ids: ["", "-", "_", "x", "\u0000"] },
  ];
  for (const row of rows) {
    it(`maps ${row.name} to distinct valid record names`, () => {
      const names = row.ids.map(recordName);
      expect(new Set(names).size, names.join(" ")).to.equal(row.ids.length);
      for (const name of names) expect(isDns1035Label(name) && name.length <= 40, name).to.equal(true);
    });
  }

  it("keeps the hash of well-formed text stable (names already in clusters do not move)", () => {
    // Values of SHA-256 over UTF-8, as names.ts computed them before the lone-surrogate fix.
    expect(recordName("Hello")).to.equal("hello-y7ntcr6f");
    expect(recordName("V1StGXR8_Z5jdHi6B-myT")).to.equal("v1stgxr8-z5jdhi6b-myt-lmejzz5x");
    expect(shortHash("\ud83d\ude00")).to.equal("qe2um6vh");
    expect(shortHash("\ud83d")).to.not.equal(shortHash("\ud83d\ude00"));
  });

  it("never gives two records' functions one name (the split point is encoded)", () => {
    expect(functionChildName("shop", "cart-api")).to.equal("shop-cart-api-4");
    expect(functionChildName("shop-cart", "api")).to.equal("shop-cart-api-9");
    expect(functionChildName("a".repeat(40), "k".repeat(30))).to.match(/^a+-k+-[a-z2-7]{8}$/);
    expect(functionChildName("Shop", "api")).to.match(/^shop-api-[a-z2-7]{8}$/);
  });

  it("keeps function children apart from the addon's names", () => {
    expect(functionChildName("shop", "odgm")).to.not.equal(odgmChildName("shop"));
    expect(functionChildName("shop", "metrics")).to.not.equal(monitorName("shop"));
  });

  it("makes label values of anything", () => {
    expect(labelValue("Order_v2.1")).to.equal("Order_v2.1");
    expect(labelValue("")).to.equal("");
    expect(labelValue("-x-")).to.match(/^x-[a-z2-7]{8}$/);
    expect(labelValue("\ud800")).to.not.equal(labelValue("\ufffd"));
  });
});
