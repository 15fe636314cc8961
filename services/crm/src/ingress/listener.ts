// One port for everything. Cleartext: a net server reads the first bytes of each
// connection; the HTTP/2 connection preface ("PRI * HTTP/2.0...", what gRPC clients send
// with prior knowledge) goes to an http2 server, anything else to an HTTP/1.1 server.
// With mTLS: one TLS server requiring client certificates signed by the CA, choosing
// HTTP/2 or HTTP/1.1 by ALPN. Shutdown closes HTTP/2 sessions itself (server.close()
// alone waits for clients that keep sessions open) and gives up after a grace period.
// Client stream resets are counted per session (reset-budget.ts): a client's timeouts
// never close its session; only a rapid-reset flood does, with ENHANCE_YOUR_CALM.
import http from "node:http";
import http2 from "node:http2";
import net from "node:net";
import type { Duplex } from "node:stream";
import type { connectNodeAdapter } from "@connectrpc/connect-node";
import { clientResetRate, nghttp2ResetRate, ResetBudget, type ResetRate } from "./reset-budget.ts";

/** What connectNodeAdapter returns; the same function serves HTTP/1.1 and HTTP/2. */
type Handler = ReturnType<typeof connectNodeAdapter>;

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** Client certificates must be signed by this CA. */
  readonly ca: Buffer;
}

export interface ListenOptions {
  readonly port: number;
  /** Default: all interfaces. */
  readonly host?: string;
  /** mTLS when set. */
  readonly tls?: TlsMaterial;
  /** Client stream resets per session before GOAWAY ENHANCE_YOUR_CALM. Default clientResetRate; tests lower it. */
  readonly resetRate?: ResetRate;
  /** Called when a session is closed for resetting too many streams (for a log line). */
  readonly onCalm?: (remote: string | undefined) => void;
}

export interface Listener {
  readonly port: number;
  /** Stops accepting, closes sessions gracefully, destroys what is left after graceMs. */
  close(graceMs?: number): Promise<void>;
}

const preface = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
/** A connection that sends nothing for this long before we know its protocol is dropped. */
const sniffTimeoutMs = 10_000;

export async function listen(handler: Handler, options: ListenOptions): Promise<Listener> {
  const sockets = new Set<Duplex>();
  const sessions = new Set<http2.ServerHttp2Session>();
  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  };
  const resetRate = options.resetRate ?? clientResetRate;
  const onSession = (session: http2.ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    limitResets(session, resetRate, options.onCalm);
  };
  // nghttp2's own reset limit answers GOAWAY INTERNAL_ERROR; it stays a backstop above ours.
  const h2Options = {
    streamResetBurst: Math.max(nghttp2ResetRate.burst, resetRate.burst * 2),
    streamResetRate: Math.max(nghttp2ResetRate.perSecond, resetRate.perSecond * 2),
  };
  let outer: net.Server;
  let h1: http.Server | undefined;
  if (options.tls) {
    const secure = http2.createSecureServer(
      {
        ...options.tls,
        ...h2Options,
        requestCert: true,
        rejectUnauthorized: true,
        allowHTTP1: true,
        noDelay: true,
      },
      handler,
    );
    secure.on("session", onSession);
    secure.on("connection", track);
    outer = secure;
  } else {
    const h2 = http2.createServer(h2Options, handler);
    h2.on("session", onSession);
    h1 = http.createServer(handler);
    const plain = h1;
    // noDelay: the http servers would set it on sockets they accept themselves; gRPC writes
    // headers, data and trailers separately, and Nagle would hold the small ones back.
    outer = net.createServer({ noDelay: true }, (socket) => {
      track(socket);
      route(socket, h2, plain);
    });
  }
  await new Promise<void>((resolve, reject) => {
    outer.once("error", reject);
    outer.listen(options.port, options.host, () => {
      outer.off("error", reject);
      resolve();
    });
  });
  // The HTTP/1.1 server never listens itself; its 'listening' event is what starts Node's
  // connection tracking, without which closeIdleConnections() (shutdown) and the
  // headers/request timeouts (slow-client protection) ignore the sockets we hand it.
  h1?.emit("listening");
  const address = outer.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    port,
    close: async (graceMs = 5000) => {
      const closed = new Promise<void>((resolve) => outer.close(() => resolve()));
      for (const session of sessions) session.close();
      // Keep-alive HTTP/1.1 connections become idle once their response is sent.
      h1?.closeIdleConnections();
      const idle = setInterval(() => h1?.closeIdleConnections(), 50);
      const timer = setTimeout(() => {
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
      }, graceMs);
      await closed;
      clearInterval(idle);
      clearTimeout(timer);
      h1?.close(); // stops its connection-checking timer
    },
  };
}

/**
 * Counts the streams of `session` that end by RST_STREAM (a client's timeout or cancel;
 * rarely the server's own reset) against `rate`; past it, closes the session with GOAWAY
 * ENHANCE_YOUR_CALM (RFC 9113 section 7), which clients report as RESOURCE_EXHAUSTED or
 * ENHANCE_YOUR_CALM rather than as a server error. A stream's 'close' and its rstCode are
 * the signal, not 'aborted': connect-node often ends its response (the request body ended
 * with the reset) before Node processes the reset itself, and then no 'aborted' follows.
 */
function limitResets(
  session: http2.ServerHttp2Session,
  rate: ResetRate,
  onCalm: ((remote: string | undefined) => void) | undefined,
): void {
  const budget = new ResetBudget(rate);
  session.on("stream", (stream) => {
    stream.once("close", () => {
      if (stream.rstCode === http2.constants.NGHTTP2_NO_ERROR) return;
      if (budget.take(performance.now()) || session.destroyed) return;
      onCalm?.(session.socket.remoteAddress);
      // The code is the final GOAWAY's; the error only goes to the server's 'sessionError'.
      session.destroy(new Error("too many reset streams"), http2.constants.NGHTTP2_ENHANCE_YOUR_CALM);
    });
  });
}

/** Hands a cleartext connection to the HTTP/2 or the HTTP/1.1 server by its first bytes. */
function route(socket: net.Socket, h2: http2.Http2Server, h1: http.Server): void {
  let buffered = Buffer.alloc(0);
  const onError = () => socket.destroy();
  const onData = (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    const n = Math.min(buffered.length, preface.length);
    const isH2 = buffered.subarray(0, n).equals(preface.subarray(0, n));
    if (isH2 && buffered.length < preface.length) return; // a prefix of the preface: wait for more
    socket.off("data", onData);
    socket.off("error", onError);
    socket.setTimeout(0);
    socket.pause();
    // Both servers read bytes already buffered on the socket before new ones.
    socket.unshift(buffered);
    if (isH2) h2.emit("connection", socket);
    else {
      h1.emit("connection", socket);
      socket.resume();
    }
  };
  socket.on("data", onData);
  socket.on("error", onError);
  socket.setTimeout(sniffTimeoutMs, () => socket.destroy());
}
