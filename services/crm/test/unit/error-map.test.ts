import { Code, ConnectError } from "@connectrpc/connect";
import { PageTooLargeSchema } from "@oaas/proto";
import { expect } from "chai";
import { DeploymentError, type DeploymentErrorCode } from "../../src/deployments/errors.ts";
import { echo, maxEchoChars } from "../../src/deployments/errors.ts";
import { maxMessageChars, toConnectError } from "../../src/ingress/error-map.ts";

describe("domain errors -> RPC codes", function () {
  const rows: [DeploymentErrorCode, Code][] = [
    ["invalidArgument", Code.InvalidArgument],
    ["notFound", Code.NotFound],
    ["alreadyExists", Code.AlreadyExists],
    ["failedPrecondition", Code.FailedPrecondition],
    ["unavailable", Code.Unavailable],
    ["deadlineExceeded", Code.DeadlineExceeded],
    ["internal", Code.Internal],
  ];
  for (const [domain, code] of rows) {
    it(`${domain} -> ${Code[code]}, message kept`, function () {
      const e = toConnectError(new DeploymentError(domain, "why"));
      expect(e.code).to.equal(code);
      expect(e.rawMessage).to.equal("why");
    });
  }
  it("a ConnectError passes through; anything else is INTERNAL without its details", function () {
    const c = new ConnectError("x", Code.Aborted);
    expect(toConnectError(c)).to.equal(c);
    const e = toConnectError(new Error("secret detail"));
    expect(e.code).to.equal(Code.Internal);
    expect(e.rawMessage).to.equal("internal error");
  });
  it("a page hint travels as the oaas.crm.v1.PageTooLarge detail; other errors carry none", function () {
    const pageHint = { maxLimit: 8, offset: 20, maxBytes: 4128768 };
    const e = toConnectError(new DeploymentError("resourceExhausted", "too large", [], { pageHint }));
    expect(e.code).to.equal(Code.ResourceExhausted);
    const [detail] = e.findDetails(PageTooLargeSchema);
    expect([detail?.maxLimit, detail?.offset, detail?.maxBytes]).to.deep.equal([8, 20, 4128768n]);
    expect(toConnectError(new DeploymentError("resourceExhausted", "too large")).details).to.deep.equal([]);
  });
  it("bounds every message (headers carry it): a 100,000-character message is cut, saying how much", function () {
    const e = toConnectError(new DeploymentError("notFound", "m".repeat(100_000)));
    expect(e.rawMessage.length).to.be.below(maxMessageChars + 50);
    expect(e.rawMessage).to.match(/\.\.\. \(97952 more characters\)$/);
  });
  it("echo quotes short input whole and cuts long input, noting its length", function () {
    expect(echo("shop")).to.equal('"shop"');
    const long = echo("x".repeat(70_000));
    expect(long).to.equal(`"${"x".repeat(maxEchoChars)}"... (70000 characters)`);
  });
});
