// The one place that talks HTTP to the API server. A single keep-alive connection pool
// per client, TLS and credentials taken from a KubeConfig, and every call bounded in
// time: by the caller's AbortSignal (an RPC deadline) and by a per-call timeout, so
// nothing the CRM does can hang on a frozen API server.
//
// Why not @kubernetes/client-node's generated APIs: in 2.0 they build a new undici
// Agent (a new TLS connection) for every request, and KubernetesObjectApi ignores
// per-call middleware, so a deadline cannot be attached. The kubeconfig comes from our own
// loader (config.ts); tests may pass client-node's KubeConfig, which has the same two methods.
import type https from "node:https";
import { BulkheadPolicy } from "cockatiel";
import { Agent, type Dispatcher } from "undici";
import { errorFromResponse, errorFromTransport } from "./errors.ts";

export interface KubeClientOptions {
  /** Upper bound of every call in ms, also when the caller has no deadline. Default 15 000. */
  readonly defaultTimeoutMs?: number;
  /** Parallel connections to the API server (HTTP/1.1 only, see create()). Default 64. */
  readonly connections?: number;
  /**
   * Requests this client has at the API server at once (watches excluded: they are
   * long-running, as the API server's own --max-requests-inflight counts them). More wait
   * in this process in arrival order, bounded only by the caller's signal; a request's
   * time bound starts when it is sent. Why: many busy processes against one API server
   * otherwise push its answer times past every client's time bound, and each timed-out
   * request is retried (client-go bounds the same with QPS/burst). Default 0: no bound
   * (the CRM sets it from OPRC_CRM_KUBE_MAX_IN_FLIGHT).
   */
  readonly maxInFlight?: number;
  /** Called once per request that had to wait for a free slot, with the seconds it waited (client-go's rest_client_rate_limiter_duration_seconds). */
  readonly onWait?: (method: string, seconds: number) => void;
  /**
   * Called once per request (watches included, when their headers arrive) with the verb,
   * the HTTP status code as text or "<error>" when no answer came (client-go's
   * rest_client_requests_total labels), and the seconds until the answer.
   */
  readonly onResponse?: (method: string, code: string, seconds: number) => void;
}

export interface CallOptions {
  /** Aborts the call, e.g. the signal of the RPC that needs the answer. */
  readonly signal?: AbortSignal;
  /** Bound of this call in ms; the smaller of this and the client default applies. */
  readonly timeoutMs?: number;
  /**
   * Sent at once, not counted against maxInFlight. Only for calls that must never wait
   * behind bulk work: Lease renewals (a leader that cannot renew within its renew deadline
   * loses the lease; the API server's flow control gives leader election its own priority
   * level for the same reason) and readiness probes.
   */
  readonly exempt?: boolean;
}

export interface KubeRequest extends CallOptions {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Absolute API path, e.g. /apis/oaas.io/v1alpha1/namespaces/a/deploymentrecords/b */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  /** Sent as JSON (valid YAML too, so also for apply patches). */
  readonly body?: unknown;
  readonly contentType?: string;
  /**
   * The Accept header. Default application/json. Another media type asks the server for
   * another form of the answer: `application/json;as=Table;v=v1;g=meta.k8s.io` for the
   * server-side Table (`kubectl get` columns), `text/plain` for /metrics. A body that is
   * not JSON comes back as its text.
   */
  readonly accept?: string;
}

export interface StreamRequest {
  /** Absolute API path of a collection, e.g. /api/v1/namespaces/a/services */
  readonly path: string;
  readonly query?: KubeRequest["query"];
  /** Ends the stream (stop, client-side watch timeout). */
  readonly signal: AbortSignal;
  /** Bound until the response headers arrive, ms; at most the client default. */
  readonly headersTimeoutMs?: number;
  /** Fail the stream when no byte arrived for this long, ms; 0 (default) = no bound. */
  readonly idleTimeoutMs?: number;
}

/**
 * What the client needs of a loaded kubeconfig: the current cluster's server and a way to
 * fill TLS options and headers (Authorization) for it. Our LoadedKubeConfig
 * (loadKubeConfig) and @kubernetes/client-node's KubeConfig both have it.
 */
export interface KubeConfigSource {
  getCurrentCluster(): { readonly server: string } | null;
  applyToHTTPSOptions(opts: https.RequestOptions): Promise<void>;
}

/** How long fetched credentials are reused before the KubeConfig is asked again (token rotation). */
const credentialTtlMs = 60_000;

export class KubeClient {
  private headers: { value: Record<string, string>; at: number } | undefined;

