import { captureLogLines } from "@oaas/testkit";
import { expect } from "chai";
import { createLogger, routeConsoleToLogger } from "../../src/index.ts";

describe("telemetry: console output routed through the logger", function () {
  it("console.* and process warnings become one JSON line each; restore() puts the console back", async function () {
    const { stream, lines } = captureLogLines();
    const logger = createLogger({ service: "t", level: "debug", stream });
    const error = console.error;
    const route = routeConsoleToLogger(logger);
    try {
      // What ioredis prints for an "error" event nobody listens to: a multi-line stack.
      console.error("[ioredis] Unhandled error event:", new Error("connect ECONNREFUSED 127.0.0.1:1").stack);
      console.warn("IMPORTANT! Eviction policy is %s", "allkeys-lru");
      console.log("plain", { n: 1 });
      console.debug("details");
      const warned = new Promise((resolve) => process.once("warning", resolve));
      process.emitWarning("too long a timer", "TimeoutOverflowWarning");
      await warned;
    } finally {
      route.restore();
    }
    expect(console.error).to.equal(error);
    expect(lines.map((l) => [l.level, l["source"]])).to.deep.equal([
      ["error", "console"],
      ["warn", "console"],
      ["info", "console"],
      ["debug", "console"],
      ["warn", "process-warning"],
    ]);
    expect(lines[0]?.message).to.match(
      /^\[ioredis\] Unhandled error event: Error: connect ECONNREFUSED[^]*\n\s+at /,
    );
    expect(lines[1]?.message).to.equal("IMPORTANT! Eviction policy is allkeys-lru");
    expect(lines[2]?.message).to.equal("plain { n: 1 }");
    expect(lines[4]).to.include({ message: "too long a timer", warning: "TimeoutOverflowWarning" });
    expect(process.listeners("warning").length, "Node's printer is back").to.be.greaterThan(0);
  });
});
