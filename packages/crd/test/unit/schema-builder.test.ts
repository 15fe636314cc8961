import { expect } from "chai";
import { array, enumOf, integer, mapOf, object, required, string } from "../../src/schema-builder.ts";

interface Sample {
  id: string;
  size?: number;
  mode?: "a" | "b";
  tags?: string[];
  env?: Record<string, string>;
}

// The type-level checks are the point of the builder; each @ts-expect-error below is
// verified by the repo's tsc gate (an unused one is itself an error).
function typeChecks(): void {
  object<Sample>({
    // @ts-expect-error a required key of the type must be wrapped in required()
    id: string(),
  });
  // @ts-expect-error every key of the type needs a schema
  object<Sample>({ id: required(string()) });
  object<Sample>({
    id: required(string()),
    // @ts-expect-error an optional key must not be required
    size: required(integer()),
    mode: enumOf(["a", "b"]),
    tags: array(string()),
    env: mapOf(string()),
  });
  object<Sample>({
    id: required(string()),
    size: integer(),
    // @ts-expect-error an enum must list exactly the union's members
    mode: enumOf(["a"]),
    tags: array(string()),
    env: mapOf(string()),
  });
  object<Sample>({
    id: required(string()),
    // @ts-expect-error a string schema is no number schema
    size: string(),
    mode: enumOf(["a", "b"]),
    tags: array(string()),
    env: mapOf(string()),
  });
  object<Sample>({
    id: required(string()),
    size: integer(),
    mode: enumOf(["a", "b"]),
    tags: array(string()),
    env: mapOf(string()),
    // @ts-expect-error a key the type does not have
    extra: string(),
  });
}

describe("crd: schema builder", () => {
  it("compiles the type-level checks above (tsc) and is never called", () => {
    expect(typeChecks).to.be.a("function");
  });

  it("emits required keys and strips the marker", () => {
    const schema = object<Sample>({
      id: required(string({ description: "the id" })),
      size: integer({ minimum: 0 }),
      mode: enumOf(["a", "b"]),
      tags: array(string()),
      env: mapOf(string()),
    });
    expect(JSON.parse(JSON.stringify(schema))).to.deep.equal({
      type: "object",
      properties: {
        id: { type: "string", description: "the id" },
        size: { type: "integer", minimum: 0 },
        mode: { type: "string", enum: ["a", "b"] },
        tags: { type: "array", items: { type: "string" } },
        env: { type: "object", additionalProperties: { type: "string" } },
      },
      required: ["id"],
    });
    expect(Object.getOwnPropertySymbols(schema.properties?.["id"] ?? {})).to.deep.equal([]);
  });
});
