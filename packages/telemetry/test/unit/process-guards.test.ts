import { EventEmitter } from "node:events";
import { captureLogLines } from "@oaas/testkit";
import { expect } from "chai";
import { createLogger, createMetrics, installProcessGuards } from "../../src/index.ts";

/** A stand-in for `process`: mocha owns the real one's handlers. */
class FakeProcess extends EventEmitter {
  exitCode: number | undefined;
  exit(code: number): void {
    this.exitCode = code;
  }
}

function capture() {
  const { lines, stream } = captureLogLines();
  return { lines, logger: createLogger({ service: "t", stream }) };
}

describe("telemetry: process guards (unhandled rejections never end the process)", function () {
  it("logs and counts an unhandled rejection and keeps running", async function () {
    const target = new FakeProcess();
    const { lines, logger } = capture();
    const metrics = createMetrics({ serviceName: "t" });
    const guards = installProcessGuards({ logger, metrics, target });
    try {
      target.emit("unhandledRejection", new Error("late kube read"));
      target.emit("unhandledRejection", "a string");
      expect(guards.unhandledRejections).to.equal(2);
      expect(target.exitCode).to.equal(undefined);
      expect(lines.map((l) => l["error"] ?? l["reason"])).to.deep.equal([
        "Error: late kube read",
        "a string",
      ]);
      const text = await metrics.render();
      expect(text).to.match(/process_unhandled_rejections_total\{kind="Error",[^}]*\} 1/);
      expect(text).to.match(/process_unhandled_rejections_total\{kind="string",[^}]*\} 1/);
    } finally {
      guards.uninstall();
      await metrics.shutdown();
    }
    expect(target.listenerCount("unhandledRejection")).to.equal(0);
  });

  it("logs, counts and exits(1) on an uncaught exception unless told otherwise", async function () {
    const target = new FakeProcess();
    const { lines, logger } = capture();
    const guards = installProcessGuards({ logger, target });
    const exited = new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (target.exitCode !== undefined) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    target.emit("uncaughtException", new TypeError("boom"));
    await exited;
    guards.uninstall();
    expect(guards.uncaughtExceptions).to.equal(1);
    expect(target.exitCode).to.equal(1);
    expect(lines[0]?.["error"]).to.equal("TypeError: boom");

    const other = new FakeProcess();
    const quiet = installProcessGuards({
      logger: capture().logger,
      target: other,
      exitOnUncaughtException: false,
    });
    other.emit("uncaughtException", new Error("x"));
    quiet.uninstall();
    expect(other.exitCode).to.equal(undefined);
  });
});
