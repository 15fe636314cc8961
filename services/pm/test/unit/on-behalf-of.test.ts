// The caller's name on CRM calls (x-oaas-on-behalf-of) is always a valid header value.
import { expect } from "chai";
import { headerSafe } from "../../src/crm/manager.ts";

describe("pm: x-oaas-on-behalf-of values", function () {
  it("keeps visible ASCII names, percent-encodes the rest", function () {
    expect(headerSafe("pm-prod")).to.equal("pm-prod");
    expect(headerSafe("alice@example.com")).to.equal("alice@example.com");
    expect(headerSafe("Zoë Ng")).to.equal("Zo%C3%AB%20Ng");
    expect(headerSafe("a\nb")).to.equal("a%0Ab");
  });
});
