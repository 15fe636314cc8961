import { expect } from "chai";
import { errorFromResponse, errorFromTransport, kindOfStatusCode, KubeError } from "../../src/errors.ts";

describe("kube error classification", function () {
  const rows: [number, string][] = [
    [400, "invalid"],
    [401, "forbidden"],
    [403, "forbidden"],
    [404, "notFound"],
    [409, "conflict"],
    [410, "gone"],
    [413, "invalid"],
    [422, "invalid"],
    [429, "serverError"],
    [500, "serverError"],
    [503, "serverError"],
  ];
  for (const [code, kind] of rows) {
    it(`HTTP ${code} -> ${kind}`, function () {
      expect(kindOfStatusCode(code)).to.equal(kind);
    });
  }

  it("keeps the metav1.Status and its message", function () {
    const status = { kind: "Status" as const, reason: "AlreadyExists", message: "exists", code: 409 };
    const e = errorFromResponse("POST", "/api/v1/x", 409, status);
    expect(e).to.be.instanceOf(KubeError);
    expect(e).to.include({ kind: "conflict", statusCode: 409 });
    expect(e.status).to.deep.equal(status);
    expect(e.message).to.equal("POST /api/v1/x: HTTP 409: exists");
    const plain = errorFromResponse("GET", "/apis/x", 404, "404 page not found\n");
    expect(plain.status).to.equal(undefined);
    expect(plain.message).to.contain("404 page not found");
  });

  it("the caller's abort wins over the timeout, which wins over the transport error", function () {
    const refused = Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
    const state = (callerAborted: boolean, timedOut: boolean) => ({
      callerAborted,
      timedOut,
      timeoutMs: 100,
    });
    expect(errorFromTransport("GET", "/p", refused, state(true, true)).kind).to.equal("aborted");
    expect(errorFromTransport("GET", "/p", refused, state(false, true)).kind).to.equal("timeout");
    expect(errorFromTransport("GET", "/p", refused, state(false, false)).kind).to.equal("unreachable");
    const nested = new Error("fetch failed", {
      cause: Object.assign(new Error("x"), { code: "ECONNRESET" }),
    });
    expect(errorFromTransport("GET", "/p", nested, state(false, false)).message).to.contain("ECONNRESET");
  });
});
