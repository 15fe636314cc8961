import { Code, ConnectError } from "@connectrpc/connect";
import { expect } from "chai";
import { DeploymentError, type DeploymentErrorCode } from "../../src/deployments/errors.ts";
import { toConnectError } from "../../src/ingress/error-map.ts";

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
});
