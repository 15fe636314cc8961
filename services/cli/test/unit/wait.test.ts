// The --wait loop and its progress display. The loop's clock is injected; its sleeps
// are real but 1 ms long.
import { expect } from "chai";
import { NotReadyError, PmHttpError, PmUnreachableError } from "../../src/errors.ts";
import { progressSink } from "../../src/progress.ts";
import { waitUntil, type Verdict } from "../../src/wait.ts";
import { MemoryStream } from "../support/io.ts";

/** A clock that advances `step` ms each time it is read. */
function steppingClock(step: number): () => number {
  let t = 0;
  return () => (t += step);
}

function scripted<T>(answers: (T | Error)[]): { poll: () => Promise<T>; calls: () => number } {
  let i = 0;
  return {
    poll: () => {
      const a = answers[Math.min(i++, answers.length - 1)];
      return a instanceof Error ? Promise.reject(a) : Promise.resolve(a as T);
    },
    calls: () => i,
  };
}

const judge = (s: string): Verdict =>
  s === "RUNNING"
    ? { kind: "ready", state: s }
    : s === "DOWN"
      ? { kind: "failed", state: s, reason: "broken" }
      : { kind: "waiting", state: s };

describe("--wait", function () {
  const base = { what: "deployment/k", goal: "RUNNING", intervalMs: 1 };

  it("returns the first ready answer; plain progress lines only on change", async function () {
    const out = new MemoryStream(false);
    const s = scripted(["PENDING", "DEPLOYING", "DEPLOYING", "RUNNING"]);
    const got = await waitUntil(s.poll, judge, {
      ...base,
      timeoutMs: 60_000,
      progress: progressSink(out),
      now: steppingClock(1000),
    });
    expect(got).to.equal("RUNNING");
    expect(s.calls()).to.equal(4);
    expect(out.text).to.equal(
      "[1s] deployment/k: PENDING\n[3s] deployment/k: DEPLOYING\n[7s] deployment/k: RUNNING\n",
    );
  });

  it("the deadline ends a poll still in flight: --timeout 0.3s against a PM that stops answering ends in about 0.3s", async function () {
    let calls = 0;
    const poll = (deadline: AbortSignal): Promise<string> => {
      if (calls++ === 0) return Promise.resolve("DEPLOYING");
      // What PmClient does when its signal fires: the request ends as "unreachable".
      return new Promise((_, reject) =>
        deadline.addEventListener("abort", () => reject(new PmUnreachableError("http://pm", "aborted")), {
          once: true,
        }),
      );
    };
    const started = performance.now();
    const err = await waitUntil(poll, judge, {
      ...base,
      intervalMs: 10,
      timeoutMs: 300,
      progress: progressSink(new MemoryStream(false)),
    }).then(
      () => expect.fail("resolved"),
      (e: unknown) => e,
    );
    expect(performance.now() - started).to.be.within(250, 1500);
    expect(err).to.be.instanceOf(NotReadyError);
    // The last state seen is reported, not the abort.
    expect((err as Error).message).to.match(/timed out after 0\.3s .*\(last: DEPLOYING\)/);
  });

  it("on a terminal one line is rewritten, then ended with a newline", async function () {
    const tty = new MemoryStream(true);
    const s = scripted(["DEPLOYING", "RUNNING"]);
    await waitUntil(s.poll, judge, {
      ...base,
      timeoutMs: 60_000,
      progress: progressSink(tty),
      now: steppingClock(1000),
    });
    expect(tty.text).to.equal("\r\x1b[2Kdeployment/k: DEPLOYING (1s)\r\x1b[2Kdeployment/k: RUNNING (3s)\n");
  });

  it("times out with the last state", async function () {
    const s = scripted(["DEPLOYING"]);
    const err = await waitUntil(s.poll, judge, {
      ...base,
      timeoutMs: 5000,
      progress: progressSink(new MemoryStream()),
      now: steppingClock(1000),
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(NotReadyError);
    expect((err as NotReadyError).message).to.equal(
      "timed out after 5s waiting for deployment/k to be RUNNING (last: DEPLOYING)",
    );
    expect((err as NotReadyError).exitCode).to.equal(4);
    // the clock reads twice per poll (progress, deadline): polls at 2s, 4s, 6s of 5s
    expect(s.calls()).to.equal(3);
  });

  it("a failed verdict ends the wait at once", async function () {
    const s = scripted(["DEPLOYING", "DOWN", "RUNNING"]);
    const err = await waitUntil(s.poll, judge, {
      ...base,
      timeoutMs: 60_000,
      progress: progressSink(new MemoryStream()),
    }).catch((e: unknown) => e);
    expect((err as Error).message).to.equal("deployment/k failed: DOWN: broken");
    expect(s.calls()).to.equal(2);
  });

  it("PM unreachable and 502/503 are retried; other errors end the wait", async function () {
    const out = new MemoryStream();
    const s = scripted<string>([
      new PmUnreachableError("http://pm", "connection refused"),
      new PmHttpError("a CRM answered with an error", 502, "x"),
      "RUNNING",
    ]);
    expect(
      await waitUntil(s.poll, judge, { ...base, timeoutMs: 60_000, progress: progressSink(out) }),
    ).to.equal("RUNNING");
    expect(out.text).to.contain("cannot reach the Package Manager at http://pm: connection refused");

    const notFound = scripted<string>([
      new PmHttpError('deployment "k" not found', 404, undefined),
      "RUNNING",
    ]);
    const err = await waitUntil(notFound.poll, judge, {
      ...base,
      timeoutMs: 60_000,
      progress: progressSink(new MemoryStream()),
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(PmHttpError);
    expect(notFound.calls()).to.equal(1);
  });
});
