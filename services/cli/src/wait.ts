// `--wait`: poll until a verdict says ready, fail early when it says failed, give up at
// the deadline. Transient trouble (PM unreachable, 502/503 from a CRM) is shown and
// retried until the deadline; any other error ends the wait at once.
import { setTimeout as sleep } from "node:timers/promises";
import { NotReadyError, PmHttpError, PmUnreachableError } from "./errors.ts";
import { maxTimerMs } from "./durations.ts";
import type { ProgressSink } from "./progress.ts";

/** What one poll means: keep waiting (with the state to show), ready, or failed. */
export type Verdict =
  | { readonly kind: "waiting"; readonly state: string }
  | { readonly kind: "ready"; readonly state: string }
  | { readonly kind: "failed"; readonly state: string; readonly reason: string };

/** The `--wait`, `--timeout` and `--poll-interval` flags of a command. */
export interface WaitFlags {
  readonly wait: boolean;
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

export interface WaitOptions {
  /** e.g. `deployment "shop-cart"`: names the thing in progress lines and errors. */
  readonly what: string;
  /** e.g. "RUNNING": what ready means, for the timeout message. */
  readonly goal: string;
  readonly timeoutMs: number;
  /** Between polls; the last sleep is cut to the deadline. */
  readonly intervalMs: number;
  readonly progress: ProgressSink;
  /** Injectable clock for tests of the loop; defaults to Date.now. */
  readonly now?: () => number;
}

/**
 * Polls `poll` and judges each answer until ready; returns the last answer. `poll` gets a
 * signal that fires at the deadline: a request still in flight then is ended, so the wait
 * never outlasts --timeout by a request timeout.
 * Throws NotReadyError (exit 4) on timeout or a failed verdict, and rethrows errors that
 * are not transient.
 */
export async function waitUntil<T>(
  poll: (deadline: AbortSignal) => Promise<T>,
  judge: (answer: T) => Verdict,
  options: WaitOptions,
): Promise<T> {
  const now = options.now ?? Date.now;
  const start = now();
  const deadline = start + options.timeoutMs;
  const expiry = new AbortController();
  const timer = setTimeout(
    () => expiry.abort(new Error("wait deadline")),
    Math.min(options.timeoutMs, maxTimerMs),
  );
  let lastState = "no answer yet";
  try {
    for (;;) {
      try {
        const answer = await poll(expiry.signal);
        const verdict = judge(answer);
        lastState = verdict.state;
        options.progress.update(`${options.what}: ${verdict.state}`, now() - start);
        if (verdict.kind === "ready") return answer;
        if (verdict.kind === "failed") {
          throw new NotReadyError(`${options.what} failed: ${verdict.state}: ${verdict.reason}`);
        }
      } catch (err) {
        if (!isTransient(err)) throw err;
        // Ended by the deadline: the last state seen stays the one reported.
        if (!expiry.signal.aborted) {
          lastState = (err as Error).message;
          options.progress.update(`${options.what}: ${lastState}`, now() - start);
        }
      }
      const left = deadline - now();
      if (left <= 0 || expiry.signal.aborted) {
        throw new NotReadyError(
          `timed out after ${Math.round(options.timeoutMs / 100) / 10}s waiting for ${options.what} to be ${options.goal} (last: ${lastState})`,
        );
      }
      await sleep(Math.min(options.intervalMs, left, maxTimerMs));
    }
  } finally {
    clearTimeout(timer);
    options.progress.done();
  }
}

function isTransient(err: unknown): boolean {
  if (err instanceof PmUnreachableError) return true;
  return err instanceof PmHttpError && (err.status === 502 || err.status === 503);
}