  private constructor(
    /** e.g. https://127.0.0.1:6443 */
    readonly server: string,
    private readonly agent: Agent,
    private readonly kc: KubeConfigSource,
    private readonly defaultTimeoutMs: number,
    private readonly onResponse: KubeClientOptions["onResponse"],
    /** Absent when unbounded. */
    private readonly slots: BulkheadPolicy | undefined,
    private readonly onWait: KubeClientOptions["onWait"],
  ) {}

  /** Builds a client for the KubeConfig's current context. */
  static async create(kc: KubeConfigSource, options: KubeClientOptions = {}): Promise<KubeClient> {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error("kubeconfig has no current cluster");
    const tls: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(tls);
    const agent = new Agent({
      // HTTP/1.1 only. undici 8 offers h2 by default and the API server picks it; then
      // every request shares one HTTP/2 connection, and a request aborted while its body
      // is being sent sends empty DATA frames forever (Node's HTTP/2 client: the process
      // spins at 100% CPU and grows by gigabytes until it aborts; found by the ingress's
      // cancel-storm test, reproduced with aborted applies alone). The pool of
      // `connections` is the parallelism this client was built for.
      allowH2: false,
      connections: options.connections ?? 64,
      keepAliveTimeout: 30_000,
      connect: {
        timeout: options.defaultTimeoutMs ?? 15_000,
        ...(tls.ca ? { ca: tls.ca } : {}),
        ...(tls.cert ? { cert: tls.cert } : {}),
        ...(tls.key ? { key: tls.key } : {}),
        ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
        ...(tls.servername ? { servername: tls.servername } : {}),
      },
    });
    return new KubeClient(
      cluster.server.replace(/\/+$/, ""),
      agent,
      kc,
      options.defaultTimeoutMs ?? 15_000,
      options.onResponse,
      inFlightBound(options.maxInFlight),
      options.onWait,
    );
  }

  /**
   * Sends one request and parses the JSON answer. Throws KubeError: "aborted" when
   * the caller's signal fired, "timeout" when the time bound ran out, "unreachable"
   * when nothing reached the server, otherwise the kind of the HTTP status.
   */
  async request<T>(req: KubeRequest): Promise<T> {
    const res = await this.exchange(req);
    if (res.statusCode < 200 || res.statusCode > 299)
      throw errorFromResponse(req.method, req.path, res.statusCode, res.body);
    return res.body as T;
  }

