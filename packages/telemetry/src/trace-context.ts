// W3C trace context across the hops that no auto-instrumentation sees: Connect calls
// over HTTP/2, and the queue job that links a reconcile to the Deploy that caused it.
// Every function is a no-op (undefined / the root context) while tracing is off, because
// the API's default propagator and tracer do nothing.
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Tracer,
} from "@opentelemetry/api";

/** The name every tracer of this project uses (instrumentation scope). */
export const tracerName = "oaas";

/** The project's tracer (a no-op until startTracing() installed a provider). */
export function tracer(): Tracer {
  return trace.getTracer(tracerName);
}

/** The W3C `traceparent` of the active span, or undefined when there is none or tracing is off. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier["traceparent"];
}

/** A context whose remote parent is `traceparent` (root context when undefined or malformed). */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (!traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/** Writes the active context's trace headers (traceparent, tracestate) into fetch-style headers. */
export function injectTraceHeaders(headers: Headers, from: Context = context.active()): void {
  propagation.inject(from, headers, { set: (carrier, key, value) => carrier.set(key, value) });
}

/** The context named by fetch-style request headers (root context when they carry none). */
export function extractTraceHeaders(headers: Headers): Context {
  return propagation.extract(ROOT_CONTEXT, headers, {
    get: (carrier, key) => carrier.get(key) ?? undefined,
    keys: (carrier) => [...carrier.keys()],
  });
}

/** trace_id and span_id of the active span for a log line; empty when there is none. */
export function activeTraceFields(): { trace_id?: string; span_id?: string } {
  const span = trace.getSpan(context.active());
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  if (!trace.isSpanContextValid(span.spanContext())) return {};
  return { trace_id: traceId, span_id: spanId };
}

/** What a function running inside inSpan() may record on its span. */
export interface SpanHandle {
  setAttribute(key: string, value: string | number | boolean): void;
  /** Marks the span failed (status ERROR) without throwing, e.g. for a result that is a failure. */
  fail(message: string): void;
}

export interface InSpanOptions {
  readonly kind: "server" | "client" | "consumer" | "producer" | "internal";
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
  /** Parent context (e.g. extractTraceHeaders, contextFromTraceparent); default the active one. */
  readonly parent?: Context;
}

const kinds = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  consumer: SpanKind.CONSUMER,
  producer: SpanKind.PRODUCER,
  internal: SpanKind.INTERNAL,
} as const;

/**
 * Runs `fn` with a new span active (so spans of calls inside it are its children and log
 * lines carry its ids); a thrown error marks the span failed and is rethrown; the span
 * ends when `fn` settles. While tracing is off the span is a no-op and `fn` just runs.
 */
export function inSpan<T>(
  name: string,
  options: InSpanOptions,
  fn: (span: SpanHandle) => Promise<T>,
): Promise<T> {
  return tracer().startActiveSpan(
    name,
    { kind: kinds[options.kind], ...(options.attributes ? { attributes: { ...options.attributes } } : {}) },
    options.parent ?? context.active(),
    async (span) => {
      const handle: SpanHandle = {
        setAttribute: (key, value) => void span.setAttribute(key, value),
        fail: (message) => void span.setStatus({ code: SpanStatusCode.ERROR, message }),
      };
      try {
        return await fn(handle);
      } catch (error) {
        handle.fail(error instanceof Error ? error.message : String(error));
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
