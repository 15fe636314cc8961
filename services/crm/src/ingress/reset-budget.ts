// How many streams one HTTP/2 client may reset before the ingress calls it abusive (the
// "rapid reset" attack, CVE-2023-44487: open a stream, reset it at once, repeat, so the
// server starts work that nobody waits for). A token bucket per session; pure (the caller
// passes the clock).
//
// Why our own: Node's HTTP/2 stack (nghttp2 >= 1.57) has one built in, at 1000 resets
// of burst and 33 per second, and answers it by closing the whole session with GOAWAY
// INTERNAL_ERROR (code 2). A client whose short deadlines pass (grpc-js and connect-node
// reset the stream of every call that times out) drains that in a few seconds of
// timeouts, and every other call in flight on its one session then fails with INTERNAL
// "Session closed with error code 2". The ingress sets nghttp2's
// bucket above this one (listener.ts) and answers this one with ENHANCE_YOUR_CALM, the
// code RFC 9113 section 7 gives for "the peer might be generating excessive load".

/** A rate limit as a token bucket: `burst` tokens, refilled at `perSecond`. */
export interface ResetRate {
  /** Resets a session may make at once (tokens in a full bucket). */
  readonly burst: number;
  /** Resets per second a session may keep up for ever (refill rate). */
  readonly perSecond: number;
}

/**
 * The ingress's limit on client stream resets per HTTP/2 session: 10 000 at once, 1 000
 * per second sustained. A real client resets one stream per call it gives up on; the PM
 * keeps one session per cluster and sends at most a few hundred calls a second at its
 * busiest, so even every one of its calls timing out stays ten times below the sustained
 * rate, while a rapid-reset attack sends tens of thousands a second per connection.
 */
export const clientResetRate: ResetRate = { burst: 10_000, perSecond: 1_000 };

/**
 * nghttp2's own limit (Node's http2 `streamResetBurst` / `streamResetRate`), set to twice
 * ours so that ours always answers first, with ENHANCE_YOUR_CALM; nghttp2's remains as a
 * backstop for resets our count does not see (a reset of a stream already answered).
 */
export const nghttp2ResetRate: ResetRate = {
  burst: clientResetRate.burst * 2,
  perSecond: clientResetRate.perSecond * 2,
};

export class ResetBudget {
  private tokens: number;
  private at: number | undefined;

  constructor(private readonly rate: ResetRate) {
    this.tokens = rate.burst;
  }

  /**
   * Counts one reset at `nowMs` (a monotonic clock, ms). True while the session is within
   * its budget; false once it has reset more streams than the rate allows (and on every
   * reset after that until the bucket refills).
   */
  take(nowMs: number): boolean {
    if (this.at !== undefined && nowMs > this.at) {
      this.tokens = Math.min(this.rate.burst, this.tokens + ((nowMs - this.at) / 1000) * this.rate.perSecond);
    }
    this.at = nowMs;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
