// The PM's JSON body parser alone: depth bound without recursion, prototype keys named.
import { expect } from "chai";
import { BodyError, maxBodyDepth, nestingDepth, parseJsonBody } from "../../src/api/json-body.ts";

function refusal(text: string): string {
  try {
    parseJsonBody(text);
  } catch (error) {
    expect(error).to.be.instanceOf(BodyError);
    expect((error as BodyError).statusCode).to.equal(400);
    return (error as Error).message;
  }
  return expect.fail(`accepted ${text.slice(0, 60)}`);
}

describe("pm JSON body parser", function () {
  it("counts nesting outside strings only, escapes included", function () {
    expect(nestingDepth('{"a":[{"b":"[[{{\\"]"}]}')).to.equal(3);
    expect(nestingDepth("1")).to.equal(0);
  });

  it(`accepts ${maxBodyDepth} levels, refuses ${maxBodyDepth + 1} and 10,000 (arrays and objects)`, function () {
    const arrays = (n: number) => "[".repeat(n) + "]".repeat(n);
    const objects = (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n);
    expect(parseJsonBody(arrays(maxBodyDepth))).to.be.an("array");
    expect(parseJsonBody(objects(maxBodyDepth))).to.be.an("object");
    for (const text of [arrays(maxBodyDepth + 1), arrays(10_000), objects(10_000)])
      expect(refusal(text)).to.equal(`body nests more than ${maxBodyDepth} levels of objects and arrays`);
  });

  it("refuses __proto__ and constructor.prototype keys wherever they are, naming where", function () {
    expect(refusal('{"__proto__":{"x":1}}')).to.contain('key "__proto__" in body ');
    expect(refusal('{"a":[{"b":{"__proto__":1}}]}')).to.contain('key "__proto__" in body.a[0].b ');
    expect(refusal('{"constructor":{"prototype":{}}}')).to.contain('key "constructor.prototype" in body ');
    // A plain "constructor" value is data, not poisoning.
    expect(parseJsonBody('{"constructor":"x"}')).to.deep.equal({ constructor: "x" });
  });

  it("malformed and empty bodies are 400 as before", function () {
    expect(refusal('{"name": ')).to.match(/^Body is not valid JSON/);
    expect(refusal("  ")).to.contain("cannot be empty");
  });
});
