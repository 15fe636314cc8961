import { expect } from "chai";
import { correlationIdFrom, namespaceFrom } from "../../src/ingress/metadata.ts";

describe("request metadata", function () {
  it("keeps a usable correlation id and replaces anything else with a UUID", function () {
    expect(correlationIdFrom("req-123/abc")).to.equal("req-123/abc");
    for (const bad of [null, "", "has space", "x".repeat(129), "tab\there", "ünïcode"]) {
      expect(correlationIdFrom(bad)).to.match(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
    }
  });
  it("uses x-namespace when it is a DNS-1123 label, the default when absent", function () {
    expect(namespaceFrom(null, "def")).to.deep.equal({ namespace: "def" });
    expect(namespaceFrom("", "def")).to.deep.equal({ namespace: "def" });
    expect(namespaceFrom("team-a", "def")).to.deep.equal({ namespace: "team-a" });
    for (const bad of ["Team", "a_b", "-a", "a.b", "a".repeat(64)]) {
      expect(namespaceFrom(bad, "def")).to.have.property("field", "x-namespace");
    }
  });
});
