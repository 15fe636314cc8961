// The PM's JSON body parser alone: depth bound without recursion, prototype keys and
// duplicate keys named.
import { expect } from "chai";
import {
  BodyError,
  duplicateKey,
  maxBodyDepth,
  nestingDepth,
  parseJsonBody,
} from "../../src/api/json-body.ts";

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

  it("refuses a key twice in one object, naming the key and the object's path", function () {
    const unique = "(JSON object keys must be unique)";
    for (const [text, where] of [
      ['{"name":"a","name":"b"}', 'key "name" in body '],
      ['{"name":"a","\\u006eame":"b"}', 'key "name" in body '],
      ['{"a":{"b":1,"c":2,"b":3}}', 'key "b" in body.a '],
      ['[{"k":1},{"k":1,"k":2}]', 'key "k" in body[1] '],
      ['{"x":[[{"":1,"":2}]]}', 'key "" in body.x[0][0] '],
      ['{"__proto_":1,"__proto_":2}', 'key "__proto_" in body '],
    ] as const) {
      expect(refusal(text), text).to.equal(`${where}appears more than once ${unique}`);
    }
  });

  it("accepts the same key in sibling and nested objects, and keys that differ only by case", function () {
    for (const text of [
      '{"a":{"k":1},"b":{"k":1},"k":{"k":{"k":1}}}',
      '[{"k":1},{"k":2}]',
      '{"Name":"a","name":"b"}',
      '{"a":"\\"a\\":1,\\"a\\":2"}',
    ]) {
      expect(duplicateKey(text), text).to.equal(undefined);
      expect(() => parseJsonBody(text), text).to.not.throw();
    }
  });

  it("a duplicate is reported only for text JSON.parse accepts (comments stay malformed JSON)", function () {
    expect(refusal('{"a":1,/* c */"a":2}')).to.match(/^Body is not valid JSON/);
    expect(refusal('{"a":1,"a":2,}')).to.match(/^Body is not valid JSON/);
  });
});