  /**
   * Like request(), but an answered request resolves with its status code and parsed
   * body whatever the status; only "no answer" (aborted, timeout, unreachable) throws.
   * For callers that expect some statuses (a GET that may 404) without paying for an error.
   */
  async exchange(req: KubeRequest): Promise<{ statusCode: number; body: unknown }> {
    const slots = this.slots;
    if (!slots || req.exempt === true) return this.exchangeNow(req);
    if (slots.executionSlots > 0) return slots.execute(() => this.exchangeNow(req));
    const queuedAt = performance.now();
    const run = slots.execute(() => {
      this.observeWait(req.method, queuedAt);
      return this.exchangeNow(req);
    }, req.signal);
    if (!req.signal) return run;
    // The bulkhead drops a waiting call whose signal fired only when its turn comes; the
    // caller is answered at once instead.
    run.catch(() => undefined);
    const signal = req.signal;
    let onAbort = (): void => undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () =>
        reject(
          errorFromTransport(req.method, req.path, signal.reason, {
            callerAborted: true,
            timedOut: false,
            timeoutMs: 0,
          }),
        );
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      return await Promise.race([run, aborted]);
    } finally {
      signal.removeEventListener("abort", onAbort);
    }
  }

  /** One request, sent now: the time bounds, the transport, the metrics hook. */
  private async exchangeNow(req: KubeRequest): Promise<{ statusCode: number; body: unknown }> {
    const timeoutMs = Math.max(0, Math.min(req.timeoutMs ?? Infinity, this.defaultTimeoutMs));
    const controller = new AbortController();
    const state = { callerAborted: false, timedOut: false, timeoutMs };
    // undici does not abort a TLS handshake in progress (it waits for its connect
    // timeout), so the call also settles on its own as soon as either bound fires.
    let settle: (error: Error) => void = () => undefined;
    const bounded = new Promise<never>((_, reject) => (settle = reject));
    const onCallerAbort = () => {
      state.callerAborted = true;
      controller.abort(req.signal?.reason);
      settle(new Error("aborted by the caller"));
    };
    if (req.signal?.aborted) onCallerAbort();
    else req.signal?.addEventListener("abort", onCallerAbort, { once: true });
    const timer = setTimeout(() => {
      state.timedOut = true;
      controller.abort(new Error(`timed out after ${timeoutMs} ms`));
      settle(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const path = withQuery(req.path, req.query);
    const call = this.send(req, path, controller.signal);
    call.catch(() => undefined); // settled through `bounded` when a bound fired first
    const started = performance.now();
    try {
      const res = await Promise.race([call, bounded]);
      this.observe(req.method, String(res.statusCode), started);
      return res;
    } catch (error) {
      this.observe(req.method, "<error>", started);
      throw errorFromTransport(req.method, req.path, error, state);
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", onCallerAbort);
    }
  }

  private async send(
    req: KubeRequest,
    path: string,
    signal: AbortSignal,
  ): Promise<{ statusCode: number; body: unknown }> {
    const headers: Record<string, string> = {
      accept: req.accept ?? "application/json",
      ...(await this.credentials()),
    };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = JSON.stringify(req.body);
      headers["content-type"] = req.contentType ?? "application/json";
    }
    const res = await this.agent.request({
      origin: this.server,
      path,
      method: req.method,
      headers,
      body: body ?? null,
      signal,
    });
    return { statusCode: res.statusCode, body: parseBody(await res.body.text()) };
  }

  /**
   * Opens a long-running GET (a watch) and resolves once the response headers arrived,
   * with the body as a byte stream the caller consumes. No per-call time bound applies to
   * the body: the caller bounds it with `signal` (a client-side watch timeout) and
   * `idleTimeoutMs` (undici's body timeout: no byte for that long fails the stream).
   * A non-2xx answer throws KubeError (410 as "gone"); no answer throws like request().
   */
  async openStream(req: StreamRequest): Promise<AsyncIterable<Uint8Array>> {
    const path = withQuery(req.path, req.query);
    const headersBound = Math.min(req.headersTimeoutMs ?? this.defaultTimeoutMs, this.defaultTimeoutMs);
    const state = { callerAborted: false, timedOut: false, timeoutMs: headersBound };
    let res: Dispatcher.ResponseData;
    const started = performance.now();
    try {
      const headers: Record<string, string> = { accept: "application/json", ...(await this.credentials()) };
      res = await this.agent.request({
        origin: this.server,
        path,
        method: "GET",
        headers,
        signal: req.signal,
        headersTimeout: headersBound,
        bodyTimeout: req.idleTimeoutMs ?? 0,
      });
    } catch (error) {
      this.observe("GET", "<error>", started);
      state.callerAborted = req.signal.aborted;
      state.timedOut = isHeadersTimeout(error);
      throw errorFromTransport("GET", req.path, error, state);
    }
    this.observe("GET", String(res.statusCode), started);
    if (res.statusCode < 200 || res.statusCode > 299) {
      const text = await res.body.text().catch(() => "");
      throw errorFromResponse("GET", req.path, res.statusCode, parseBody(text));
    }
    return res.body;
  }

  private observeWait(method: string, queuedAt: number): void {
    try {
      this.onWait?.(method, (performance.now() - queuedAt) / 1000);
    } catch {
      // A metrics hook must never fail a Kubernetes call.
    }
  }

  private observe(method: string, code: string, started: number): void {
    try {
      this.onResponse?.(method, code, (performance.now() - started) / 1000);
    } catch {
      // A metrics hook must never fail a Kubernetes call.
    }
  }

  /** Closes pooled connections; in-flight calls fail. */
  async close(): Promise<void> {
    await this.agent.destroy();
  }

  private async credentials(): Promise<Record<string, string>> {
    const now = Date.now();
    if (this.headers && now - this.headers.at < credentialTtlMs) return this.headers.value;
    const opts: https.RequestOptions = {};
    await this.kc.applyToHTTPSOptions(opts);
    const value: Record<string, string> = {};
    for (const [key, v] of Object.entries(opts.headers ?? {}))
      if (v !== undefined) value[key.toLowerCase()] = String(v);
    this.headers = { value, at: now };
    return value;
  }
}

/** The bulkhead for KubeClientOptions.maxInFlight (queue unbounded: callers bound their own wait). */
function inFlightBound(maxInFlight: number | undefined): BulkheadPolicy | undefined {
  const bound = maxInFlight ?? 0;
  if (!Number.isInteger(bound) || bound < 0)
    throw new RangeError(`maxInFlight must be an integer >= 0, got ${bound}`);
  return bound === 0 ? undefined : new BulkheadPolicy(bound, Number.POSITIVE_INFINITY);
}

function withQuery(path: string, query: KubeRequest["query"]): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function isHeadersTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === "UND_ERR_HEADERS_TIMEOUT";
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
