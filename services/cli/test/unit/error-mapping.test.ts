// Wire failures -> one line naming the problem: socket errors as undici reports them, and
// the PM's error answers by status.
import { expect } from "chai";
import { connectionFailureReason, httpError, pmErrorText } from "../../src/http-errors.ts";
import { CliError, oneLine, PmUnreachableError, exitCodes } from "../../src/errors.ts";

function fetchFailed(cause: unknown): TypeError {
  return new TypeError("fetch failed", { cause });
}

function sysError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:1`), { code });
}

describe("error mapping", function () {
  it("connection failures give a short reason", function () {
    const timeout = new DOMException("The operation was aborted due to timeout", "TimeoutError");
    const rows: [string, unknown, string][] = [
      ["refused", fetchFailed(sysError("ECONNREFUSED")), "connection refused"],
      ["unknown host", fetchFailed(sysError("ENOTFOUND")), "host not found"],
      ["reset", fetchFailed(sysError("ECONNRESET")), "connection reset"],
      ["undici connect timeout", fetchFailed(sysError("UND_ERR_CONNECT_TIMEOUT")), "connection timed out"],
      [
        "every address refused (AggregateError)",
        fetchFailed(new AggregateError([sysError("ECONNREFUSED"), sysError("ECONNREFUSED")], "x")),
        "connection refused",
      ],
      ["our request timeout", timeout, "no answer within 30s"],
      ["unknown code", fetchFailed(sysError("E_WEIRD_THING")), "e weird thing"],
      ["no code", fetchFailed(new Error("bad certificate")), "bad certificate"],
    ];
    for (const [name, err, want] of rows) expect(connectionFailureReason(err, 30_000), name).to.equal(want);
    expect(connectionFailureReason(timeout, 1500)).to.equal("no answer within 1500ms");
  });

  it("PmUnreachableError names the URL and exits 3", function () {
    const err = new PmUnreachableError("http://127.0.0.1:8080", "connection refused");
    expect(err.message).to.equal(
      "cannot reach the Package Manager at http://127.0.0.1:8080: connection refused",
    );
    expect(err.exitCode).to.equal(exitCodes.unreachable);
    // A timeout: the PM may be up and waiting for a CRM; say so rather than "cannot reach".
    const slow = new PmUnreachableError("http://pm", "no answer within 2s", true);
    expect(slow.message).to.match(
      /^the Package Manager at http:\/\/pm did not answer: no answer within 2s \(it may be waiting for a slow or stopped CRM: `oaasctl clusters`/,
    );
    expect(slow.exitCode).to.equal(exitCodes.unreachable);
  });

  it("HTTP errors by status", function () {
    const what = 'package "shop"';
    const rows: [number, string, string][] = [
      [
        400,
        '{"error":"name: must not contain spaces; classes[0].key: must not be empty"}',
        'invalid package "shop": name: must not contain spaces; classes[0].key: must not be empty',
      ],
      [404, '{"error":"package shop not found"}', 'package "shop" not found (package shop not found)'],
      [404, "", 'package "shop" not found'],
      [
        409,
        '{"error":"package shop has 2 deployments"}',
        'conflict on package "shop": package shop has 2 deployments',
      ],
      [
        502,
        '{"error":"cluster a: INVALID_ARGUMENT"}',
        'a CRM answered with an error for package "shop": cluster a: INVALID_ARGUMENT',
      ],
      [
        503,
        '{"error":"no CRM reachable"}',
        'service unavailable for package "shop" (the PM cannot reach its store or a CRM): no CRM reachable',
      ],
      [500, "<html>\n<body>oops</body>", 'the Package Manager answered HTTP 500 for package "shop": <html>'],
    ];
    for (const [status, body, want] of rows) {
      const err = httpError(status, what, body);
      expect(err.message, String(status)).to.equal(want);
      expect(err.status).to.equal(status);
      expect(err.exitCode).to.equal(exitCodes.failed);
    }
  });

  it("validation errors listed as [{field, message}] are joined by field", function () {
    const body = JSON.stringify({
      error: "validation failed",
      errors: [
        { field: "classes[0].key", message: "must not be empty" },
        { field: "functions[1].provision_config.port", message: "must be within 1..65535" },
      ],
    });
    expect(pmErrorText(body)).to.equal(
      "validation failed: classes[0].key: must not be empty; functions[1].provision_config.port: must be within 1..65535",
    );
    expect(pmErrorText('{"message":"Body is not JSON"}')).to.equal("Body is not JSON");
  });

  it("every message is one line", function () {
    expect(new CliError("a\n  b\r\n\nc").message).to.equal("a; b; c");
    expect(oneLine("single")).to.equal("single");
    expect(httpError(400, "x", '{"error":"line one\\nline two"}').message).to.equal(
      "invalid x: line one; line two",
    );
  });
});
