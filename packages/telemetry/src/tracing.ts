// OpenTelemetry tracing, set up once per process before the instrumented modules load.
//
// Why the order matters (https://github.com/open-telemetry/opentelemetry-js/blob/main/doc/esm-support.md):
// an ESM import of
// ioredis never passes through require(), so instrumentations registered the CommonJS
// way patch nothing and no Redis span ever appears, while trace ids in logs keep
// working and hide the gap. startTracing() therefore registers the
// import-in-the-middle loader hook (module.register of
// @opentelemetry/instrumentation/hook.mjs) and the instrumentations first; each
// program's main.ts awaits it and only then imports the rest of the program
// dynamically, so every later `import ... from "ioredis"` is seen by the hook.
//
// Instrumented: node:http/https (the PM's Fastify server; outgoing requests only inside
// a trace), undici (every Kubernetes API call of packages/kube: diagnostics channels,
// no hook needed; only inside a trace, so informer watches and Lease renewals do not
// make root spans) and ioredis (only inside a trace: BullMQ's polling would otherwise
// be thousands of root spans). Connect RPCs over HTTP/2 get their spans from the
// interceptors of the CRM ingress and the PM's CRM client (trace-context.ts).
//
// Off (no endpoint configured): nothing is loaded, no hook, the API stays a no-op.
import { register } from "node:module";
import { context, propagation, trace } from "@opentelemetry/api";
import type { SpanExporter } from "@opentelemetry/sdk-trace";
import type { TracingSettings } from "./tracing-settings.ts";

export interface TracingOptions {
  /** service.name of every span unless OTEL_SERVICE_NAME is set, e.g. "oaas-crm". */
  readonly serviceName: string;
  /** From tracingSettings(process.env). Ignored when `exporter` is given. */
  readonly settings?: TracingSettings;
  /** Tests: spans go here (synchronously, no batching) instead of an OTLP endpoint. */
  readonly exporter?: SpanExporter;
  /** Extra resource attributes, e.g. { "oaas.crm.role": "watcher" }. */
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface Tracing {
  /** False when tracing is off (no endpoint): every call below is then a no-op. */
  readonly enabled: boolean;
  /** Export what is buffered now (tests; before a deliberate exit). */
  forceFlush(): Promise<void>;
  /** Flushes and stops exporting; call once at process end. */
  shutdown(): Promise<void>;
}

const off: Tracing = { enabled: false, forceFlush: async () => {}, shutdown: async () => {} };
let started: Tracing | undefined;

/**
 * Installs the tracer provider, context manager, W3C propagator, the ESM loader hook and
 * the instrumentations, once per process (later calls return the first result). Must
 * run before ioredis or any module that imports it is loaded.
 * @throws whatever the SDK throws while loading (a broken install); settings are already validated.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  if (started) return started;
  const settings = options.settings;
  if (!options.exporter && !settings?.enabled) {
    started = off;
    return started;
  }
  registerLoaderHook();
  const [sdk, hooks, core, resources, instr, http, undici, ioredis] = await Promise.all([
    import("@opentelemetry/sdk-trace"),
    import("@opentelemetry/context-async-hooks"),
    import("@opentelemetry/core"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/instrumentation"),
    import("@opentelemetry/instrumentation-http"),
    import("@opentelemetry/instrumentation-undici"),
    import("@opentelemetry/instrumentation-ioredis"),
  ]);
  const exporter = options.exporter ?? (await otlpExporter(settings));
  const serviceName = (settings?.enabled ? settings.serviceName : undefined) ?? options.serviceName;
  const provider = new sdk.TracerProvider({
    resource: resources.resourceFromAttributes({ "service.name": serviceName, ...options.attributes }),
    spanProcessors: [
      options.exporter
        ? new sdk.SimpleSpanProcessor({ exporter })
        : new sdk.BatchSpanProcessor({
            exporter,
            ...(settings?.enabled ? { scheduledDelayMillis: settings.scheduleDelayMs } : {}),
          }),
    ],
  });
  context.setGlobalContextManager(new hooks.AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  instr.registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      new http.HttpInstrumentation({
        requireParentforOutgoingSpans: true,
        // Probes and scrapes are not requests anyone traces.
        ignoreIncomingRequestHook: (req) =>
          /^\/(metrics|healthz|readyz|health|ready)(\?|$)/.test(req.url ?? ""),
      }),
      new undici.UndiciInstrumentation({ requireParentforSpans: true }),
      new ioredis.IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  started = {
    enabled: true,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
  return started;
}

/**
 * The import-in-the-middle hook, so ESM imports of instrumented packages are patched.
 * A bundle (dist/*.js from esbuild) has ioredis inlined: nothing to intercept there,
 * and the hook file may be absent; undici and http spans still work.
 */
function registerLoaderHook(): void {
  try {
    // The asynchronous hook chain on purpose: tsx (tests, `npm run pm`) registers its
    // loader the same way, and import-in-the-middle documents this path for Node 24.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    register("@opentelemetry/instrumentation/hook.mjs", import.meta.url);
  } catch (error) {
    process.emitWarning(
      `OpenTelemetry ESM hook not registered (${error instanceof Error ? error.message : String(error)}): ioredis spans are missing`,
    );
  }
}

async function otlpExporter(settings: TracingSettings | undefined): Promise<SpanExporter> {
  if (!settings?.enabled) throw new Error("otlpExporter without an endpoint");
  if (settings.protocol === "http/json") {
    const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-http");
    return new OTLPTraceExporter({ url: settings.url });
  }
  const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-proto");
  return new OTLPTraceExporter({ url: settings.url });
}
