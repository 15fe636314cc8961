import { captureLogLines } from "@oaas/testkit";
import { expect } from "chai";
import { createLogger, withContext } from "../../src/index.ts";

const capture = captureLogLines;

describe("telemetry: JSON logger", function () {
  it("writes one JSON object per line with service, level, message and timestamp", function () {
    const { stream, lines } = capture();
    createLogger({ service: "svc", stream }).info("hello", { n: 1 });
    expect(lines).to.have.length(1);
    expect(lines[0]).to.include({ service: "svc", level: "info", message: "hello", n: 1 });
    expect(Date.parse(String(lines[0]?.["timestamp"]))).to.be.a("number").and.not.NaN;
  });

  it("child loggers carry deployment_id and correlation_id on every line; undefined fields are left out", function () {
    const { stream, lines } = capture();
    const log = withContext(createLogger({ service: "svc", stream }), {
      deploymentId: "d1",
      correlationId: "c1",
      rpc: "X/Y",
      extra: undefined,
    });
    log.info("a");
    log.warn("b", { code: "NotFound" });
    expect(lines.map((l) => [l["deployment_id"], l["correlation_id"], l["rpc"]])).to.deep.equal([
      ["d1", "c1", "X/Y"],
      ["d1", "c1", "X/Y"],
    ]);
    expect(lines[0]).to.not.have.property("extra");
    expect(lines[1]).to.include({ level: "warn", code: "NotFound" });
  });

  it("honours the level", function () {
    const { stream, lines } = capture();
    const log = createLogger({ service: "svc", stream, level: "warn" });
    log.info("dropped");
    log.error("kept");
    expect(lines.map((l) => l["message"])).to.deep.equal(["kept"]);
  });
});
