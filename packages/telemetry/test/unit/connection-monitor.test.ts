import { captureLogLines } from "@oaas/testkit";
import { expect } from "chai";
import { createConnectionMonitor, createLogger, createMetrics } from "../../src/index.ts";

type Step =
  | { readonly at: number; readonly conn: "a" | "b"; readonly event: "failed"; readonly error: string }
  | { readonly at: number; readonly conn: "a" | "b"; readonly event: "connected" | "ended" | "interrupted" };

interface Row {
  readonly name: string;
  readonly steps: readonly Step[];
  /** [level, message] of every line, in order. */
  readonly want: readonly (readonly [string, string])[];
  readonly state: string;
}

const rows: readonly Row[] = [
  {
    name: "first connect logs at debug only",
    steps: [{ at: 0, conn: "a", event: "connected" }],
    want: [["debug", "redis connected"]],
    state: "up",
  },
  {
    name: "an outage of two connections and many retries is two lines",
    steps: [
      { at: 0, conn: "a", event: "connected" },
      { at: 0, conn: "b", event: "connected" },
      { at: 1000, conn: "a", event: "interrupted" },
      ...[1, 2, 3, 4, 5].map((i): Step => ({
        at: 1000 + i * 100,
        conn: "a",
        event: "failed",
        error: "ECONNREFUSED",
      })),
      ...[1, 2, 3].map((i): Step => ({
        at: 1000 + i * 100,
        conn: "b",
        event: "failed",
        error: "ECONNREFUSED",
      })),
      { at: 15_000, conn: "a", event: "connected" },
      { at: 16_000, conn: "b", event: "connected" },
    ],
    want: [
      ["debug", "redis connected"],
      ["warn", "redis connection lost"],
      ["info", "redis connection restored"],
    ],
    state: "up",
  },
  {
    name: "never connected: unreachable, then restored",
    steps: [
      { at: 0, conn: "a", event: "failed", error: "ECONNREFUSED" },
      { at: 500, conn: "a", event: "failed", error: "ECONNREFUSED" },
      { at: 2000, conn: "a", event: "connected" },
    ],
    want: [
      ["warn", "redis unreachable"],
      ["info", "redis connection restored"],
    ],
    state: "up",
  },
  {
    name: "a failing connection closed by its owner leaves the state unknown, silently",
    steps: [
      { at: 0, conn: "a", event: "connected" },
      { at: 1, conn: "a", event: "failed", error: "ECONNRESET" },
      { at: 2, conn: "a", event: "ended" },
    ],
    want: [
      ["debug", "redis connected"],
      ["warn", "redis connection lost"],
    ],
    state: "unknown",
  },
];

describe("telemetry: connection monitor (one line when an outage starts, one when it ends)", function () {
  for (const row of rows) {
    it(row.name, async function () {
      const { stream, lines } = captureLogLines();
      const metrics = createMetrics({ serviceName: "t" });
      let clock = 0;
      const monitor = createConnectionMonitor({
        peer: "redis",
        logger: createLogger({ service: "t", level: "debug", stream }),
        metrics,
        fields: { redis: "redis://h:1" },
        now: () => clock,
      });
      const conns = { a: {}, b: {} };
      for (const step of row.steps) {
        clock = step.at;
        if (step.event === "failed") monitor.failed(conns[step.conn], new Error(step.error));
        else if (step.event === "interrupted") monitor.interrupted(conns[step.conn], "closed");
        else monitor[step.event](conns[step.conn]);
      }
      expect(lines.map((l) => [l.level, l.message])).to.deep.equal(row.want);
      expect(monitor.state).to.equal(row.state);
      for (const line of lines) expect(line).to.include({ peer: "redis", redis: "redis://h:1" });
      const failures = row.steps.filter((s) => s.event === "failed").length;
      expect(monitor.failures).to.equal(failures);
      const text = await metrics.render();
      if (failures > 0)
        expect(text).to.match(
          new RegExp(`oaas_connection_failures_total\\{peer="redis"[^}]*\\} ${failures}`),
        );
      expect(text).to.match(
        new RegExp(`oaas_connection_up\\{peer="redis"[^}]*\\} ${row.state === "up" ? 1 : 0}`),
      );
      await metrics.shutdown();
    });
  }

  it("the restored line carries the failed attempts, the duration and the last error", function () {
    const { stream, lines } = captureLogLines();
    let clock = 0;
    const monitor = createConnectionMonitor({
      peer: "etcd",
      logger: createLogger({ service: "t", stream }),
      now: () => clock,
    });
    const conn = {};
    monitor.connected(conn);
    clock = 1000;
    monitor.failed(conn, Object.assign(new Error("connect refused"), { code: "ECONNREFUSED" }));
    clock = 1500;
    monitor.failed(conn, new Error("still refused"));
    clock = 16_250;
    monitor.connected(conn);
    expect(lines).to.have.length(2);
    expect(lines[0]).to.include({
      level: "warn",
      message: "etcd connection lost",
      error: "ECONNREFUSED: connect refused",
    });
    expect(lines[1]).to.include({
      level: "info",
      message: "etcd connection restored",
      failed_attempts: 2,
      down_seconds: 15.3,
      last_error: "still refused",
    });
  });
});
